// The prod stack (GKE + Cloud SQL) as the program registers it under mocks: every production
// setting asserted on the actual resource inputs and options, plus the pure helpers and the
// validation that rejects bad input before any resource exists.
import * as fs from "fs";
import * as path from "path";
import { ConfigError, NODE_SIZES, parseConfig } from "../config";
import { backupRetention, backupStartTime, CLOUD_SQL_TIERS, cloudSqlProblems } from "../providers/gke/cloudsql";
import { GKE_MACHINE_TYPES, NODE_SERVICE_ACCOUNT_ROLES, nodePoolName, nodeServiceAccountId, gkeNodeConfig } from "../providers/gke/nodes";
import { cidrsOverlap, GKE_RANGES } from "../providers/gke/network";
import { gkeKubeconfig, gkeProblems, GkeClusterArgs, GOOGLE_LB_SOURCE_RANGES } from "../providers/gke";
import type { ProgramRun, RecordedResource } from "../scripts/offline";
import { gkeMinor, versionFloorProblem } from "../providers/gke/version";
import { find, findAll, isSecretPath, kubernetesProviderOf, onWrongKubernetesProvider, observeRun, PROJECT_DIR, runComponents, runStack, stackConfig, stackValues } from "./helpers";
import { dataKeptProblems } from "./helpers";

let prod: ProgramRun;
let prodFile: Record<string, any>;
beforeAll(async () => {
    prod = await runStack("prod");
    prodFile = stackValues("prod");
});

const one = (run: ProgramRun, type: string): RecordedResource => {
    const hits = findAll(run, type);
    if (hits.length !== 1) throw new Error(`expected one ${type}, found ${hits.length}`);
    return hits[0];
};
const gcpProviderRef = (run: ProgramRun) => {
    const p = one(run, "pulumi:providers:gcp");
    return `${p.urn}::${p.name}-id`;
};
// The mock engine's ids are `<resource name>-id`; an input equal to it came from that resource's id.
const idOf = (r: RecordedResource) => `${r.name}-id`;

describe("pure helpers", () => {
    test("every node size maps to an E2 machine type, growing with the size", () => {
        expect(Object.keys(GKE_MACHINE_TYPES).sort()).toEqual([...NODE_SIZES].sort());
        const vcpus = NODE_SIZES.map((s) => Number(/^e2-standard-(\d+)$/.exec(GKE_MACHINE_TYPES[s])![1]));
        expect(vcpus).toEqual([...vcpus].sort((a, b) => a - b));
        expect(new Set(vcpus).size).toBe(NODE_SIZES.length);
    });

    test("node SA ids are valid GCP account ids, even for a 40-character cluster name", () => {
        for (const name of ["shop", "a", "x".repeat(40), "abc-defghij-klmnopqrstuvwxyz-0123"]) {
            const id = nodeServiceAccountId(name);
            expect(id).toMatch(/^[a-z](?:[-a-z0-9]{4,28}[a-z0-9])$/);
        }
        expect(nodeServiceAccountId("shop")).toBe("shop-nodes");
    });

    test("the node pool name changes with the node config (create-before-delete) and fits GKE's 40 chars", () => {
        const small = nodePoolName(gkeNodeConfig("small", "sa@p.iam.gserviceaccount.com", "shop"));
        const large = nodePoolName(gkeNodeConfig("large", "sa@p.iam.gserviceaccount.com", "shop"));
        const otherSa = nodePoolName(gkeNodeConfig("small", "other@p.iam.gserviceaccount.com", "shop"));
        expect(small).toMatch(/^e2-standard-2-[0-9a-f]{6}$/);
        expect(new Set([small, large, otherSa]).size).toBe(3);
        expect(nodePoolName(gkeNodeConfig("small", "sa@p.iam.gserviceaccount.com", "shop"))).toBe(small);
        for (const n of [small, large, otherSa]) expect(n.length).toBeLessThanOrEqual(40);
    });

    test("the address plan's ranges are pairwise disjoint", () => {
        const ranges = Object.values(GKE_RANGES);
        for (let i = 0; i < ranges.length; i++) for (let j = i + 1; j < ranges.length; j++) expect(cidrsOverlap(ranges[i], ranges[j])).toBe(false);
        expect(cidrsOverlap("10.16.0.0/14", "10.19.255.0/24")).toBe(true);
        expect(cidrsOverlap("10.16.0.0/14", "10.20.0.0/24")).toBe(false);
        // Google's LB ranges must not collide with anything in the VPC, or the NetworkPolicy would admit pods.
        for (const lb of GOOGLE_LB_SOURCE_RANGES) for (const r of ranges) expect(cidrsOverlap(lb, r)).toBe(false);
    });

    test("kubeconfig: the DNS endpoint (publicly trusted certificate, so no CA pinned), gke-gcloud-auth-plugin, no credential", () => {
        const kc = JSON.parse(gkeKubeconfig("ctx", "gke-0123abcd.us-central1.gke.goog"));
        expect(kc.clusters[0].cluster).toEqual({ server: "https://gke-0123abcd.us-central1.gke.goog" });
        expect(kc["current-context"]).toBe("ctx");
        expect(kc.users[0].user.exec).toMatchObject({ apiVersion: "client.authentication.k8s.io/v1beta1", command: "gke-gcloud-auth-plugin", provideClusterInfo: true });
        expect(Object.keys(kc.users[0].user)).toEqual(["exec"]);
    });

    test("version floor against a channel: met by the default, refused above it with the key named, and an unknown channel", () => {
        const v = { releaseChannelDefaultVersion: { REGULAR: "1.35.8-gke.1036000" }, releaseChannelLatestVersion: { REGULAR: "1.36.4-gke.1391000" } };
        expect(versionFloorProblem("1.35", "REGULAR", v)).toBeUndefined();
        expect(versionFloorProblem("1.36", "REGULAR", v)).toBe(
            `slipway:cluster.kubernetesVersion: got "1.36", but GKE's REGULAR channel creates clusters at 1.35.8-gke.1036000 (newest it offers: 1.36.4-gke.1391000); allowed: "1.35" or lower, or a faster slipway:gke.releaseChannel`,
        );
        expect(versionFloorProblem("1.35", "RAPID", v)).toMatch(/^slipway:gke\.releaseChannel: GKE offers no default version on the RAPID channel/);
        expect(gkeMinor("1.37.1-gke.1120000")).toBe("1.37");
    });

    test("backup window from the daily cron; other schedules are refused for Cloud SQL", () => {
        expect(backupStartTime("0 3 * * *")).toBe("03:00");
        expect(backupStartTime("30 22 * * *")).toBe("22:00");
        expect(backupStartTime("0 */6 * * *")).toBeUndefined();
        expect(backupStartTime("0 3 * * 1")).toBeUndefined();
        expect(backupStartTime("0 24 * * *")).toBeUndefined();
    });
});

