// DigitalOcean's price table: a rough monthly cost of the DO resources a stack would create (list
// prices, USD, a 730-hour month, Droplets and databases are capped at their monthly price), from
// the recorded resources. A guide for reviewing a plan, not a quote: DO's API (`/v2/sizes`,
// `doctl compute size list`) has the live figures.
import type { CostLine, PriceTable, PricedResource } from "../../lib/cost-types";

export const DO_PRICE_TABLE = {
    date: "2026-11",
    sources: [
        "https://docs.digitalocean.com/products/kubernetes/details/pricing/ (control plane free, HA control plane $40/month)",
        "https://www.digitalocean.com/pricing/droplets (Basic Droplets; per-slug figures from a 2026-03 third-party table, unconfirmed)",
        "https://www.digitalocean.com/pricing/managed-databases (PostgreSQL and Valkey plans; unconfirmed for 2026, standby at the primary's price)",
        "https://www.digitalocean.com/pricing/load-balancer (one node; the Network Load Balancer price is unconfirmed)",
        "https://www.digitalocean.com/pricing/volumes (Block Storage, $0.10/GiB-month, unconfirmed)",
    ],
} as const;

export const DO_PRICES = {
    haControlPlaneMonth: 40,
    dropletMonth: { "s-2vcpu-4gb": 24, "s-4vcpu-8gb": 48, "s-8vcpu-16gb": 96 } as Record<string, number>,
    databaseNodeMonth: { "db-s-1vcpu-1gb": 15, "db-s-1vcpu-2gb": 30, "db-s-2vcpu-4gb": 60, "db-s-4vcpu-8gb": 120, "db-s-6vcpu-16gb": 240 } as Record<string, number>,
    loadBalancerMonth: 12,
    volumeGbMonth: 0.1,
};

function poolLine(resource: string, pool: Record<string, any>): CostLine {
    const nodes = pool.minNodes ?? pool.nodeCount ?? 1;
    return { resource, detail: `${nodes} x ${pool.size} (autoscaling floor)`, monthlyUsd: nodes * (DO_PRICES.dropletMonth[pool.size] ?? NaN) };
}

export function doCostOf(r: PricedResource): CostLine[] {
    const i = r.inputs;
    switch (r.type) {
        case "digitalocean:index/kubernetesCluster:KubernetesCluster":
            return [
                ...(i.ha ? [{ resource: r.name, detail: "HA control plane", monthlyUsd: DO_PRICES.haControlPlaneMonth }] : []),
                poolLine(`${r.name} (system pool)`, i.nodePool ?? {}),
            ];
        case "digitalocean:index/kubernetesNodePool:KubernetesNodePool":
            return [poolLine(r.name, i)];
        case "digitalocean:index/databaseCluster:DatabaseCluster": {
            const nodes = i.nodeCount ?? 1;
            const engine = i.engine === "pg" ? "PostgreSQL" : "Valkey";
            return [{ resource: r.name, detail: `${engine} ${i.size}${nodes > 1 ? ` + ${nodes - 1} standby` : ""}`, monthlyUsd: nodes * (DO_PRICES.databaseNodeMonth[i.size] ?? NaN) }];
        }
        default:
            return [];
    }
}

/** The Network Load Balancer DOKS makes for a cilium Gateway: not a Pulumi resource, priced from the Gateway. */
function gatewayLoadBalancer(resources: readonly PricedResource[]): CostLine[] {
    return resources
        .filter((r) => r.type === "kubernetes:gateway.networking.k8s.io/v1:Gateway" && r.inputs.spec?.gatewayClassName === "cilium")
        .map((r) => ({ resource: r.name, detail: "DO load balancer for the Gateway", monthlyUsd: DO_PRICES.loadBalancerMonth }));
}

export const doPrices: PriceTable = {
    cloud: "digitalocean",
    date: DO_PRICE_TABLE.date,
    reads: [
        "digitalocean:index/kubernetesCluster:KubernetesCluster",
        "digitalocean:index/kubernetesNodePool:KubernetesNodePool",
        "digitalocean:index/databaseCluster:DatabaseCluster",
        "kubernetes:gateway.networking.k8s.io/v1:Gateway",
    ],
    costs: (resources) => [...resources.flatMap(doCostOf), ...gatewayLoadBalancer(resources)],
};
