// The doks stack (DOKS + DO Managed PostgreSQL + Valkey) as the program registers it under mocks:
// each setting the DigitalOcean issue lists, asserted on the resources' real inputs and options.
import { DOKS_REGIONS } from "../providers/doks/config";
import { clusterOnlyRules } from "../providers/doks/firewall";
import { DOKS_RETAINED_STORAGE_CLASS, PROVIDER_TOKEN_SECONDS } from "../providers/doks/index";
import { DO_ADMIN_DATABASE, DO_ADMIN_USER, doConnectionLimit, doMaintenanceHour } from "../providers/doks/postgres";
import { DO_POSTGRES_SLUGS, DOKS_NODE_SLUGS, DOKS_SYSTEM_POOL, doksKubeconfig, valkeySlug } from "../providers/doks/settings";
import { DOKS_VERSIONS_SNAPSHOT } from "../scripts/offline-invokes";
import type { ProgramRun, RecordedResource } from "../scripts/offline";
import { find, findAll, kubernetesProviderOf, observeRun, podSpec, runStack, stackConfig, stackValues } from "./helpers";

let doks: ProgramRun;
let file: Record<string, any>;
beforeAll(async () => {
    doks = await runStack("doks");
    file = stackValues("doks");
});
const one = (run: ProgramRun, type: string): RecordedResource => {
    const hits = findAll(run, type);
    if (hits.length !== 1) throw new Error(`expected one ${type}, found ${hits.length}`);
    return hits[0];
};
const idOf = (r: RecordedResource) => `${r.name}-id`;
const CLUSTER = "digitalocean:index/kubernetesCluster:KubernetesCluster";
const POOL = "digitalocean:index/kubernetesNodePool:KubernetesNodePool";
const DB = "digitalocean:index/databaseCluster:DatabaseCluster";
const FIREWALL = "digitalocean:index/databaseFirewall:DatabaseFirewall";
const dbOf = (run: ProgramRun, engine: string) => findAll(run, DB).find((d) => d.inputs.engine === engine)!;

