// GKE's price table: a rough monthly cost of the GCP resources a stack would create, from the
// recorded resources: list prices (us-central1, on-demand, USD). Usage-based charges (NAT and load-balancer data, flow-log
// ingestion) are priced at the stated monthly volumes in USAGE, so a reviewer sees they exist and
// what they would be at that volume. E2 machines get no sustained-use discount, so none is applied.
// A guide for reviewing a plan, not a quote.
import type { CostLine, PriceTable, PricedResource } from "../../lib/cost-types";

const HOURS_PER_MONTH = 730;

/** The date the prices below were read, and where. */
export const PRICE_TABLE = {
    date: "2026-10",
    sources: [
        "https://cloud.google.com/kubernetes-engine/pricing",
        "https://cloud.google.com/compute/vm-instance-pricing (E2: no sustained-use discounts)",
        "https://cloud.google.com/sql/pricing",
        "https://cloud.google.com/memorystore/docs/redis/pricing",
        "https://cloud.google.com/nat/pricing",
        "https://cloud.google.com/vpc/network-pricing (flow logs; unconfirmed for 2026, see note)",
        "https://cloud.google.com/load-balancing/pricing",
        "https://cloud.google.com/kms/pricing",
    ],
} as const;

/** On-demand list prices, us-central1. */
export const PRICES = {
    gkeClusterHour: 0.1,
    machineHour: { "e2-standard-2": 0.067, "e2-standard-4": 0.134, "e2-standard-8": 0.268 } as Record<string, number>,
    pdBalancedGbMonth: 0.1,
    cloudSqlVcpuHour: 0.0413,
    cloudSqlGbRamHour: 0.007,
    cloudSqlSsdGbMonth: 0.17,
    /** Backup storage beyond the instance's own size (roughly the first full backup; incremental after). */
    cloudSqlBackupGbMonth: 0.08,
    memorystoreGbHour: { BASIC: 0.049, STANDARD_HA: 0.064 } as Record<string, number>,
    forwardingRuleHour: 0.025,
    /** Per VM the gateway serves, per hour, up to 32 VMs. */
    natVmHour: 0.0014,
    natVmHourCap: 0.044,
    natIpHour: 0.005,
    natDataGb: 0.045,
    loadBalancerDataGb: 0.008,
    /** Cloud Logging ingestion of VPC flow logs. */
    flowLogsGb: 0.5,
    kmsKeyVersionMonth: 0.06,
};

/** Monthly volumes the usage-based lines assume (a small product's first months). */
export const USAGE = { natEgressGb: 50, loadBalancerGb: 100, flowLogsGb: 5 };

/** Zones a regional GKE resource spans unless it names its node locations. */
const ZONES_PER_REGION = 3;

const regional = (location: unknown) => typeof location === "string" && /^[a-z]+-[a-z]+\d+$/.test(location);

/** What a resource's cost depends on beyond itself: how many nodes the stack runs. */
export interface CostContext {
    readonly nodes: number;
}

/** Nodes the stack runs at its autoscaling floor (what NAT is billed per). */
function nodeCount(resources: readonly PricedResource[]): number {
    return resources.filter((r) => r.type === "gcp:container/nodePool:NodePool").reduce((sum, r) => sum + poolNodes(r.inputs).nodes, 0);
}

function poolNodes(i: Record<string, any>): { nodes: number; zones: number } {
    const zones = i.nodeLocations?.length ?? (regional(i.location) ? ZONES_PER_REGION : 1);
    return { nodes: (i.autoscaling?.minNodeCount ?? i.nodeCount ?? i.initialNodeCount ?? 1) * zones, zones };
}

