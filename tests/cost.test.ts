// The plan's cost model: each priced resource from its actual inputs, and the stacks' totals.
import { costOf, PRICE_TABLE, PRICES, USAGE } from "../providers/gke/prices";
import { estimateMonthlyCost } from "../scripts/cost";
import type { RecordedResource } from "../scripts/offline";
import { runStack } from "./helpers";

const resource = (type: string, inputs: Record<string, any>): RecordedResource => ({
    type,
    name: "r",
    urn: `urn:${type}`,
    parent: "",
    custom: true,
    inputs,
    secretPaths: [],
    provider: "",
    protect: false,
    retainOnDelete: false,
    deleteBeforeReplace: false,
    additionalSecretOutputs: [],
    ignoreChanges: [],
    dependencies: [],
});

describe("costOf", () => {
    test("a regional node pool costs its autoscaling floor in every zone, machines plus boot disks", () => {
        const line = costOf(resource("gcp:container/nodePool:NodePool", { location: "us-central1", autoscaling: { minNodeCount: 2 }, nodeConfig: { machineType: "e2-standard-4", diskSizeGb: 50 } }))!;
        expect(line.monthlyUsd).toBeCloseTo(6 * (PRICES.machineHour["e2-standard-4"] * 730 + 50 * PRICES.pdBalancedGbMonth), 6);
        expect(line.detail).toContain("6 x e2-standard-4");
    });

    test("a zonal pool or explicit node locations change the zone count", () => {
        const zonal = costOf(resource("gcp:container/nodePool:NodePool", { location: "us-central1-a", autoscaling: { minNodeCount: 1 }, nodeConfig: { machineType: "e2-standard-2", diskSizeGb: 10 } }))!;
        const twoZones = costOf(resource("gcp:container/nodePool:NodePool", { location: "us-central1", nodeLocations: ["us-central1-a", "us-central1-b"], autoscaling: { minNodeCount: 1 }, nodeConfig: { machineType: "e2-standard-2", diskSizeGb: 10 } }))!;
        expect(twoZones.monthlyUsd).toBeCloseTo(2 * zonal.monthlyUsd, 6);
    });

    test("Cloud SQL: vCPU and memory from the custom tier, storage, doubled for regional HA", () => {
        const zonal = costOf(resource("gcp:sql/databaseInstance:DatabaseInstance", { settings: { tier: "db-custom-2-7680", availabilityType: "ZONAL", diskSize: 20 } }))!;
        const expected = (2 * PRICES.cloudSqlVcpuHour + 7.5 * PRICES.cloudSqlGbRamHour) * 730 + 20 * PRICES.cloudSqlSsdGbMonth;
        expect(zonal.monthlyUsd).toBeCloseTo(expected, 6);
        const ha = costOf(resource("gcp:sql/databaseInstance:DatabaseInstance", { settings: { tier: "db-custom-2-7680", availabilityType: "REGIONAL", diskSize: 20 } }))!;
        expect(ha.monthlyUsd).toBeCloseTo(2 * expected, 6);
        expect(costOf(resource("gcp:sql/databaseInstance:DatabaseInstance", { settings: { tier: "db-f1-micro" } }))!.monthlyUsd).toBeNaN();
    });

    test("Memorystore by tier and size; internal addresses and unpriced types cost nothing", () => {
        expect(costOf(resource("gcp:redis/instance:Instance", { memorySizeGb: 2, tier: "STANDARD_HA" }))!.monthlyUsd).toBeCloseTo(2 * 0.064 * 730, 6);
        expect(costOf(resource("gcp:compute/globalAddress:GlobalAddress", { addressType: "INTERNAL", purpose: "VPC_PEERING" }))).toBeUndefined();
        expect(costOf(resource("kubernetes:apps/v1:Deployment", {}))).toBeUndefined();
    });
});

describe("what the first estimate missed", () => {
    test("Cloud NAT: per node the gateway serves (capped at 32 VMs), its IP, and the egress it processes", () => {
        const nat = resource("gcp:compute/routerNat:RouterNat", {});
        const three = costOf(nat, { nodes: 3 })!;
        expect(three.monthlyUsd).toBeCloseTo((3 * PRICES.natVmHour + PRICES.natIpHour) * 730 + USAGE.natEgressGb * PRICES.natDataGb, 6);
        const many = costOf(nat, { nodes: 100 })!;
        expect(many.monthlyUsd).toBeCloseTo((PRICES.natVmHourCap + PRICES.natIpHour) * 730 + USAGE.natEgressGb * PRICES.natDataGb, 6);
    });

    test("flow logs only where the subnet logs; Cloud SQL backups when enabled; load-balancer data; the KMS key", () => {
        expect(costOf(resource("gcp:compute/subnetwork:Subnetwork", {}))).toBeUndefined();
        expect(costOf(resource("gcp:compute/subnetwork:Subnetwork", { logConfig: { flowSampling: 0.5 } }))!.monthlyUsd).toBeCloseTo(USAGE.flowLogsGb * PRICES.flowLogsGb, 6);
        const sql = (enabled: boolean) => costOf(resource("gcp:sql/databaseInstance:DatabaseInstance", { settings: { tier: "db-custom-1-3840", diskSize: 20, backupConfiguration: { enabled } } }))!.monthlyUsd;
        expect(sql(true) - sql(false)).toBeCloseTo(20 * PRICES.cloudSqlBackupGbMonth, 6);
        expect(costOf(resource("gcp:compute/globalAddress:GlobalAddress", { addressType: "EXTERNAL" }))!.monthlyUsd).toBeCloseTo(PRICES.forwardingRuleHour * 730 + USAGE.loadBalancerGb * PRICES.loadBalancerDataGb, 6);
        expect(costOf(resource("gcp:kms/cryptoKey:CryptoKey", {}))!.monthlyUsd).toBe(PRICES.kmsKeyVersionMonth);
    });

    test("the price table is dated and sourced", () => {
        expect(PRICE_TABLE.date).toMatch(/^\d{4}-\d{2}$/);
        expect(PRICE_TABLE.sources.every((s) => s.startsWith("https://cloud.google.com/"))).toBe(true);
    });
});