describe("cluster", () => {
    let cluster: RecordedResource;
    beforeAll(() => (cluster = one(doks, CLUSTER)));

    test("the newest patch of the configured minor, looked up by prefix; the version ignored afterwards, the cluster protected", async () => {
        const minor = file["slipway:cluster"].kubernetesVersion;
        expect(cluster.inputs.version).toBe(DOKS_VERSIONS_SNAPSHOT.find((v) => v.startsWith(`${minor}.`)));
        expect(cluster.ignoreChanges).toContain("version");
        expect(cluster.protect).toBe(true);
        const on136 = await runStack("doks", stackConfig("doks", (v) => (v["slipway:cluster"].kubernetesVersion = "1.36")));
        expect(one(on136, CLUSTER).inputs.version).toBe("1.36.1-do.0");
    });

    test("VPC-native in its own VPC: pod and Service ranges set, disjoint from the VPC, not DO's overlay defaults", () => {
        const vpc = one(doks, "digitalocean:index/vpc:Vpc");
        expect(vpc.inputs).toMatchObject({ region: file["slipway:doks"].region, ipRange: file["slipway:doks"].vpcCidr });
        expect(cluster.inputs.vpcUuid).toBe(idOf(vpc));
        expect(cluster.inputs.clusterSubnet).toBe(file["slipway:doks"].podCidr);
        expect(cluster.inputs.serviceSubnet).toBe(file["slipway:doks"].serviceCidr);
        for (const cidr of [cluster.inputs.clusterSubnet, cluster.inputs.serviceSubnet]) expect(["10.244.0.0/16", "10.245.0.0/16"]).not.toContain(cidr);
    });

    test("HA control plane, patch auto-upgrades with surge in the maintenance window, associated volumes kept on destroy", () => {
        expect(cluster.inputs).toMatchObject({ ha: true, autoUpgrade: true, surgeUpgrade: true, destroyAllAssociatedResources: false });
        expect(cluster.inputs.maintenancePolicy).toEqual({ day: "sunday", startTime: "04:00" });
    });

    test("the control plane firewall only when CIDRs are configured", async () => {
        expect(cluster.inputs.controlPlaneFirewall).toBeUndefined();
        const fenced = await runStack("doks", stackConfig("doks", (v) => (v["slipway:doks"].apiAllowedCidrs = ["198.51.100.0/24"])));
        expect(one(fenced, CLUSTER).inputs.controlPlaneFirewall).toEqual({ enabled: true, allowedAddresses: ["198.51.100.0/24"] });
    });

    test("workers autoscale from cluster.nodes in their own pool; a new size is a new pool, the default pool never changes", async () => {
        const workers = one(doks, POOL);
        const nodes = file["slipway:cluster"].nodes;
        expect(workers.inputs).toMatchObject({ clusterId: idOf(cluster), size: DOKS_NODE_SLUGS[nodes.size as "small"], autoScale: true, minNodes: nodes.min, maxNodes: nodes.max });
        const resized = await runStack("doks", stackConfig("doks", (v) => (v["slipway:cluster"].nodes.size = "large")));
        const bigger = one(resized, POOL);
        // A different name and resource: Pulumi creates the new pool before it deletes the old one.
        expect([bigger.name, bigger.inputs.name]).not.toEqual([workers.name, workers.inputs.name]);
        expect(one(resized, CLUSTER).inputs.nodePool).toEqual(cluster.inputs.nodePool);
        expect(cluster.inputs.nodePool).toMatchObject({ size: DOKS_SYSTEM_POOL.slug, autoScale: true });
    });

    test("Pulumi uses a fresh short-lived token read after the cluster exists; the exported kubeconfig runs doctl and holds no credential", () => {
        const cluster = one(doks, CLUSTER);
        const { resource: provider } = kubernetesProviderOf(doks);
        expect(provider.inputs.kubeconfig).toContain(`offline token for shop, ${PROVIDER_TOKEN_SECONDS} s`);
        // The cluster's ID: a token change replaces nothing, a new cluster replaces every object (pulumi-kubernetes DiffConfig).
        expect(provider.inputs.clusterIdentifier).toBe(`doks-${idOf(cluster)}`);
        expect(provider.secretPaths).toContain("kubeconfig");
        expect(PROVIDER_TOKEN_SECONDS).toBeLessThan(7 * 24 * 3600);
        expect(doks.secretOutputs).toContain("kubeconfig");
        const exported = JSON.parse(doks.outputs.kubeconfig as string);
        expect(exported.users[0].user.exec).toMatchObject({ command: "doctl", args: ["kubernetes", "cluster", "kubeconfig", "exec-credential", "--version=v1beta1", idOf(cluster)] });
        expect(JSON.stringify(exported)).not.toMatch(/token|client-key/);
        expect(exported.clusters[0].cluster.server).toMatch(/^https:\/\//);
    });
});

describe("traffic and storage", () => {
    test("DOKS's managed Gateway (cilium, ports 80/443); no Traefik and no Gateway API CRDs of ours beside DO's", () => {
        const gateway = one(doks, "kubernetes:gateway.networking.k8s.io/v1:Gateway");
        expect(gateway.inputs.spec.gatewayClassName).toBe("cilium");
        expect(gateway.inputs.spec.listeners.map((l: any) => l.port)).toEqual([80]);
        expect(findAll(doks, "kubernetes:helm.sh/v4:Chart")).toEqual([]);
        expect(findAll(doks, "kubernetes:yaml/v2:ConfigFile")).toEqual([]);
    });

    test("each routed app admits Cilium's ingress identity on its container port; no NetworkPolicy rule admits every source", () => {
        const routed = file["slipway:apps"].filter((a: any) => a.ingress);
        const policies = findAll(doks, "kubernetes:cilium.io/v2:CiliumNetworkPolicy");
        expect(policies.map((p) => p.inputs.metadata.name).sort()).toEqual(routed.map((a: any) => `${a.name}-gateway`).sort());
        for (const app of routed) {
            const policy = policies.find((p) => p.inputs.metadata.name === `${app.name}-gateway`)!;
            const deployment = find(doks, "kubernetes:apps/v1:Deployment", `${app.name}-deployment`);
            expect(policy.inputs.spec.endpointSelector.matchLabels).toEqual(deployment.inputs.spec.selector.matchLabels);
            expect(policy.inputs.spec.ingress).toEqual([{ fromEntities: ["ingress"], toPorts: [{ ports: [{ port: String(podSpec(deployment).containers[0].ports[0].containerPort), protocol: "TCP" }] }] }]);
        }
        for (const np of findAll(doks, "kubernetes:networking.k8s.io/v1:NetworkPolicy")) {
            for (const rule of np.inputs.spec.ingress ?? []) expect(rule.from === undefined || rule.from.length > 0).toBe(true);
        }
    });

    test("data claims use Slipway's Retain class on DO Block Storage, not a name DOKS may already hold", () => {
        const sc = one(doks, "kubernetes:storage.k8s.io/v1:StorageClass");
        expect(sc.inputs).toMatchObject({ provisioner: "dobs.csi.digitalocean.com", reclaimPolicy: "Retain", volumeBindingMode: "WaitForFirstConsumer", allowVolumeExpansion: true });
        expect(sc.inputs.metadata.name).toBe(DOKS_RETAINED_STORAGE_CLASS);
        expect(sc.inputs.metadata.name).not.toMatch(/^do-block-storage/);
        const sts = find(doks, "kubernetes:apps/v1:StatefulSet", "kv-statefulset");
        expect(sts.inputs.spec.volumeClaimTemplates[0].spec.storageClassName).toBe(DOKS_RETAINED_STORAGE_CLASS);
    });
});

describe("managed data", () => {
    test("Postgres: a standby, in the VPC, protected, maintenance away from the daily backup hour", () => {
        const pg = dbOf(doks, "pg");
        const db = file["slipway:database"];
        expect(pg.inputs).toMatchObject({ version: db.version, size: DO_POSTGRES_SLUGS[db.size as "medium"].slug, nodeCount: 2, privateNetworkUuid: idOf(one(doks, "digitalocean:index/vpc:Vpc")) });
        expect(pg.protect).toBe(true);
        const config = one(doks, "digitalocean:index/databasePostgresqlConfig:DatabasePostgresqlConfig");
        expect(config.inputs).toMatchObject({ clusterId: idOf(pg), backupHour: 3, backupMinute: 0 });
        expect(pg.inputs.maintenanceWindows).toEqual([{ day: "sunday", hour: doMaintenanceHour(3) }]);
        expect(pg.inputs.storageAutoscale.enabled).toBe(true);
    });

    test("both databases admit only the cluster and its pod range, with rule types the API accepts", () => {
        const cluster = one(doks, CLUSTER);
        const firewalls = findAll(doks, FIREWALL);
        expect(firewalls.map((f) => f.inputs.clusterId).sort()).toEqual([idOf(dbOf(doks, "pg")), idOf(dbOf(doks, "valkey"))].sort());
        for (const f of firewalls) {
            expect(f.inputs.rules).toEqual(clusterOnlyRules({ clusterId: idOf(cluster), podCidr: file["slipway:doks"].podCidr }));
            // terraform-provider-digitalocean's validation: ip_addr, droplet, k8s, tag, app.
            for (const r of f.inputs.rules) expect(["ip_addr", "droplet", "k8s", "tag", "app"]).toContain(r.type);
        }
    });

    test("the bootstrap runs as doadmin in defaultdb over verify-ca, the CA the one DO publishes for the cluster", () => {
        const job = findAll(doks, "kubernetes:batch/v1:Job").find((j) => j.name.includes("bootstrap"))!;
        const env = Object.fromEntries(podSpec(job).containers[0].env.map((e: any) => [e.name, e.value]));
        expect(env).toMatchObject({ PGUSER: DO_ADMIN_USER, PGDATABASE: DO_ADMIN_DATABASE, PGPORT: "25060", PGSSLMODE: "verify-ca" });
        expect(env.PGHOST).toMatch(/^private-/);
        const ca = find(doks, "kubernetes:core/v1:ConfigMap", "shop-db-server-ca");
        expect(Object.values(ca.inputs.data).join("")).toContain("offline CA");
        const sql = Object.values(find(doks, "kubernetes:core/v1:ConfigMap", "shop-db-bootstrap-sql").inputs.data).join("");
        expect(sql).not.toMatch(/NOSUPERUSER|NOREPLICATION/);
    });

    test("Valkey 8 with noeviction (the API's spelling), a standby, TLS; apps get its private host and password", () => {
        const valkey = dbOf(doks, "valkey");
        expect(valkey.inputs).toMatchObject({ engine: "valkey", version: "8", evictionPolicy: "noeviction", nodeCount: 2, size: valkeySlug(file["slipway:cache"].memoryMb, true) });
        expect(valkey.protect).toBe(true);
        const secret = find(doks, "kubernetes:core/v1:Secret", "shop-cache-credentials");
        const values = JSON.stringify(secret.inputs.stringData);
        expect(values).toContain("rediss://");
        expect(values).toContain("private-shop-valkey");
        expect(values).toContain("offline-shop-cache-managed-cluster-password");
    });

    test("without highAvailability: one Valkey node on the smallest plan that holds the memory, no HA control plane", async () => {
        const single = await runStack("doks", stackConfig("doks", (v) => (v["slipway:doks"].highAvailability = false)));
        expect(dbOf(single, "valkey").inputs).toMatchObject({ nodeCount: 1, size: valkeySlug(file["slipway:cache"].memoryMb, false) });
        // Left unsaid rather than false: DOKS may have turned HA on itself (1.36+), and it cannot be turned off.
        expect(one(single, CLUSTER).inputs.ha).toBeUndefined();
    });
});

describe("refused before any resource", () => {
    test.each([
        ["an unknown region", (v: any) => (v["slipway:doks"].region = "us-east-1"), "slipway:doks.region"],
        ["a minor DOKS does not offer", (v: any) => (v["slipway:cluster"].kubernetesVersion = "1.37"), "slipway:cluster.kubernetesVersion"],
        ["a standby on the 1 GB plan", (v: any) => (v["slipway:database"].size = "small"), "slipway:database.size"],
        ["Postgres 18 (DO's Advanced edition only)", (v: any) => (v["slipway:database"].version = "18"), "slipway:database.version"],
        ["more cache memory than the largest plan sized", (v: any) => (v["slipway:cache"].memoryMb = 16384), "slipway:cache.memoryMb"],
        ["pods overlapping the VPC", (v: any) => (v["slipway:doks"].podCidr = "10.110.0.0/16"), "slipway:doks.podCidr"],
        ["DO's legacy overlay range", (v: any) => (v["slipway:doks"].serviceCidr = "10.245.0.0/22"), "slipway:doks.serviceCidr"],
        ["a public VPC range", (v: any) => (v["slipway:doks"].vpcCidr = "8.8.0.0/20"), "slipway:doks.vpcCidr"],
        ["an API firewall open to all", (v: any) => (v["slipway:doks"].apiAllowedCidrs = ["0.0.0.0/0"]), "slipway:doks.apiAllowedCidrs[0]"],
        ["a weekly backup", (v: any) => (v["slipway:database"].backup.schedule = "0 3 * * 1"), "slipway:database.backup.schedule"],
        ["no doks section", (v: any) => delete v["slipway:doks"], "slipway:doks"],
        ["PgBouncer pools larger than the plan's connections", (v: any) => (v["slipway:database"].pool = { defaultPoolSize: 30 }), "slipway:database.pool.defaultPoolSize"],
    ])("%s", async (_case, edit, key) => {
        const observed = await observeRun("doks", stackConfig("doks", edit));
        expect(String(observed.error)).toContain(`${key}:`);
        expect(observed.registered).toEqual([]);
    });

    test("every region offered is in the SDK's Region enum", () => {
        const { Region } = require("@pulumi/digitalocean/types/enums") as { Region: Record<string, string> };
        for (const region of DOKS_REGIONS) expect(Object.values(Region)).toContain(region);
    });

    test("DO's connection limit: 22 on 1 GB, 97 on 4 GB (the API's own examples)", () => {
        expect([doConnectionLimit(1), doConnectionLimit(4)]).toEqual([22, 97]);
    });

    test("a standby needs a 2 GB plan; memory picks the smallest plan that holds it", () => {
        expect([valkeySlug(256, false), valkeySlug(256, true), valkeySlug(2000, true), valkeySlug(20000, false)]).toEqual(["db-s-1vcpu-1gb", "db-s-1vcpu-2gb", "db-s-2vcpu-4gb", undefined]);
        expect(JSON.parse(doksKubeconfig("c", "id-1", "https://x", "Q0E=")).clusters[0].cluster).toEqual({ server: "https://x", "certificate-authority-data": "Q0E=" });
    });
});