/** The cost of one resource, or undefined when it is free or not modelled. */
export function costOf(r: PricedResource, context: CostContext = { nodes: 0 }): CostLine | undefined {
    const i = r.inputs;
    switch (r.type) {
        case "gcp:container/cluster:Cluster":
            return { resource: r.name, detail: "GKE cluster management fee", monthlyUsd: PRICES.gkeClusterHour * HOURS_PER_MONTH };
        case "gcp:container/nodePool:NodePool": {
            const { nodes, zones } = poolNodes(i);
            const machine = i.nodeConfig?.machineType ?? "e2-standard-2";
            const perNode = (PRICES.machineHour[machine] ?? NaN) * HOURS_PER_MONTH + (i.nodeConfig?.diskSizeGb ?? 100) * PRICES.pdBalancedGbMonth;
            return { resource: r.name, detail: `${nodes} x ${machine} (autoscaling floor, ${zones} zones)`, monthlyUsd: nodes * perNode };
        }
        case "gcp:sql/databaseInstance:DatabaseInstance": {
            const match = /^db-custom-(\d+)-(\d+)$/.exec(i.settings?.tier ?? "");
            if (!match) return { resource: r.name, detail: `tier ${i.settings?.tier} not modelled`, monthlyUsd: NaN };
            const copies = i.settings?.availabilityType === "REGIONAL" ? 2 : 1;
            const compute = (Number(match[1]) * PRICES.cloudSqlVcpuHour + (Number(match[2]) / 1024) * PRICES.cloudSqlGbRamHour) * HOURS_PER_MONTH;
            const storage = (i.settings?.diskSize ?? 10) * PRICES.cloudSqlSsdGbMonth;
            // Backups and PITR logs beyond the free allowance: about one full copy of the disk.
            const backups = i.settings?.backupConfiguration?.enabled ? (i.settings?.diskSize ?? 10) * PRICES.cloudSqlBackupGbMonth : 0;
            return { resource: r.name, detail: `${i.settings.tier}, ${copies === 2 ? "regional HA" : "zonal"}${backups ? ", backups" : ""}`, monthlyUsd: copies * (compute + storage) + backups };
        }
        case "gcp:compute/routerNat:RouterNat": {
            const gateway = Math.min(context.nodes * PRICES.natVmHour, PRICES.natVmHourCap) + PRICES.natIpHour;
            return {
                resource: r.name,
                detail: `Cloud NAT for ${context.nodes} nodes, 1 IP, ${USAGE.natEgressGb} GiB egress processed`,
                monthlyUsd: gateway * HOURS_PER_MONTH + USAGE.natEgressGb * PRICES.natDataGb,
            };
        }
        case "gcp:compute/subnetwork:Subnetwork":
            return i.logConfig ? { resource: r.name, detail: `VPC flow logs, ${USAGE.flowLogsGb} GiB ingested into Cloud Logging`, monthlyUsd: USAGE.flowLogsGb * PRICES.flowLogsGb } : undefined;
        case "gcp:kms/cryptoKey:CryptoKey":
            return { resource: r.name, detail: "one active key version (each rotation adds one while old versions stay enabled)", monthlyUsd: PRICES.kmsKeyVersionMonth };
        case "gcp:redis/instance:Instance":
            return { resource: r.name, detail: `${i.memorySizeGb} GB ${i.tier}`, monthlyUsd: i.memorySizeGb * (PRICES.memorystoreGbHour[i.tier] ?? NaN) * HOURS_PER_MONTH };
        case "gcp:compute/globalAddress:GlobalAddress":
            // An external address in use by the Gateway means a global forwarding rule.
            return i.addressType === "EXTERNAL"
                ? {
                      resource: r.name,
                      detail: `Gateway load balancer forwarding rule, ${USAGE.loadBalancerGb} GiB processed`,
                      monthlyUsd: PRICES.forwardingRuleHour * HOURS_PER_MONTH + USAGE.loadBalancerGb * PRICES.loadBalancerDataGb,
                  }
                : undefined;
        default:
            return undefined;
    }
}

/** GKE's entry in the cost model (scripts/cost.ts). */
export const gkePrices: PriceTable = {
    cloud: "gcp",
    date: PRICE_TABLE.date,
    reads: [
        "gcp:container/cluster:Cluster",
        "gcp:container/nodePool:NodePool",
        "gcp:sql/databaseInstance:DatabaseInstance",
        "gcp:compute/routerNat:RouterNat",
        "gcp:compute/subnetwork:Subnetwork",
        "gcp:kms/cryptoKey:CryptoKey",
        "gcp:redis/instance:Instance",
        "gcp:compute/globalAddress:GlobalAddress",
    ],
    costs: (resources) => {
        const context = { nodes: nodeCount(resources) };
        return resources.map((r) => costOf(r, context)).filter((l): l is CostLine => l !== undefined);
    },
};
