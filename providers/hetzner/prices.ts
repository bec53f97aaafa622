// Hetzner's price table: a rough monthly cost of what a hetzner stack creates (net list prices in
// EUR, converted to USD), from the recorded resources. Hetzner raised prices on 2026-04-01 and again
// for new orders on 2026-06-15; the figures below are the latest confirmed (May 2026) or derived,
// marked. `GET https://api.hetzner.cloud/v1/pricing` has the live ones. A guide, not a quote.
import type { CostLine, PriceTable, PricedResource } from "../../lib/cost-types";

export const HETZNER_PRICE_TABLE = {
    date: "2026-11",
    usdPerEur: 1.1133, // ECB reference rate used by a 2026-10-28 price export (moveinfra eu-cloud-prices.csv)
    sources: [
        "Hetzner Cloud pricing API as read on 2026-05-27 (cx33 EUR 6.49, volumes EUR 0.0572/GB; devantler-tech/platform cb791c6f)",
        "docs.vdhome.be/reference/costs (2026-04-15: cx23 EUR 3.99)",
        "devantler-tech/platform#1784 (per-vCPU figures: cx43, cx53 derived)",
        "hetzner.com/cloud/load-balancer (lb11 from EUR 5.39, 2025 snapshot; unconfirmed after 2026-04)",
        "cpx/cax prices and primary IPv4 EUR 0.50: unconfirmed",
    ],
} as const;

export const HETZNER_EUR = {
    serverMonth: { cx23: 3.99, cx33: 6.49, cx43: 12.0, cx53: 22.56, cpx22: 7.99, cpx32: 13.99, cpx42: 25.49, cax21: 6.49, cax31: 12.49 } as Record<string, number>,
    primaryIpv4Month: 0.5,
    lb11Month: 5.39,
    volumeGbMonth: 0.0572,
    /** Hetzner volumes start at 10 GB (csi-driver rounds smaller claims up). */
    minVolumeGb: 10,
};

const usd = (eur: number) => eur * HETZNER_PRICE_TABLE.usdPerEur;

/** The volumes the CSI driver will make for the stack's claims: templates x replicas and standalone claims. */
function volumeGbs(resources: readonly PricedResource[]): number[] {
    const gb = (q: string) => Math.max(HETZNER_EUR.minVolumeGb, Math.ceil(Number(/^(\d+)Gi$/.exec(q)?.[1] ?? NaN)));
    return resources.flatMap((r) => {
        if (r.type === "kubernetes:apps/v1:StatefulSet") return (r.inputs.spec?.volumeClaimTemplates ?? []).flatMap((t: any) => Array(r.inputs.spec.replicas ?? 1).fill(gb(t.spec.resources.requests.storage)));
        if (r.type === "kubernetes:core/v1:PersistentVolumeClaim") return [gb(r.inputs.spec.resources.requests.storage)];
        return [];
    });
}

export const hetznerPrices: PriceTable = {
    cloud: "hcloud",
    date: HETZNER_PRICE_TABLE.date,
    reads: ["hcloud:index/server:Server", "hcloud:index/loadBalancer:LoadBalancer", "kubernetes:helm.sh/v4:Chart", "kubernetes:apps/v1:StatefulSet", "kubernetes:core/v1:PersistentVolumeClaim"],
    costs: (resources) => {
        const lines: CostLine[] = [];
        for (const r of resources) {
            if (r.type === "hcloud:index/server:Server") {
                lines.push({ resource: r.name, detail: `${r.inputs.serverType} and its IPv4`, monthlyUsd: usd((HETZNER_EUR.serverMonth[r.inputs.serverType] ?? NaN) + HETZNER_EUR.primaryIpv4Month) });
            }
            if (r.type === "hcloud:index/loadBalancer:LoadBalancer") lines.push({ resource: r.name, detail: `${r.inputs.loadBalancerType} (API)`, monthlyUsd: usd(HETZNER_EUR.lb11Month) });
            // The gateway's load balancer is made by the CCM for Traefik's Service: priced from the chart's annotations.
            if (r.type === "kubernetes:helm.sh/v4:Chart" && r.inputs.values?.service?.annotations?.["load-balancer.hetzner.cloud/type"]) {
                lines.push({ resource: r.name, detail: "lb11 for the gateway (made by the cloud controller)", monthlyUsd: usd(HETZNER_EUR.lb11Month) });
            }
        }
        const volumes = volumeGbs(resources);
        const total = volumes.reduce((a, b) => a + b, 0);
        if (volumes.length > 0) lines.push({ resource: "volumes", detail: `${volumes.length} Hetzner volumes, ${total} GB (10 GB minimum each)`, monthlyUsd: usd(total * HETZNER_EUR.volumeGbMonth) });
        return lines;
    },
};