describe("validation before any resource", () => {
    const validArgs = (): GkeClusterArgs => ({
        name: "shop",
        gke: { project: "slipway-prod", region: "us-central1", releaseChannel: "REGULAR", masterAuthorizedNetworks: [], deletionProtection: true },
        kubernetesVersion: "1.31",
        nodes: { min: 1, max: 3, size: "medium" },
    });

    test("valid args have no problems", () => {
        expect(gkeProblems(validArgs())).toEqual([]);
    });

    test.each([
        ["missing project", (a: any) => delete a.gke.project, /^slipway:gke\.project: required/],
        ["malformed project", (a: any) => (a.gke.project = "My_Project"), /^slipway:gke\.project: got "My_Project"/],
        ["a zone for the region", (a: any) => (a.gke.region = "us-central1-a"), /^slipway:gke\.region: got "us-central1-a", which is a zone; .*"us-central1"/],
        ["an unknown node size", (a: any) => (a.nodes.size = "huge"), /^slipway:cluster\.nodes\.size: got "huge"; allowed: small, medium, large/],
        ["min above max", (a: any) => (a.nodes.min = 5), /^slipway:cluster\.nodes\.min: got 5/],
    ])("gkeProblems names the key: %s", (_label, edit, message) => {
        const args = validArgs();
        edit(args);
        const problems = gkeProblems(args);
        expect(problems).toHaveLength(1);
        expect(problems[0]).toMatch(message);
    });

    test("GkeCluster given bad args throws a ConfigError and registers nothing", async () => {
        const observed = await observeRun("unit", {
            config: {},
            load: (req, native) => {
                const { GkeCluster } = req("../providers/gke");
                const args = validArgs();
                args.gke.region = "europe-west1-b";
                new GkeCluster("bad", native(args));
                return {};
            },
        });
        expect(Object.prototype.toString.call(observed.error)).toBe("[object Error]");
        expect(observed.error.name).toBe("ConfigError");
        expect(observed.error.message).toContain("slipway:gke.region");
        expect(observed.registered).toEqual([]);
    });

    const rawProd = () => JSON.parse(JSON.stringify({
        target: "gke",
        cluster: { name: "shop", nodes: { min: 1, max: 3, size: "medium" } },
        gke: { project: "slipway-prod", region: "us-central1" },
    }));
    const parse = (raw: Record<string, unknown>) => parseConfig(raw, { stack: "prod", secretKeys: new Set() });
    const problemsOf = (raw: Record<string, unknown>): string[] => {
        try {
            parse(raw);
        } catch (e) {
            expect(e).toBeInstanceOf(ConfigError);
            return (e as ConfigError).problems;
        }
        return [];
    };

    test.each([
        ["gke.project missing", (r: any) => delete r.gke.project, "slipway:gke.project"],
        ["gke.project malformed", (r: any) => (r.gke.project = "1bad"), "slipway:gke.project"],
        ["gke.region is a zone", (r: any) => (r.gke.region = "us-central1-a"), "slipway:gke.region"],
        ["unknown node size", (r: any) => (r.cluster.nodes.size = "xlarge"), "slipway:cluster.nodes.size"],
        ["gke section missing", (r: any) => delete r.gke, "slipway:gke"],
        ["control plane open to the internet", (r: any) => (r.gke.masterAuthorizedNetworks = [{ cidr: "0.0.0.0/0", name: "all" }]), "slipway:gke.masterAuthorizedNetworks[0].cidr"],
    ])("parseConfig rejects %s, naming the key", (_label, edit, key) => {
        const raw = rawProd();
        expect(problemsOf(raw)).toEqual([]);
        edit(raw);
        const problems = problemsOf(raw);
        expect(problems.length).toBeGreaterThan(0);
        expect(problems.some((p) => p.startsWith(`${key}:`))).toBe(true);
    });

    test("the prod program with a zone for region fails before registering anything", async () => {
        const { config, secretKeys } = stackConfig("prod", (v) => (v["slipway:gke"].region = "us-central1-a"));
        const observed = await observeRun("prod", { config, secretKeys });
        expect(observed.error?.message).toContain("slipway:gke.region");
        expect(observed.registered).toEqual([]);
    });

    test("Cloud SQL refuses what it cannot do, naming the key", () => {
        const cfg = parse({ ...rawProd(), database: { mode: "managed", databases: [{ name: "shop" }], backup: { schedule: "0 */6 * * *" } } });
        expect(cloudSqlProblems(cfg.database!)).toEqual([expect.stringMatching(/^slipway:database\.backup\.schedule: got "0 \*\/6 \* \* \*"/)]);
        const admin = parse({ ...rawProd(), database: { mode: "managed", databases: [{ name: "x", user: "slipway_admin" }] } });
        expect(cloudSqlProblems(admin.database!)).toEqual([expect.stringMatching(/^slipway:database\.databases\[0\]\.user:/)]);
    });
});

