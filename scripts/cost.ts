// A rough monthly cost of what a stack would create, from the recorded resources: list prices
// (us-central1, on-demand, USD) for the few resources that dominate the bill. Traffic, egress,
// logging and sustained-use discounts are left out; it is a guide for reviewing a plan, not a quote.
import type { RecordedResource } from "./offline";

const HOURS_PER_MONTH = 730;

/** On-demand hourly list prices, us-central1. */
export const PRICES = {
    gkeClusterHour: 0.1,
    machineHour: { "e2-standard-2": 0.067, "e2-standard-4": 0.134, "e2-standard-8": 0.268 } as Record<string, number>,
    pdBalancedGbMonth: 0.1,
    cloudSqlVcpuHour: 0.0413,
    cloudSqlGbRamHour: 0.007,
    cloudSqlSsdGbMonth: 0.17,
    memorystoreGbHour: { BASIC: 0.049, STANDARD_HA: 0.064 } as Record<string, number>,
    forwardingRuleHour: 0.025,
};

/** Zones a regional GKE resource spans unless it names its node locations. */
const ZONES_PER_REGION = 3;

export interface CostLine {
    readonly resource: string;
    readonly detail: string;
    readonly monthlyUsd: number;
}

const regional = (location: unknown) => typeof location === "string" && /^[a-z]+-[a-z]+\d+$/.test(location);

/** The cost of one resource, or undefined when it is free or not modelled. */
export function costOf(r: RecordedResource): CostLine | undefined {
    const i = r.inputs;
    switch (r.type) {
        case "gcp:container/cluster:Cluster":
            return { resource: r.name, detail: "GKE cluster management fee", monthlyUsd: PRICES.gkeClusterHour * HOURS_PER_MONTH };
        case "gcp:container/nodePool:NodePool": {
            const zones = i.nodeLocations?.length ?? (regional(i.location) ? ZONES_PER_REGION : 1);
            const nodes = (i.autoscaling?.minNodeCount ?? i.nodeCount ?? i.initialNodeCount ?? 1) * zones;
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
            return { resource: r.name, detail: `${i.settings.tier}, ${copies === 2 ? "regional HA" : "zonal"}`, monthlyUsd: copies * (compute + storage) };
        }
        case "gcp:redis/instance:Instance":
            return { resource: r.name, detail: `${i.memorySizeGb} GB ${i.tier}`, monthlyUsd: i.memorySizeGb * (PRICES.memorystoreGbHour[i.tier] ?? NaN) * HOURS_PER_MONTH };
        case "gcp:compute/globalAddress:GlobalAddress":
            // An external address in use by the Gateway means a global forwarding rule.
            return i.addressType === "EXTERNAL" ? { resource: r.name, detail: "Gateway load balancer forwarding rule", monthlyUsd: PRICES.forwardingRuleHour * HOURS_PER_MONTH } : undefined;
        default:
            return undefined;
    }
}

/** Every costed resource and the total (0 for local targets such as k3d). */
export function estimateMonthlyCost(resources: readonly RecordedResource[]): { lines: CostLine[]; totalUsd: number } {
    const lines = resources.map(costOf).filter((l): l is CostLine => l !== undefined);
    return { lines, totalUsd: lines.reduce((sum, l) => sum + l.monthlyUsd, 0) };
}
