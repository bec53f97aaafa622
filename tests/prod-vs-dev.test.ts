// The promise of DESIGN.md: k3d -> GKE is a stack switch. The apps' Kubernetes objects of `prod`
// and `dev` (workloads, their Services, routes, Secrets, PDBs, NetworkPolicies and the Gateway
// their routes attach to) must differ only in target-specific fields.
import type { ProgramRun } from "../scripts/offline";
import { differingPaths, objectId } from "../scripts/diff";
import { KubernetesObject, kubernetesObjects } from "../scripts/manifests";
import { runStack, stackConfig, stackValues } from "./helpers";

// What the offline runner's mock returns as Cloud SQL's private IP (scripts/offline.ts).
const MOCK_SQL_IP = "10.64.0.3";

const APP_COMPONENTS = new Set(["web", "worker", "stateful", "migrate"]);

const key = objectId;
const diffPaths = differingPaths;

/** The app layer: objects labelled as an app's, the Secrets they read, the Gateways their routes use. */
export function appLayer(run: ProgramRun): Map<string, KubernetesObject> {
    const all = kubernetesObjects(run);
    const labels = (o: KubernetesObject) => ((o.metadata as any).labels ?? {}) as Record<string, string>;
    const apps = all.filter((o) => labels(o)["app.kubernetes.io/part-of"] === "slipway" && APP_COMPONENTS.has(labels(o)["app.kubernetes.io/component"]));
    const text = JSON.stringify(apps);
    const secretNames = new Set([...text.matchAll(/"secretRef":\{"name":"([^"]+)"/g), ...text.matchAll(/"secretKeyRef":\{"name":"([^"]+)"/g)].map((m) => m[1]));
    const gatewayNames = new Set(apps.filter((o) => o.kind === "HTTPRoute").flatMap((o: any) => o.spec.parentRefs.map((p: any) => p.name)));
    const referenced = all.filter((o) => (o.kind === "Secret" && secretNames.has(o.metadata.name!)) || (o.kind === "Gateway" && gatewayNames.has(o.metadata.name!)));
    return new Map([...apps, ...referenced].map((o) => [key(o), o]));
}

// Generated credentials differ per stack by design (each stack's state holds its own); the mock
// engine names them `offline-<resource name>...`, so they are masked before comparing.
const maskGenerated = (o: unknown) => JSON.parse(JSON.stringify(o).replace(/offline-[A-Za-z0-9_.-]+/g, "<generated>"));

function layerDiff(dev: ProgramRun, prod: ProgramRun) {
    const d = appLayer(dev);
    const p = appLayer(prod);
    const paths = [...d.keys()].filter((k) => p.has(k)).sort().flatMap((k) => diffPaths(maskGenerated(d.get(k)), maskGenerated(p.get(k))).map((path) => `${k} ${path}`));
    return { devKeys: [...d.keys()].sort(), prodKeys: [...p.keys()].sort(), paths };
}

/** The allowed differences with the pooler on (it hides the database server from the apps). */
const TARGET_SPECIFIC = [
    // Hashes of the Secrets each app reads, which hold each stack's own generated passwords.
    "Deployment/shop/billing spec.template.metadata.annotations.slipway.dev/config-checksum",
    "Deployment/shop/web spec.template.metadata.annotations.slipway.dev/config-checksum",
    "Deployment/shop/worker spec.template.metadata.annotations.slipway.dev/config-checksum",
    // Managed Redis's CA bundle, mounted as a file into the apps that use the cache (and the migrate Job).
    "Deployment/shop/web spec.template.spec.containers[0].volumeMounts[1]",
    "Deployment/shop/web spec.template.spec.volumes[1]",
    "Deployment/shop/worker spec.template.spec.containers[0].volumeMounts[1]",
    "Deployment/shop/worker spec.template.spec.volumes[1]",
    "Gateway/shop/slipway spec.addresses", // GKE: the reserved global IP, so DNS outlives the Gateway
    "Gateway/shop/slipway spec.gatewayClassName", // traefik -> gke-l7-global-external-managed
    "Gateway/shop/slipway spec.listeners[0].port", // Traefik's entryPoint 8000 -> the load balancer's 80
    // The gateway's sources: Traefik's namespace -> Google's two LB ranges (one peer -> two).
    "NetworkPolicy/shop/web-ingress spec.ingress[0].from[0].ipBlock",
    "NetworkPolicy/shop/web-ingress spec.ingress[0].from[0].namespaceSelector",
    // The migrate Job: Cloud SQL's and Memorystore's CA bundles as files.
    "Job/shop/web-migrate-f6fca2d0 spec.template.spec.containers[0].volumeMounts[1]",
    "Job/shop/web-migrate-f6fca2d0 spec.template.spec.containers[0].volumeMounts[2]",
    "Job/shop/web-migrate-f6fca2d0 spec.template.spec.volumes[1]",
    "Job/shop/web-migrate-f6fca2d0 spec.template.spec.volumes[2]",
    "NetworkPolicy/shop/web-ingress spec.ingress[0].from[1]",
    // The migrate Job's direct connection: in-cluster Postgres -> Cloud SQL's private IP, TLS verified.
    "Secret/shop/db-shop-direct stringData.DATABASE_URL",
    "Secret/shop/db-shop-direct stringData.PGHOST",
    "Secret/shop/db-shop-direct stringData.PGSSLMODE",
    "Secret/shop/db-shop-direct stringData.PGSSLROOTCERT",
    // cache.mode managed: the same `redis` Secret, now a TLS URL to Memorystore and the CA file to verify it.
    "Secret/shop/redis stringData.REDIS_CA_FILE",
    "Secret/shop/redis stringData.REDIS_URL",
    "StatefulSet/shop/kv spec.volumeClaimTemplates[0].spec.storageClassName", // local-path-retain -> standard-rwo-retain
];

/** EKS keeps Traefik as the gateway (behind an NLB), so routes, the Gateway and its ingress rules match dev's. */
const EKS_SPECIFIC = [
    ...TARGET_SPECIFIC.filter((p) => p.includes("config-checksum")),
    // The migrate Job's direct connection to RDS, verified against the RDS CA bundle mounted as a file.
    "Job/shop/web-migrate-f6fca2d0 spec.template.spec.containers[0].volumeMounts[1]",
    "Job/shop/web-migrate-f6fca2d0 spec.template.spec.volumes[1]",
    ...["DATABASE_URL", "PGHOST", "PGSSLMODE", "PGSSLROOTCERT"].map((k) => `Secret/shop/db-shop-direct stringData.${k}`),
    // ElastiCache's certificate is signed by Amazon's public CA: a rediss:// URL, no CA file.
    "Secret/shop/redis stringData.REDIS_URL",
    "StatefulSet/shop/kv spec.volumeClaimTemplates[0].spec.storageClassName", // local-path-retain -> gp3-retain
];

const DOKS_SPECIFIC = [
    ...EKS_SPECIFIC.filter((p) => !p.startsWith("StatefulSet/")),
    "StatefulSet/shop/kv spec.volumeClaimTemplates[0].spec.storageClassName", // local-path-retain -> slipway-block-storage-retain
    // DO's own Gateway (cilium) listens on 80, not Traefik's entryPoint.
    "Gateway/shop/slipway spec.gatewayClassName",
    "Gateway/shop/slipway spec.listeners[0].port",
    // DO Managed PostgreSQL's direct port is 25060.
    "Secret/shop/db-shop-direct stringData.PGPORT",
];

describe("prod vs dev: the same apps, only target-specific fields differ", () => {
    test("both stacks resolve the same slipway:apps (Pulumi.yaml's, shared by every stack)", () => {
        expect(stackConfig("prod").config["slipway:apps"]).toBe(stackConfig("dev").config["slipway:apps"]);
    });

    test("the stack files differ only in the target, its section, the database mode and sizes", () => {
        const differing = diffPaths(stackValues("dev"), stackValues("prod"));
        const allowed = [
            /^slipway:target$/,
            /^slipway:(k3d|gke)$/,
            /^slipway:cluster\.nodes$/,
            /^slipway:database\.(mode|size|storageGb)$/,
            // Cloud SQL's standby in a second zone; in-cluster Postgres has no HA to turn on.
            /^slipway:database\.highAvailability$/,
            /^slipway:cache\.(mode|memoryMb|storageGb)$/,
        ];
        expect(differing.filter((p) => !allowed.some((re) => re.test(p)))).toEqual([]);
        expect(differing).toContain("slipway:target");
    });

    test("diffPaths lists exactly the differing leaves", () => {
        expect(diffPaths({ a: 1, b: { c: [1, 2] } }, { a: 1, b: { c: [1, 3] } })).toEqual(["b.c[1]"]);
        expect(diffPaths({ a: 1 }, { a: 1, z: { y: 2 } })).toEqual(["z"]);
        expect(diffPaths([{ x: 1 }], [{ x: 1 }, { x: 2 }])).toEqual(["[1]"]);
        expect(diffPaths({ a: "s" }, { a: { b: "s" } })).toEqual(["a"]);
    });

    test("app objects differ only in storage class, gateway class and port, and gateway sources", async () => {
        // One program at a time: the mock runtime is process-global.
        const dev = await runStack("dev");
        const prod = await runStack("prod");
        const { devKeys, prodKeys, paths } = layerDiff(dev, prod);
        // GKE adds one object: the load balancer's health check for the routed app.
        expect(prodKeys).toEqual([...devKeys, "HealthCheckPolicy/shop/web"].sort());
        // Sanity: the comparison covers the app layer, not an empty set.
        for (const kind of ["Deployment", "StatefulSet", "Job", "Service", "HTTPRoute", "Secret", "PodDisruptionBudget", "NetworkPolicy", "Gateway"]) {
            expect(devKeys.some((k) => k.startsWith(`${kind}/`))).toBe(true);
        }
        expect([...paths].sort()).toEqual([...TARGET_SPECIFIC].sort());
    });

    test("without the pooler, the database host (and TLS) in the connection Secrets is the only addition", async () => {
        const noPooler = (stack: string) => {
            const { config, secretKeys } = stackConfig(stack, (v) => (v["slipway:database"].pooler = false));
            return runStack(stack, { config, secretKeys });
        };
        const dev = await noPooler("dev");
        const prod = await noPooler("prod");
        const { paths } = layerDiff(dev, prod);
        const databases = (JSON.parse(stackConfig("dev").config["slipway:database"]).databases as { name: string }[]).map((d) => d.name);
        const used = new Set((JSON.parse(stackConfig("dev").config["slipway:apps"]) as { database?: string }[]).map((a) => a.database));
        const connectionPaths = databases
            .filter((d) => used.has(d))
            .flatMap((d) => ["DATABASE_URL", "PGHOST", "PGSSLMODE", "PGSSLROOTCERT"].map((k) => `Secret/shop/db-${d} stringData.${k}`));
        // Without the pooler the migrate Job reads the apps' own Secret (no -direct twin), and every app
        // with a database mounts Cloud SQL's CA bundle itself (billing: its first mount; web, worker: a second).
        const withoutDirect = TARGET_SPECIFIC.filter((p) => !p.includes("-direct "));
        const caMounts = [
            "Deployment/shop/billing spec.template.spec.containers[0].volumeMounts[1]",
            "Deployment/shop/billing spec.template.spec.volumes[1]",
            ...["web", "worker"].flatMap((a) => [`Deployment/shop/${a} spec.template.spec.containers[0].volumeMounts[2]`, `Deployment/shop/${a} spec.template.spec.volumes[2]`]),
        ];
        expect([...paths].sort()).toEqual([...withoutDirect, ...connectionPaths, ...caMounts].sort());
        const prodSecret = kubernetesObjects(prod).find((o) => o.kind === "Secret" && o.metadata.name === `db-${databases[0]}`) as any;
        expect(prodSecret.stringData.PGHOST).toBe(MOCK_SQL_IP);
        expect(prodSecret.stringData.PGSSLMODE).toBe("verify-ca");
        expect(prodSecret.stringData.DATABASE_URL).toMatch(/sslmode=verify-ca&sslrootcert=%2Fetc%2Fslipway%2Fpostgres%2Fca\.pem$/);
    });
});

/**
 * The targets besides GKE: what their stack files may change, the app-layer paths that differ
 * from dev, objects only they have, and where their Postgres (managed: over verified TLS) and
 * retained volumes are.
 */
interface OtherTarget {
    stack: string;
    section: string;
    specific: string[];
    onlyHere: string[];
    notHere: string[];
    pgHost?: RegExp;
    retainedClass: string;
}
const OTHER_TARGETS: OtherTarget[] = [
    { stack: "eks", section: "eks", specific: EKS_SPECIFIC, onlyHere: [], notHere: [], pgHost: /\.rds\.amazonaws\.com$/, retainedClass: "gp3-retain" },
    { stack: "doks", section: "doks", specific: DOKS_SPECIFIC, onlyHere: ["CiliumNetworkPolicy/shop/web-gateway"],
        // Cilium's gateway is admitted by the CiliumNetworkPolicy; web has no other caller to name.
        notHere: ["NetworkPolicy/shop/web-ingress"],
        pgHost: /^private-.*\.db\.ondigitalocean\.com$/, retainedClass: "slipway-block-storage-retain" },
    // In-cluster data as on dev: only the class of the retained volumes differs in the app layer.
    { stack: "hetzner", section: "hetzner", specific: ["StatefulSet/shop/kv spec.volumeClaimTemplates[0].spec.storageClassName"], onlyHere: [], notHere: [], pgHost: undefined, retainedClass: "hcloud-volumes-retain" },
];

describe.each(OTHER_TARGETS)("$stack vs dev: the same apps", ({ stack, section, specific, onlyHere, notHere, pgHost, retainedClass }) => {
    test("the stack files differ only in the target, its section, the data modes and sizes", () => {
        expect(stackConfig(stack).config["slipway:apps"]).toBe(stackConfig("dev").config["slipway:apps"]);
        const differing = diffPaths(stackValues("dev"), stackValues(stack));
        const allowed = [/^slipway:target$/, new RegExp(`^slipway:(k3d|${section})$`), /^slipway:cluster\.nodes$/, /^slipway:database\.(mode|size|storageGb|highAvailability|backup\.storageGb)$/, /^slipway:cache\.(mode|memoryMb|storageGb)$/];
        expect(differing.filter((p) => !allowed.some((re) => re.test(p)))).toEqual([]);
    });

    test("app objects differ only in target-specific fields", async () => {
        const dev = await runStack("dev");
        const run = await runStack(stack);
        const { devKeys, prodKeys, paths } = layerDiff(dev, run);
        expect(prodKeys).toEqual([...devKeys.filter((k) => !notHere.includes(k)), ...onlyHere].sort());
        expect([...paths].sort()).toEqual([...specific].sort());
        const objects = kubernetesObjects(run) as any[];
        const direct = objects.find((o) => o.kind === "Secret" && o.metadata.name === "db-shop-direct").stringData;
        if (pgHost) {
            expect(direct.PGHOST).toMatch(pgHost);
            expect(direct.PGSSLMODE).toBe("verify-ca");
        }
        expect(objects.find((o) => o.kind === "StatefulSet" && o.metadata.name === "kv").spec.volumeClaimTemplates[0].spec.storageClassName).toBe(retainedClass);
    });
});