describe("providers", () => {
    test("one explicit GCP provider, with project and region from config, used by every GCP resource", () => {
        const provider = one(prod, "pulumi:providers:gcp");
        expect(provider.inputs).toMatchObject({ project: prodFile["slipway:gke"].project, region: prodFile["slipway:gke"].region });
        const gcp = prod.resources.filter((r) => r.custom && r.type.startsWith("gcp:"));
        expect(gcp.length).toBeGreaterThan(20);
        for (const r of gcp) expect({ name: r.name, provider: r.provider }).toEqual({ name: r.name, provider: gcpProviderRef(prod) });
    });

    test("every Kubernetes resource uses the cluster's Kubernetes providers", () => {
        expect(prod.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:")).length).toBeGreaterThan(20);
        expect(onWrongKubernetesProvider(prod)).toEqual([]);
    });

    test("the Kubernetes provider's identity is stable config, its kubeconfig a secret with the auth plugin", () => {
        const { resource } = kubernetesProviderOf(prod);
        const { project, region } = prodFile["slipway:gke"];
        expect(resource.inputs.clusterIdentifier).toBe(`gke-${project}-${region}-shop`);
        expect(isSecretPath(resource, "kubeconfig")).toBe(true);
        expect(JSON.parse(resource.inputs.kubeconfig).users[0].user.exec.command).toBe("gke-gcloud-auth-plugin");
    });

    test("the stack's kubeconfig output is secret", () => {
        expect(prod.secretOutputs).toContain("kubeconfig");
        expect(JSON.parse(prod.outputs.kubeconfig as string).contexts[0].name).toBe(`gke_${prodFile["slipway:gke"].project}_${prodFile["slipway:gke"].region}_shop`);
    });

    test("source files use deep imports of @pulumi/gcp, never the whole SDK", () => {
        for (const file of ["providers/gke/index.ts", "providers/gke/network.ts", "providers/gke/nodes.ts", "providers/gke/cloudsql.ts"]) {
            const text = fs.readFileSync(path.join(PROJECT_DIR, file), "utf8");
            expect(text).toMatch(/from "@pulumi\/gcp\/[a-z]+"/);
            expect(text).not.toMatch(/from "@pulumi\/gcp"/);
        }
    });
});

describe("network", () => {
    test("custom-mode VPC, subnet with pod and service secondary ranges, private Google access", () => {
        const vpc = one(prod, "gcp:compute/network:Network");
        expect(vpc.inputs.autoCreateSubnetworks).toBe(false);
        const subnet = one(prod, "gcp:compute/subnetwork:Subnetwork");
        expect(subnet.inputs).toMatchObject({ network: idOf(vpc), region: "us-central1", ipCidrRange: GKE_RANGES.nodes, privateIpGoogleAccess: true });
        expect(subnet.inputs.secondaryIpRanges).toEqual([
            { rangeName: "pods", ipCidrRange: GKE_RANGES.pods },
            { rangeName: "services", ipCidrRange: GKE_RANGES.services },
        ]);
    });

    test("Cloud NAT on a router in the VPC gives private nodes egress", () => {
        const router = one(prod, "gcp:compute/router:Router");
        expect(router.inputs.network).toBe(idOf(one(prod, "gcp:compute/network:Network")));
        const nat = one(prod, "gcp:compute/routerNat:RouterNat");
        expect(nat.inputs).toMatchObject({ router: router.inputs.name, region: "us-central1", sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES", natIpAllocateOption: "AUTO_ONLY" });
    });

    test("private services access: a VPC_PEERING range and the servicenetworking connection using it", () => {
        const range = find(prod, "gcp:compute/globalAddress:GlobalAddress", "shop-network-private-services");
        expect(range.inputs).toMatchObject({ purpose: "VPC_PEERING", addressType: "INTERNAL", address: "10.64.0.0", prefixLength: 16, network: idOf(one(prod, "gcp:compute/network:Network")) });
        const peering = one(prod, "gcp:servicenetworking/connection:Connection");
        expect(peering.inputs).toMatchObject({ service: "servicenetworking.googleapis.com", reservedPeeringRanges: [range.inputs.name] });
    });
});

describe("cluster", () => {
    let cluster: RecordedResource;
    beforeAll(() => (cluster = one(prod, "gcp:container/cluster:Cluster")));

    test("regional, in the stack's VPC, VPC-native on the subnet's secondary ranges", () => {
        expect(cluster.inputs.location).toBe(prodFile["slipway:gke"].region);
        expect(cluster.inputs.network).toBe(idOf(one(prod, "gcp:compute/network:Network")));
        expect(cluster.inputs.subnetwork).toBe(idOf(one(prod, "gcp:compute/subnetwork:Subnetwork")));
        const ranges = one(prod, "gcp:compute/subnetwork:Subnetwork").inputs.secondaryIpRanges.map((r: any) => r.rangeName);
        expect([cluster.inputs.ipAllocationPolicy.clusterSecondaryRangeName, cluster.inputs.ipAllocationPolicy.servicesSecondaryRangeName]).toEqual(ranges);
    });

    // GKE docs "About network isolation" (replaces the private-cluster page): use the DNS-based
    // endpoint; cluster.d.ts: controlPlaneEndpointsConfig.dnsEndpointConfig.allowExternalTraffic.
    test("private nodes without a peering range; the DNS endpoint open to IAM-authorized callers; no public IP endpoint without CIDRs", () => {
        expect(prodFile["slipway:gke"].masterAuthorizedNetworks).toBeUndefined();
        expect(cluster.inputs.privateClusterConfig).toEqual({ enablePrivateNodes: true, enablePrivateEndpoint: true });
        expect(cluster.inputs.controlPlaneEndpointsConfig).toEqual({ dnsEndpointConfig: { allowExternalTraffic: true }, ipEndpointsConfig: { enabled: true } });
        // Present, so enforced: an empty list admits nothing but the nodes, never GCE's public IPs.
        expect(cluster.inputs.masterAuthorizedNetworksConfig).toEqual({ cidrBlocks: [], gcpPublicCidrsAccessEnabled: false });
        expect(cluster.inputs.minMasterVersion).toBeUndefined();
        const pool = one(prod, "gcp:container/nodePool:NodePool");
        expect(pool.inputs.networkConfig).toEqual({ enablePrivateNodes: true });
    });

    test("configured CIDRs open the public IP endpoint to exactly them", async () => {
        const run = await runStack("prod", stackConfig("prod", (v) => (v["slipway:gke"].masterAuthorizedNetworks = [{ cidr: "198.51.100.0/24", name: "office" }])));
        const c = one(run, "gcp:container/cluster:Cluster");
        expect(c.inputs.privateClusterConfig).toEqual({ enablePrivateNodes: true, enablePrivateEndpoint: false });
        expect(c.inputs.masterAuthorizedNetworksConfig).toEqual({ cidrBlocks: [{ cidrBlock: "198.51.100.0/24", displayName: "office" }], gcpPublicCidrsAccessEnabled: false });
    });

    test("the stack's kubeconfig points at the cluster's DNS endpoint", () => {
        const kc = JSON.parse(prod.outputs.kubeconfig as string);
        expect(kc.clusters[0].cluster.server).toBe(`https://${"gke-offline-shop-cluster.us-central1.gke.goog"}`);
    });

    test("release channel, Workload Identity, Dataplane V2, Shielded Nodes, Gateway API, HTTP LB", () => {
        expect(cluster.inputs.releaseChannel).toEqual({ channel: "REGULAR" });
        expect(cluster.inputs.workloadIdentityConfig).toEqual({ workloadPool: `${prodFile["slipway:gke"].project}.svc.id.goog` });
        expect(cluster.inputs.datapathProvider).toBe("ADVANCED_DATAPATH");
        expect(cluster.inputs.enableShieldedNodes).toBe(true);
        expect(cluster.inputs.gatewayApiConfig).toEqual({ channel: "CHANNEL_STANDARD" });
        expect(cluster.inputs.addonsConfig.httpLoadBalancing).toEqual({ disabled: false });
        // No initial version: GKE's channel picks; the label shows the floor its default was checked against.
        expect(cluster.inputs.minMasterVersion).toBeUndefined();
        expect(cluster.inputs.resourceLabels).toEqual({ "slipway-kubernetes-floor": prodFile["slipway:cluster"].kubernetesVersion.replace(".", "-") });
    });

    test("Secrets are encrypted in etcd with a rotating, protected Cloud KMS key the GKE service agent may use (safer-cluster's database_encryption)", () => {
        const key = one(prod, "gcp:kms/cryptoKey:CryptoKey");
        expect(cluster.inputs.databaseEncryption).toEqual({ state: "ENCRYPTED", keyName: idOf(key) });
        expect(key.inputs).toMatchObject({ purpose: "ENCRYPT_DECRYPT", rotationPeriod: "7776000s" });
        expect(key.protect).toBe(true);
        const grant = one(prod, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember");
        // The project number comes from the getProject lookup (offline answer 123456789012).
        expect(grant.inputs).toEqual({ cryptoKeyId: idOf(key), role: "roles/cloudkms.cryptoKeyEncrypterDecrypter", member: "serviceAccount:service-123456789012@container-engine-robot.iam.gserviceaccount.com" });
        expect(cluster.dependencies).toContain(grant.urn);
        // Key rings are never deleted by GCP: a random suffix lets a destroyed stack be created again.
        expect(one(prod, "gcp:kms/keyRing:KeyRing").inputs.name).toMatch(/^shop-gke-[0-9a-f]+$/);
    });

    test("deletion protection follows slipway:gke.deletionProtection on the cluster, Cloud SQL and Memorystore (the way to a real destroy)", async () => {
        expect(cluster.inputs.deletionProtection).toBe(true);
        const run = await runStack("prod", stackConfig("prod", (v) => (v["slipway:gke"].deletionProtection = false)));
        expect(one(run, "gcp:container/cluster:Cluster").inputs.deletionProtection).toBe(false);
        const sql = one(run, "gcp:sql/databaseInstance:DatabaseInstance").inputs;
        expect([sql.deletionProtection, sql.settings.deletionProtectionEnabled]).toEqual([false, false]);
        expect(one(run, "gcp:redis/instance:Instance").inputs.deletionProtection).toBe(false);
    });

    test("NodeLocal DNSCache is off: guarded pods resolve through kube-dns pods, which a pod selector reaches", () => {
        expect(cluster.inputs.addonsConfig.dnsCacheConfig).toEqual({ enabled: false });
    });

    test("Cloud SQL and Memorystore wait for the cluster: a cluster that fails never leaves them billing", () => {
        for (const type of ["gcp:sql/databaseInstance:DatabaseInstance", "gcp:redis/instance:Instance"]) {
            expect(one(prod, type).dependencies).toContain(cluster.urn);
        }
    });

    test("a recurring maintenance window of at least 48 h per 32 days", () => {
        const w = cluster.inputs.maintenancePolicy.recurringWindow;
        const hours = (Date.parse(w.endTime) - Date.parse(w.startTime)) / 3_600_000;
        const daysPerWeek = /BYDAY=([A-Z,]+)/.exec(w.recurrence)![1].split(",").length;
        expect(w.recurrence).toMatch(/^FREQ=WEEKLY;/);
        expect(hours).toBeGreaterThanOrEqual(4);
        expect(hours * daysPerWeek * (32 / 7)).toBeGreaterThanOrEqual(48);
    });

    test("default node pool removed; deletion protection in GCP and as Pulumi protect", () => {
        expect(cluster.inputs.removeDefaultNodePool).toBe(true);
        expect(cluster.inputs.initialNodeCount).toBe(1);
        expect(cluster.inputs.deletionProtection).toBe(true);
        expect(cluster.protect).toBe(true);
    });

    test("even the short-lived default pool runs as the node SA, never the Compute Engine default", () => {
        const account = one(prod, "gcp:serviceaccount/account:Account");
        expect(cluster.inputs.nodeConfig.serviceAccount).toBe(`${account.inputs.accountId}@${prodFile["slipway:gke"].project}.iam.gserviceaccount.com`);
        expect(cluster.inputs.nodeConfig.workloadMetadataConfig).toEqual({ mode: "GKE_METADATA" });
    });
});

describe("node pool", () => {
    let pool: RecordedResource;
    beforeAll(() => (pool = one(prod, "gcp:container/nodePool:NodePool")));

    test("autoscales per zone between slipway:cluster.nodes min and max, in the cluster's region", () => {
        const nodes = prodFile["slipway:cluster"].nodes;
        expect(pool.inputs.autoscaling).toMatchObject({ minNodeCount: nodes.min, maxNodeCount: nodes.max });
        expect(pool.inputs.location).toBe(prodFile["slipway:gke"].region);
        expect(pool.inputs.cluster).toBe(idOf(one(prod, "gcp:container/cluster:Cluster")));
    });

    test("auto-repair, auto-upgrade, surge upgrades that never lose capacity", () => {
        expect(pool.inputs.management).toEqual({ autoRepair: true, autoUpgrade: true });
        expect(pool.inputs.upgradeSettings).toMatchObject({ maxSurge: 1, maxUnavailable: 0 });
    });

    test("machine type from the node size; GKE_METADATA; Shielded VM with secure boot", () => {
        expect(pool.inputs.nodeConfig.machineType).toBe(GKE_MACHINE_TYPES[prodFile["slipway:cluster"].nodes.size as keyof typeof GKE_MACHINE_TYPES]);
        expect(pool.inputs.nodeConfig.workloadMetadataConfig).toEqual({ mode: "GKE_METADATA" });
        expect(pool.inputs.nodeConfig.shieldedInstanceConfig).toEqual({ enableSecureBoot: true, enableIntegrityMonitoring: true });
        expect(pool.inputs.nodeConfig.metadata["disable-legacy-endpoints"]).toBe("true");
    });

    test("runs as a dedicated SA holding exactly the roles terraform-google-modules grants nodes (sa.tf)", () => {
        const account = one(prod, "gcp:serviceaccount/account:Account");
        const email = `${account.inputs.accountId}@${prodFile["slipway:gke"].project}.iam.gserviceaccount.com`;
        expect(pool.inputs.nodeConfig.serviceAccount).toBe(email);
        const bindings = findAll(prod, "gcp:projects/iAMMember:IAMMember");
        expect(bindings.map((b) => b.inputs.role).sort()).toEqual(["roles/artifactregistry.reader", "roles/container.defaultNodeServiceAccount"]);
        expect([...NODE_SERVICE_ACCOUNT_ROLES].sort()).toEqual(bindings.map((b) => b.inputs.role).sort());
        for (const b of bindings) {
            expect(b.inputs).toMatchObject({ member: `serviceAccount:${email}`, project: prodFile["slipway:gke"].project });
            expect(b.dependencies).toContain(account.urn);
        }
        // Nodes boot only once they can write logs and pull images.
        for (const b of bindings) expect(pool.dependencies).toContain(b.urn);
    });

    test("another node size yields another machine type and pool name", async () => {
        const { config, secretKeys } = stackConfig("prod", (v) => (v["slipway:cluster"].nodes.size = "large"));
        const large = one(await runStack("prod", { config, secretKeys }), "gcp:container/nodePool:NodePool");
        expect(large.inputs.nodeConfig.machineType).toBe(GKE_MACHINE_TYPES.large);
        expect(large.inputs.name).not.toBe(pool.inputs.name);
    });
});

describe("Cloud SQL (database.mode: managed)", () => {
    let instance: RecordedResource;
    beforeAll(() => (instance = one(prod, "gcp:sql/databaseInstance:DatabaseInstance")));

    test("protected in GCP and in Pulumi", () => {
        expect(instance.protect).toBe(true);
        expect(instance.inputs.deletionProtection).toBe(true);
        expect(instance.inputs.settings.deletionProtectionEnabled).toBe(true);
    });

    test("Postgres version, tier and disk from slipway:database", () => {
        const db = prodFile["slipway:database"];
        expect(instance.inputs.databaseVersion).toBe(`POSTGRES_${db.version}`);
        expect(instance.inputs.settings.tier).toBe(CLOUD_SQL_TIERS[db.size as keyof typeof CLOUD_SQL_TIERS]);
        expect(instance.inputs.settings.diskSize).toBe(db.storageGb);
        expect(instance.inputs.region).toBe(prodFile["slipway:gke"].region);
    });

    test("REGIONAL when highAvailability, ZONAL otherwise", async () => {
        expect(prodFile["slipway:database"].highAvailability).toBe(true);
        expect(instance.inputs.settings.availabilityType).toBe("REGIONAL");
        const { config, secretKeys } = stackConfig("prod", (v) => (v["slipway:database"].highAvailability = false));
        const zonal = one(await runStack("prod", { config, secretKeys }), "gcp:sql/databaseInstance:DatabaseInstance");
        expect(zonal.inputs.settings.availabilityType).toBe("ZONAL");
    });

    test("automated backups with point-in-time recovery, retention from slipway:database.backup", () => {
        const backup = prodFile["slipway:database"].backup;
        expect(instance.inputs.settings.backupConfiguration).toMatchObject({
            enabled: true,
            pointInTimeRecoveryEnabled: true,
            startTime: backupStartTime(backup.schedule),
            // One more backup than days of log: Cloud SQL refuses retention <= log days.
            backupRetentionSettings: { retainedBackups: Math.max(backup.keep, Math.min(7, backup.keep) + 1), retentionUnit: "COUNT" },
        });
        const { transactionLogRetentionDays: days, backupRetentionSettings } = instance.inputs.settings.backupConfiguration;
        expect(backupRetentionSettings.retainedBackups).toBeGreaterThan(days);
    });

    test.each([1, 2, 7, 8, 30])("keep %i: log days 1-7 and always more backups than log days", (keep) => {
        const r = backupRetention(keep);
        expect(r.transactionLogRetentionDays).toBe(Math.min(7, keep));
        expect(r.backupRetentionSettings.retainedBackups).toBeGreaterThan(r.transactionLogRetentionDays);
        expect(r.backupRetentionSettings.retainedBackups).toBeGreaterThanOrEqual(keep);
    });

    test("the disk grows by itself up to a cap (4 x storageGb unless maxStorageGb says otherwise)", async () => {
        expect(instance.inputs.settings).toMatchObject({ diskAutoresize: true, diskAutoresizeLimit: prodFile["slipway:database"].storageGb * 4 });
        const capped = one(await runStack("prod", stackConfig("prod", (v) => (v["slipway:database"].maxStorageGb = 500))), "gcp:sql/databaseInstance:DatabaseInstance");
        expect(capped.inputs.settings.diskAutoresizeLimit).toBe(500);
    });

    test("private IP only in the stack's VPC, from the peering range; TLS required", () => {
        const ip = instance.inputs.settings.ipConfiguration;
        expect(ip.ipv4Enabled).toBe(false);
        expect(ip.privateNetwork).toBe(idOf(one(prod, "gcp:compute/network:Network")));
        expect(ip.allocatedIpRange).toBe(find(prod, "gcp:compute/globalAddress:GlobalAddress", "shop-network-private-services").inputs.name);
        expect(ip.sslMode).toBe("ENCRYPTED_ONLY");
        expect(ip.authorizedNetworks).toBeUndefined();
        // The private IP exists only once the peering does.
        expect(instance.dependencies).toContain(one(prod, "gcp:servicenetworking/connection:Connection").urn);
    });

    test("query insights on", () => {
        expect(instance.inputs.settings.insightsConfig.queryInsightsEnabled).toBe(true);
    });

    test("one database per databases entry; only Slipway's admin is a Cloud SQL (cloudsqlsuperuser) user", () => {
        const entries = prodFile["slipway:database"].databases as { name: string; user?: string }[];
        expect(findAll(prod, "gcp:sql/database:Database").map((d) => d.inputs.name).sort()).toEqual(entries.map((e) => e.name).sort());
        const users = findAll(prod, "gcp:sql/user:User");
        expect(users.map((u) => u.inputs.name)).toEqual(["slipway_admin"]);
        const [admin] = users;
        expect(admin.parent).toBe(instance.parent);
        expect(admin.inputs.type).toBe("BUILT_IN");
        expect(isSecretPath(admin, "password")).toBe(true);
        expect(admin.additionalSecretOutputs).toContain("password");
        // One generated password for the admin and one per service role.
        const passwords = findAll(prod, "random:index/randomPassword:RandomPassword").filter((p) => p.parent.includes("CloudSqlPostgres"));
        expect(passwords).toHaveLength(1 + entries.length);
        for (const p of passwords) expect(p.additionalSecretOutputs).toContain("result");
    });

    test("the service roles come from the bootstrap Job, run as the admin over TLS after the databases exist", () => {
        const job = find(prod, "Job", "shop-db-bootstrap-job");
        const env = Object.fromEntries(job.inputs.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
        expect(env).toMatchObject({ PGHOST: "10.64.0.3", PGUSER: "slipway_admin", PGSSLMODE: "verify-ca", PGSSLROOTCERT: "/etc/slipway/postgres/ca.pem" });
        const spec = job.inputs.spec.template.spec;
        const mount = spec.containers[0].volumeMounts.find((m: any) => m.mountPath === "/etc/slipway/postgres");
        expect(spec.volumes.find((v: any) => v.name === mount.name).configMap).toEqual({ name: "postgres-server-ca", items: [{ key: "ca.pem", path: "ca.pem" }] });
        for (const d of findAll(prod, "gcp:sql/database:Database")) expect(job.dependencies).toContain(d.urn);
        expect(job.dependencies).toContain(one(prod, "gcp:sql/user:User").urn);
        const sql: string = find(prod, "ConfigMap", "shop-db-bootstrap-sql").inputs.data["bootstrap.sql"];
        // The non-superuser variant (proved against a real server in tests/real/managed-bootstrap.test.ts).
        expect(sql).toContain('GRANT "shop" TO CURRENT_USER;');
        expect(sql).not.toMatch(/NOSUPERUSER|SET log_statement/);
    });

    test("the in-cluster Postgres is not deployed; PgBouncer talks TLS to the instance's private IP", async () => {
        expect(findAll(prod, "slipway:database:InClusterPostgres")).toEqual([]);
        // The mock echoes inputs; privateIpAddress is an output GCP assigns, so it stands in here.
        const ip = "10.64.0.3";
        const run = await runStack("prod", {
            load: (req) => {
                const monitor = req("@pulumi/pulumi/runtime/settings").getMonitor();
                const { newResource } = monitor.mocks;
                monitor.mocks = {
                    ...monitor.mocks,
                    newResource: (a: any) => {
                        const result = newResource(a);
                        if (a.type === "gcp:sql/databaseInstance:DatabaseInstance") result.state = { ...result.state, privateIpAddress: ip };
                        return result;
                    },
                };
                return req("..");
            },
        });
        const ini = findAll(run, "ConfigMap").find((c) => c.inputs.data?.["pgbouncer.ini"])!.inputs.data["pgbouncer.ini"];
        expect(ini).toMatch(/^server_tls_sslmode = verify-ca$/m);
        expect(ini).toMatch(/^server_tls_ca_file = \/etc\/slipway\/postgres\/ca\.pem$/m);
        for (const d of prodFile["slipway:database"].databases) expect(ini).toContain(`${d.name} = host=${ip} port=5432 dbname=${d.name}`);
    });
});

describe("Kubernetes side", () => {
    test("a Retain StorageClass on pd-balanced, waited for by the platform", () => {
        const sc = one(prod, "kubernetes:storage.k8s.io/v1:StorageClass");
        expect(sc.inputs).toMatchObject({
            metadata: { name: "standard-rwo-retain" },
            provisioner: "pd.csi.storage.gke.io",
            parameters: { type: "pd-balanced" },
            reclaimPolicy: "Retain",
            volumeBindingMode: "WaitForFirstConsumer",
            allowVolumeExpansion: true,
        });
        expect(find(prod, "Namespace", "shop-namespace").dependencies).toContain(sc.urn);
    });

    test("stateful workloads keep their data: retained class, PVC retention, a namespace kept through destroy", () => {
        const statefulSets = findAll(prod, "StatefulSet");
        expect(statefulSets.length).toBeGreaterThan(0);
        for (const sts of statefulSets) {
            expect(dataKeptProblems(prod, sts)).toEqual([]);
            for (const claim of sts.inputs.spec.volumeClaimTemplates) expect(claim.spec.storageClassName).toBe("standard-rwo-retain");
        }
    });

    test("GKE's Gateway controller: its class, port 80, no Traefik, no CRD install, no ingress-nginx", () => {
        const gateway = one(prod, "kubernetes:gateway.networking.k8s.io/v1:Gateway");
        expect(gateway.inputs.spec.gatewayClassName).toBe("gke-l7-global-external-managed");
        expect(gateway.inputs.spec.listeners.map((l: any) => l.port)).toEqual([80]);
        expect(findAll(prod, "kubernetes:helm.sh/v4:Chart")).toEqual([]);
        expect(findAll(prod, "kubernetes:yaml/v2:ConfigFile")).toEqual([]);
        expect(JSON.stringify(prod.resources.map((r) => r.inputs))).not.toContain("ingress-nginx");
    });

    test("routed apps admit gateway traffic only from Google's load balancer ranges", () => {
        const routed = (prodFile["slipway:apps"] as any[]).filter((a) => a.ingress);
        expect(routed.length).toBeGreaterThan(0);
        for (const app of routed) {
            const policy = findAll(prod, "NetworkPolicy").find((p) => p.inputs.metadata.name === `${app.name}-ingress`)!;
            const gatewayRule = policy.inputs.spec.ingress.find((r: any) => r.from.some((f: any) => f.ipBlock));
            expect(gatewayRule.from).toEqual(GOOGLE_LB_SOURCE_RANGES.map((cidr) => ({ ipBlock: { cidr } })));
            expect(gatewayRule.ports).toEqual([{ port: app.port, protocol: "TCP" }]);
        }
    });
});

describe("the GkeCluster component alone", () => {
    test("without a managed database it creates no Cloud SQL and enables no sqladmin API", async () => {
        const run = await runComponents((req, native) => {
            const { GkeCluster } = req("../providers/gke");
            const c = new GkeCluster("solo", native({
                name: "solo",
                gke: { project: "slipway-test", region: "europe-west1", releaseChannel: "STABLE", masterAuthorizedNetworks: [], deletionProtection: true },
                kubernetesVersion: "1.32",
                nodes: { min: 2, max: 4, size: "small" },
            }));
            return { hasFactory: c.managedDatabase !== undefined };
        });
        expect(run.outputs.hasFactory).toBe(false);
        expect(findAll(run, "gcp:sql/databaseInstance:DatabaseInstance")).toEqual([]);
        expect(findAll(run, "gcp:projects/service:Service").map((s) => s.inputs.service)).not.toContain("sqladmin.googleapis.com");
        const cluster = one(run, "gcp:container/cluster:Cluster");
        expect(cluster.inputs).toMatchObject({ name: "solo", location: "europe-west1", releaseChannel: { channel: "STABLE" }, resourceLabels: { "slipway-kubernetes-floor": "1-32" } });
        expect(one(run, "gcp:container/nodePool:NodePool").inputs.autoscaling).toMatchObject({ minNodeCount: 2, maxNodeCount: 4 });
        expect(one(run, "gcp:container/nodePool:NodePool").inputs.nodeConfig.machineType).toBe(GKE_MACHINE_TYPES.small);
    });
});

describe("Memorystore (cache.mode: managed)", () => {
    let run: ProgramRun;
    beforeAll(async () => {
        run = await runComponents((req, native) => {
            const { GkeCluster } = req("../providers/gke");
            const c = new GkeCluster("mc", native({
                name: "mc",
                gke: { project: "slipway-test", region: "us-east1", releaseChannel: "REGULAR", masterAuthorizedNetworks: [], deletionProtection: true },
                kubernetesVersion: "1.31",
                nodes: { min: 1, max: 2, size: "small" },
                managedCache: true,
            }));
            const endpoint = c.managedCache("mc-cache", native({ mode: "managed", version: "7", storageGb: 1, memoryMb: 1500 }), {});
            return { password: endpoint.password, tls: endpoint.tls };
        });
    });

    test("replicated, AUTH on, TLS in transit, private in the stack's VPC through the peering range", () => {
        const instance = one(run, "gcp:redis/instance:Instance");
        expect(instance.inputs).toMatchObject({
            region: "us-east1",
            tier: "STANDARD_HA",
            redisVersion: "REDIS_7_2",
            memorySizeGb: 2,
            authEnabled: true,
            transitEncryptionMode: "SERVER_AUTHENTICATION",
            connectMode: "PRIVATE_SERVICE_ACCESS",
            authorizedNetwork: idOf(one(run, "gcp:compute/network:Network")),
            reservedIpRange: one(run, "gcp:compute/globalAddress:GlobalAddress").inputs.name,
            deletionProtection: true,
        });
        expect(instance.protect).toBe(true);
        expect(instance.additionalSecretOutputs).toContain("authString");
        expect(instance.provider).toBe(gcpProviderRef(run));
        expect(instance.dependencies).toContain(one(run, "gcp:servicenetworking/connection:Connection").urn);
    });

    test("the redis API is enabled only because the cache is managed; the password output is secret", () => {
        expect(findAll(run, "gcp:projects/service:Service").map((s) => s.inputs.service)).toContain("redis.googleapis.com");
        expect(run.secretOutputs).toContain("password");
        expect(run.outputs.tls).toBe(true);
    });
});

describe("managed cache wired into the prod stack", () => {
    test("Memorystore replaces the in-cluster Redis; apps read the same `redis` Secret with a TLS URL and the CA", () => {
        expect(findAll(prod, "gcp:redis/instance:Instance")).toHaveLength(1);
        expect(findAll(prod, "StatefulSet").map((s) => s.inputs.metadata.name)).not.toContain("redis");
        expect(findAll(prod, "ConfigMap").map((c) => c.inputs.metadata.name)).not.toContain("redis-config");
        const secret = find(prod, "Secret", "shop-cache-credentials");
        expect(secret.inputs.metadata.name).toBe("redis");
        expect(isSecretPath(secret, "stringData.REDIS_URL")).toBe(true);
        // The offline runner's Memorystore mock answers host 10.64.0.11, port 6378 (TLS port).
        // The CA as a file (redis-py's ssl_ca_certs, passed through from_url's query), never a PEM in env.
        // ssl_check_hostname=false: Memorystore names its IP only in the CN, which redis-py >= 6 refuses by
        // default; the chain is still verified against the instance's own CA.
        expect(secret.inputs.stringData.REDIS_URL).toMatch(/^rediss:\/\/:[^@]+@10\.64\.0\.11:6378\/0\?ssl_ca_certs=%2Fetc%2Fslipway%2Fredis%2Fca\.pem&ssl_check_hostname=false$/);
        expect(secret.inputs.stringData.REDIS_CA_FILE).toBe("/etc/slipway/redis/ca.pem");
        expect(Object.keys(secret.inputs.stringData)).not.toContain("REDIS_CA_CERT");
        const web = find(prod, "Deployment", "web-deployment").inputs.spec.template.spec;
        expect(web.containers[0].envFrom.map((e: any) => e.secretRef.name)).toContain("redis");
        const mount = web.containers[0].volumeMounts.find((m: any) => m.mountPath === "/etc/slipway/redis");
        expect(mount.readOnly).toBe(true);
        expect(web.volumes.find((v: any) => v.name === mount.name).configMap).toEqual({ name: "redis-server-ca", items: [{ key: "ca.pem", path: "ca.pem" }] });
        // Every CA Memorystore lists (two during a rotation), not just the first.
        const instance = one(prod, "gcp:redis/instance:Instance");
        expect(instance).toBeDefined();
        expect(find(prod, "ConfigMap", "shop-cache-server-ca").inputs.data["ca.pem"].match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
        // Likewise every Cloud SQL CA (getCaCerts, not serverCaCerts, which lists only the active one).
        expect(find(prod, "ConfigMap", "shop-db-server-ca").inputs.data["ca.pem"].match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    });

    test("managed cache on a target without one is refused before any resource", async () => {
        const observed = await observeRun("dev", stackConfig("dev", (v) => (v["slipway:cache"].mode = "managed")));
        expect(String(observed.error)).toContain('slipway:cache.mode: got "managed"; target "k3d" has no managed Redis');
        expect(observed.registered).toEqual([]);
    });
});

describe("load balancer health checks", () => {
    test("each routed web app gets a HealthCheckPolicy on its Service checking its own health path", () => {
        const policy = find(prod, "kubernetes:networking.gke.io/v1:HealthCheckPolicy", "web-healthcheck");
        expect(policy.inputs.spec.targetRef).toEqual({ group: "", kind: "Service", name: "web" });
        expect(policy.inputs.spec.default.config).toEqual({ type: "HTTP", httpHealthCheck: { portSpecification: "USE_SERVING_PORT", requestPath: "/readyz", host: "shop.localtest.me" } });
        expect(policy.inputs.metadata.namespace).toBe("shop");
        expect(policy.provider).toBe(kubernetesProviderOf(prod).ref);
        // Only routed apps: billing is a web app without ingress.
        expect(findAll(prod, "kubernetes:networking.gke.io/v1:HealthCheckPolicy").map((p) => p.name)).toEqual(["web-healthcheck"]);
    });

    test("an app without an HTTP health path is checked over TCP; Traefik targets get no policy", async () => {
        const { gatewayHealthCheck } = await import("../components/apps/container");
        const { parseConfig } = await import("../config");
        const cfg = parseConfig(
            { target: "k3d", cluster: { name: "x" }, apps: [{ name: "tcp", kind: "web", image: "nginx:1.27.3", port: 8080, ingress: { host: "a.example.com" } }] },
            { stack: "t", secretKeys: new Set() },
        );
        expect(gatewayHealthCheck(cfg.apps[0], "tcp").default.config).toEqual({ type: "TCP", tcpHealthCheck: { portSpecification: "USE_SERVING_PORT" } });
        const dev = await runStack("dev");
        expect(findAll(dev, "kubernetes:networking.gke.io/v1:HealthCheckPolicy")).toEqual([]);
    });
});

describe("stack outputs", () => {
    test("app URLs use the default ports on GKE (the load balancer listens on 80/443)", async () => {
        const { appUrl } = await import("../lib/contracts");
        expect((prod.outputs.urls as any).web).toBe("http://shop.localtest.me/");
        expect(appUrl({ host: "a.example.com", path: "/x", tls: true }, { http: 80, https: 443 })).toBe("https://a.example.com/x");
        expect(appUrl({ host: "a.example.com", path: "/", tls: false }, { http: 8080, https: 8443 })).toBe("http://a.example.com:8080/");
    });
});
