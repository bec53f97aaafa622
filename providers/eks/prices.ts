// EKS's price table: a rough monthly cost of the AWS resources a stack would create (us-east-1,
// on-demand list prices, USD), from the recorded resources. Usage-based charges are priced at the
// stated monthly volumes. A guide for reviewing a plan, not a quote.
import type { CostLine, PriceTable, PricedResource } from "../../lib/cost-types";

const HOURS_PER_MONTH = 730;

export const EKS_PRICE_TABLE = {
    date: "2026-11",
    sources: [
        "https://aws.amazon.com/eks/pricing/ (standard support $0.10/h)",
        "https://aws.amazon.com/ec2/pricing/on-demand/ (m7i; read from a 2026 third-party mirror, c3x.dev)",
        "https://aws.amazon.com/vpc/pricing/ (NAT gateway, public IPv4)",
        "https://aws.amazon.com/rds/postgresql/pricing/ (db.t4g.medium; db.m7g unconfirmed)",
        "https://aws.amazon.com/elasticache/pricing/ (Valkey; unconfirmed for 2026, Redis OSS price less 20%)",
        "https://aws.amazon.com/elasticloadbalancing/pricing/",
        "https://aws.amazon.com/kms/pricing/",
        "https://aws.amazon.com/cloudwatch/pricing/",
    ],
} as const;

export const AWS_PRICES = {
    eksClusterHour: 0.1,
    instanceHour: { "m7i.large": 0.1008, "m7i.xlarge": 0.2016, "m7i.2xlarge": 0.4032 } as Record<string, number>,
    ebsGp3GbMonth: 0.08,
    natHour: 0.045,
    natDataGb: 0.045,
    publicIpv4Hour: 0.005,
    rdsInstanceHour: { "db.t4g.medium": 0.065, "db.m7g.large": 0.168, "db.m7g.xlarge": 0.336 } as Record<string, number>,
    rdsGp3GbMonth: 0.115,
    valkeyNodeHour: { "cache.t4g.small": 0.0256, "cache.t4g.medium": 0.0512, "cache.m7g.large": 0.1264, "cache.m7g.xlarge": 0.2528 } as Record<string, number>,
    nlbHour: 0.0225,
    nlbLcuHour: 0.006,
    kmsKeyMonth: 1,
    logsIngestGb: 0.5,
};

/** Monthly volumes the usage-based lines assume (a small product's first months). */
export const AWS_USAGE = { natEgressGb: 50, controlPlaneLogsGb: 5, nlbLcu: 1 };

export function awsCostOf(r: PricedResource): CostLine | undefined {
    const i = r.inputs;
    switch (r.type) {
        case "aws:eks/cluster:Cluster":
            return { resource: r.name, detail: "EKS control plane (standard support)", monthlyUsd: AWS_PRICES.eksClusterHour * HOURS_PER_MONTH };
        case "aws:eks/nodeGroup:NodeGroup": {
            const type = i.instanceTypes?.[0];
            const nodes = i.scalingConfig?.minSize ?? 1;
            const perNode = (AWS_PRICES.instanceHour[type] ?? NaN) * HOURS_PER_MONTH + 50 * AWS_PRICES.ebsGp3GbMonth;
            return { resource: r.name, detail: `${nodes} x ${type} (scaling floor), 50 GB gp3 each`, monthlyUsd: nodes * perNode };
        }
        case "aws:ec2/natGateway:NatGateway":
            return {
                resource: r.name,
                detail: `NAT gateway and its public IP, ${AWS_USAGE.natEgressGb} GiB processed`,
                monthlyUsd: (AWS_PRICES.natHour + AWS_PRICES.publicIpv4Hour) * HOURS_PER_MONTH + AWS_USAGE.natEgressGb * AWS_PRICES.natDataGb,
            };
        case "aws:rds/instance:Instance": {
            const copies = i.multiAz ? 2 : 1;
            const compute = (AWS_PRICES.rdsInstanceHour[i.instanceClass] ?? NaN) * HOURS_PER_MONTH;
            // Backup storage up to the database's size is free.
            return { resource: r.name, detail: `${i.instanceClass}, ${copies === 2 ? "Multi-AZ" : "single-AZ"}, ${i.allocatedStorage} GB gp3`, monthlyUsd: copies * (compute + i.allocatedStorage * AWS_PRICES.rdsGp3GbMonth) };
        }
        case "aws:elasticache/replicationGroup:ReplicationGroup": {
            const nodes = i.numCacheClusters ?? 1;
            return { resource: r.name, detail: `${nodes} x ${i.nodeType} (Valkey)`, monthlyUsd: nodes * (AWS_PRICES.valkeyNodeHour[i.nodeType] ?? NaN) * HOURS_PER_MONTH };
        }
        case "aws:kms/key:Key":
            return { resource: r.name, detail: "customer managed key", monthlyUsd: AWS_PRICES.kmsKeyMonth };
        case "aws:cloudwatch/logGroup:LogGroup":
            return { resource: r.name, detail: `control plane logs, ${AWS_USAGE.controlPlaneLogsGb} GiB ingested`, monthlyUsd: AWS_USAGE.controlPlaneLogsGb * AWS_PRICES.logsIngestGb };
        default:
            return undefined;
    }
}

/** The load balancer EKS's cloud controller makes for Traefik's Service: not a Pulumi resource, so priced from the chart. */
function nlbLine(resources: readonly PricedResource[]): CostLine[] {
    const chart = resources.find((r) => r.type === "kubernetes:helm.sh/v4:Chart" && r.inputs.values?.service?.annotations?.["service.beta.kubernetes.io/aws-load-balancer-type"] === "nlb");
    if (!chart) return [];
    return [{ resource: chart.name, detail: `NLB for Traefik, ${AWS_USAGE.nlbLcu} LCU`, monthlyUsd: (AWS_PRICES.nlbHour + AWS_USAGE.nlbLcu * AWS_PRICES.nlbLcuHour) * HOURS_PER_MONTH }];
}

export const eksPrices: PriceTable = {
    cloud: "aws",
    date: EKS_PRICE_TABLE.date,
    reads: [
        "aws:eks/cluster:Cluster",
        "aws:eks/nodeGroup:NodeGroup",
        "aws:ec2/natGateway:NatGateway",
        "aws:rds/instance:Instance",
        "aws:elasticache/replicationGroup:ReplicationGroup",
        "aws:kms/key:Key",
        "aws:cloudwatch/logGroup:LogGroup",
        "kubernetes:helm.sh/v4:Chart",
    ],
    costs: (resources) => [...resources.map(awsCostOf).filter((l): l is CostLine => l !== undefined), ...nlbLine(resources)],
};
