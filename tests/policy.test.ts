// The policy pack (policy/policies.ts): each policy with a resource it passes and one it refuses,
// and the whole pack over the resources every stack file records offline: no mandatory violation.
import { RESOURCE_POLICIES, STACK_POLICIES } from "../policy/policies";
import type { RecordedResource } from "../scripts/offline";
import { runPolicies } from "../scripts/policy-run";
import { runStack, stackNames } from "./helpers";

const PROVIDER = "urn:pulumi:t::slipway::pulumi:providers:kubernetes::shop-k8s::id";
const DEFAULT_PROVIDER = "urn:pulumi:t::slipway::pulumi:providers:kubernetes::default_4_34_2::id";

function rec(type: string, inputs: Record<string, any>, extra: Partial<RecordedResource> = {}): RecordedResource {
    return { type, name: "r", urn: `urn:pulumi:t::slipway::${type}::r`, parent: "", custom: true, inputs, secretPaths: [], provider: PROVIDER, protect: false, retainOnDelete: false, deleteBeforeReplace: false, additionalSecretOutputs: [], ignoreChanges: [], dependencies: [], ...extra };
}

const pod = (container: Record<string, any>, securityContext: Record<string, any> = { runAsNonRoot: true }) => ({
    metadata: { name: "web" },
    spec: { template: { spec: { securityContext, containers: [{ name: "web", image: "ghcr.io/x/web:1.2.3", resources: { limits: { memory: "256Mi" } }, readinessProbe: {}, ...container }] } } },
});
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";

/** Violations of one policy only. */
async function violations(policy: string, resources: RecordedResource[]): Promise<string[]> {
    const only = { resource: RESOURCE_POLICIES.filter((p) => p.name === policy), stack: STACK_POLICIES.filter((p) => p.name === policy) };
    expect(only.resource.length + only.stack.length).toBe(1);
    return (await runPolicies(resources, only)).map((v) => v.message);
}

const CASES: [policy: string, passing: RecordedResource[], failing: RecordedResource[], says: RegExp][] = [
    ["stateful-resource-protected", [rec("aws:rds/instance:Instance", {}, { protect: true })], [rec("aws:rds/instance:Instance", {})], /not protected/],
    ["database-not-public", [rec("gcp:sql/databaseInstance:DatabaseInstance", { settings: { ipConfiguration: { ipv4Enabled: false } } })], [rec("aws:rds/instance:Instance", { publiclyAccessible: true })], /publicly accessible/],
    ["database-backups", [rec("aws:rds/instance:Instance", { backupRetentionPeriod: 7 })], [rec("gcp:sql/databaseInstance:DatabaseInstance", { settings: { backupConfiguration: { enabled: true } } })], /point-in-time/],
    ["container-resource-limits", [rec(DEPLOYMENT, pod({}))], [rec(DEPLOYMENT, pod({ resources: { requests: { cpu: "1" } } }))], /no memory limit/],
    ["runs-as-non-root", [rec(DEPLOYMENT, pod({}))], [rec(DEPLOYMENT, pod({}, {}))], /may run as root/],
    ["image-pinned", [rec(DEPLOYMENT, pod({ image: "redis@sha256:" + "a".repeat(64) }))], [rec(DEPLOYMENT, pod({ image: "registry:5000/web" }))], /pin a tag or digest/],
    ["load-balancer-opt-in", [rec("kubernetes:core/v1:Service", { metadata: { name: "s", annotations: { "slipway.dev/load-balancer": "intended" } }, spec: { type: "LoadBalancer" } })], [rec("kubernetes:helm.sh/v4:Chart", { chart: "traefik", values: { service: { spec: { type: "LoadBalancer" } } } })], /without slipway.dev\/load-balancer/],
    ["no-credential-literals", [rec("kubernetes:core/v1:ConfigMap", { metadata: { name: "c" }, data: { "app.conf": "debug = true" } })], [rec(DEPLOYMENT, pod({ env: [{ name: "STRIPE_KEY", value: "sk_live_0123456789abcdef" }] }))], /STRIPE_KEY: the value is a Stripe/],
    ["kubernetes-explicit-provider", [rec("kubernetes:core/v1:ConfigMap", {})], [rec("kubernetes:core/v1:ConfigMap", {}, { provider: DEFAULT_PROVIDER })], /default Kubernetes provider/],
    ["workload-readiness-probe", [rec(DEPLOYMENT, pod({}))], [rec(DEPLOYMENT, pod({ readinessProbe: undefined }))], /no readiness probe/],
    [
        "data-claims-retained",
        [rec("kubernetes:storage.k8s.io/v1:StorageClass", { metadata: { name: "keep" }, reclaimPolicy: "Retain" }), rec("kubernetes:core/v1:PersistentVolumeClaim", { metadata: { name: "data" }, spec: { storageClassName: "keep" } })],
        [rec("kubernetes:apps/v1:StatefulSet", { metadata: { name: "db" }, spec: { volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { storageClassName: "gp3" } }] } })],
        /deletes its volume with the claim/,
    ],
    ["in-cluster-postgres-backed-up", [rec("kubernetes:apps/v1:StatefulSet", { metadata: { name: "kv" } })], [rec("kubernetes:apps/v1:StatefulSet", { metadata: { name: "postgres" } })], /without the backup CronJob/],
];

describe.each(CASES)("%s", (policy, passing, failing, says) => {
    test("passes a compliant resource and refuses a failing one, saying why", async () => {
        expect(await violations(policy, passing)).toEqual([]);
        const found = await violations(policy, failing);
        expect(found.length).toBeGreaterThan(0);
        expect(found.join("\n")).toMatch(says);
    });
});

test("pod-level policies leave objects a pinned chart renders to the chart's authors; the load-balancer opt-in does not", async () => {
    const parent = "urn:pulumi:t::slipway::slipway:platform:Platform$kubernetes:helm.sh/v4:Chart::csi";
    const rootPlugin = rec(DEPLOYMENT, pod({ resources: {} }, {}), { parent });
    expect(await violations("container-resource-limits", [rootPlugin])).toEqual([]);
    expect(await violations("runs-as-non-root", [rootPlugin])).toEqual([]);
    const lb = rec("kubernetes:core/v1:Service", { metadata: { name: "traefik" }, spec: { type: "LoadBalancer" } }, { parent });
    expect(await violations("load-balancer-opt-in", [lb])).toHaveLength(1);
});

test("every policy of the pack has its case above", () => {
    expect([...RESOURCE_POLICIES, ...STACK_POLICIES].map((p) => p.name).sort()).toEqual(CASES.map((c) => c[0]).sort());
});

describe.each(stackNames())("stack %s", (stack) => {
    test("no mandatory violation over every resource it records", async () => {
        const found = await runPolicies((await runStack(stack)).resources);
        expect(found.filter((v) => v.level === "mandatory")).toEqual([]);
    }, 60000);
});