describe("stack totals", () => {
    test("dev (k3d) costs nothing; prod is the sum of its cluster, nodes, database, cache and load balancer", async () => {
        expect(estimateMonthlyCost((await runStack("dev")).resources).monthlyTotal).toBe(0);
        const prod = estimateMonthlyCost((await runStack("prod")).resources);
        expect(prod.items.map((l) => l.resource).sort()).toEqual([
            "shop-cache-managed-instance",
            "shop-cluster",
            "shop-db-managed-instance",
            "shop-gateway-address",
            "shop-network-nat",
            "shop-network-nodes",
            "shop-nodes",
            "shop-secrets-encryption-key",
        ]);
        expect(prod.monthlyTotal).toBeCloseTo(prod.items.reduce((s, l) => s + l.monthly!, 0), 1);
        expect(prod.monthlyTotal).toBeGreaterThan(0);
    });
});

test("a cilium Gateway on an existing cluster is not priced as a DigitalOcean load balancer", async () => {
    const { stackConfig } = require("./helpers") as typeof import("./helpers");
    const run = await runStack("e2e", stackConfig("e2e", (v) => (v["slipway:existing"].gateway = { install: false, className: "cilium", namespace: "kube-system" })));
    expect(run.resources.some((r) => r.type === "kubernetes:gateway.networking.k8s.io/v1:Gateway" && r.inputs.spec?.gatewayClassName === "cilium")).toBe(true);
    expect(run.outputs.costEstimate).toMatchObject({ monthlyTotal: 0, items: [], priceTables: [] });
});

test("every price table reads the inputs of only the types it declares in `reads` (all the costEstimate output resolves)", async () => {
    const { PRICE_TABLES } = require("../providers/prices") as typeof import("../providers/prices");
    for (const stack of ["prod", "eks", "doks", "hetzner", "dev"]) {
        const { resources } = await runStack(stack);
        for (const table of PRICE_TABLES) {
            const undeclared = new Set<string>();
            const given = resources.map((r) => ({
                type: r.type,
                name: r.name,
                inputs: table.reads.includes(r.type) ? r.inputs : new Proxy({}, { get: (_t, key) => (typeof key === "string" && undeclared.add(`${r.type}.${key}`), undefined) }),
            }));
            table.costs(given);
            expect({ stack, cloud: table.cloud, undeclared: [...undeclared] }).toEqual({ stack, cloud: table.cloud, undeclared: [] });
        }
    }
});

describe("the costEstimate ledger at preview", () => {
    // A price table that reports what it was given, to see which inputs reach the tables.
    const echo = { cloud: "digitalocean", date: "2026-11", reads: ["digitalocean:index/kubernetesNodePool:KubernetesNodePool"], costs: (rs: readonly { name: string; inputs: Record<string, any> }[]) => rs.map((r) => ({ resource: r.name, detail: JSON.stringify(r.inputs), monthlyUsd: 1 })) };

    test("values computed at preview (unknown) and secrets are left out; plain and resolved inputs reach the price tables", async () => {
        const { CostLedger } = require("../lib/cost-ledger") as typeof import("../lib/cost-ledger");
        const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
        const ledger = new CostLedger();
        const props = { size: "s-2vcpu-4gb", nodes: pulumi.output(Promise.resolve(3)), clusterId: pulumi.output(pulumi.unknown), password: pulumi.secret("hunter2"), nested: { count: Promise.resolve(2), id: pulumi.output(pulumi.unknown) } };
        ledger.record({ type: "digitalocean:index/kubernetesNodePool:KubernetesNodePool", name: "pool", props, opts: {}, resource: undefined as any });
        // A type no table reads is listed by name, its inputs never awaited (this one would never settle).
        ledger.record({ type: "kubernetes:core/v1:Service", name: "svc", props: { spec: new Promise(() => {}) }, opts: {}, resource: undefined as any });
        const estimate = await (ledger.estimate([echo]) as any).promise();
        expect(JSON.parse(estimate.items[0].detail)).toEqual({ size: "s-2vcpu-4gb", nodes: 3, nested: { count: 2 } });
        expect(estimate.items[1]).toMatchObject({ resource: "svc", detail: "{}" });
        expect(JSON.stringify(estimate)).not.toContain("hunter2");
        expect(estimate.monthlyTotal).toBe(2);
    });

    test("an item a table cannot price is listed with monthly null and left out of the total, which stays a number", () => {
        const { summarizeCost } = require("../lib/cost-ledger") as typeof import("../lib/cost-ledger");
        const table = { cloud: "acme", date: "2026-11", reads: [], costs: () => [{ resource: "a", detail: "x", monthlyUsd: NaN }, { resource: "b", detail: "y", monthlyUsd: 2.004 }] };
        const onAcme = [{ type: "acme:index/server:Server", name: "s", inputs: {} }];
        expect(summarizeCost([table], onAcme)).toMatchObject({ monthlyTotal: 2, items: [{ resource: "a", monthly: null }, { resource: "b", monthly: 2 }], priceTables: ["2026-11"] });
        // The same table on a stack with nothing of its cloud prices nothing.
        expect(summarizeCost([table], [{ type: "kubernetes:core/v1:Service", name: "s", inputs: {} }])).toMatchObject({ monthlyTotal: 0, items: [], priceTables: [] });
    });
});
