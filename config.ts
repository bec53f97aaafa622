// The stack config contract (DESIGN.md "The stack config"). Everything a stack file may say is
// declared here once: parsed, defaulted and cross-checked before any resource is registered.
import { z } from "zod";
import { credentialReason, suggestedSecretKey } from "./credentials";
import { DEFAULT_KUBERNETES_VERSION, KUBERNETES_VERSIONS, KubernetesMinor, POSTGRES_VERSIONS, PostgresMajor } from "./versions";

export { KUBERNETES_VERSIONS, POSTGRES_VERSIONS };

export const TARGETS = ["k3d", "gke", "eks", "doks", "hetzner", "existing"] as const;
export type Target = (typeof TARGETS)[number];

/** Targets that run Postgres only inside the cluster (no managed database service). */
export const IN_CLUSTER_ONLY_TARGETS: readonly Target[] = ["k3d", "hetzner", "existing"];

export const NODE_SIZES = ["small", "medium", "large"] as const;
export type NodeSize = (typeof NODE_SIZES)[number];

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const dnsLabel = (max: number) =>
    z
        .string()
        .max(max, `must be at most ${max} characters`)
        .regex(DNS_LABEL, "must be a DNS-1123 label: lower-case letters, digits and '-', starting with a letter");

// Postgres identifiers are interpolated into bootstrap SQL, so only this safe subset is accepted.
const PG_IDENTIFIER = /^[a-z][a-z0-9_]*$/;
const pgIdentifier = z
    .string()
    .max(63, "must be at most 63 characters")
    .regex(PG_IDENTIFIER, "must be lower-case letters, digits and '_', starting with a letter");

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const envName = z.string().regex(ENV_NAME, "must be a valid environment variable name");


// Images must be reproducible: a tag other than "latest", or a digest.
export function isPinnedImage(ref: string): boolean {
    if (/\s/.test(ref) || ref.length === 0) return false;
    const [name, digest] = ref.split("@");
    if (digest !== undefined) return /^sha256:[a-f0-9]{64}$/.test(digest);
    const lastSegment = name.slice(name.lastIndexOf("/") + 1);
    const tag = lastSegment.includes(":") ? lastSegment.slice(lastSegment.indexOf(":") + 1) : undefined;
    return tag !== undefined && tag !== "latest" && /^[\w][\w.-]{0,127}$/.test(tag);
}
const pinnedImage = z.string().refine(isPinnedImage, { message: "must be pinned to a tag (not latest) or a sha256 digest" });

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,63}$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti)$/;
const port = z.number().int().min(1).max(65535);

const nodesSchema = z
    .object({
        /** Minimum node count (autoscaler floor). */
        min: z.number().int().min(1).default(1),
        /** Maximum node count (autoscaler ceiling). */
        max: z.number().int().min(1).max(100).default(3),
        /** Node size; each target maps it to a machine type. */
        size: z.enum(NODE_SIZES).default("medium"),
    })
    .strict()
    .refine((n) => n.min <= n.max, { message: "min must not exceed max", path: ["min"] });

const clusterSchema = z
    .object({
        name: dnsLabel(40),
        kubernetesVersion: z.enum(KUBERNETES_VERSIONS as [KubernetesMinor, ...KubernetesMinor[]]).default(DEFAULT_KUBERNETES_VERSION),
        nodes: nodesSchema.default({}),
    })
    .strict();

const k3dSchema = z
    .object({
        servers: z.number().int().min(1).max(7).default(1),
        // Agents default to 0: after a host reboot k3d agents come back with a new IP and stay
        // NotReady, stranding their pods in Unknown (k3d issue 1637). Servers keep theirs.
        agents: z.number().int().min(0).max(9).default(0),
        /** Host folder that holds every PVC's data; survives restarts and cluster re-creation. */
        dataDir: z.string().regex(/^(~|\/)/, "must be an absolute path (or start with ~)").optional(),
        httpPort: port.default(8080),
        httpsPort: port.default(8443),
        /** Host address the gateway ports are published on; 0.0.0.0 shares the apps with the local network. */
        hostIP: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/, "must be an IPv4 address such as 127.0.0.1").default("127.0.0.1"),
        apiPort: port.default(6550),
        /** A fixed Docker subnet keeps node IPs stable across restarts. */
        subnet: z
            .string()
            .regex(/^\d{1,3}(\.\d{1,3}){3}\/(1[6-9]|2[0-8])$/, "must be an IPv4 CIDR from /16 to /28")
            .default("172.28.0.0/16"),
    })
    .strict();

const existingSchema = z
    .object({
        /** The kubeconfig context to deploy into. */
        context: z.string().min(1),
        /** Path of the kubeconfig file; defaults to $KUBECONFIG or ~/.kube/config. */
        kubeconfig: z.string().min(1).optional(),
        /**
         * Where data volumes go. Required: a cluster's default class usually reclaims with Delete,
         * which would take the data with a deleted claim. Either a class the cluster already has
         * with reclaimPolicy Retain, or a provisioner for which Slipway creates one.
         */
        storage: z.union([
            z.object({ retainedClass: dnsLabel(63) }).strict(),
            z
                .object({
                    /** CSI driver / provisioner name, e.g. rancher.io/local-path (kind), ebs.csi.aws.com. */
                    provisioner: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(\/[-a-z0-9.]+)?$/, "must be a provisioner name such as rancher.io/local-path"),
                    parameters: z.record(z.string(), z.string()).default({}),
                    allowVolumeExpansion: z.boolean().default(false),
                })
                .strict(),
        ]),
        gateway: z
            .object({
                /**
                 * Install Traefik and the Gateway API CRDs (they are then Slipway's: `pulumi destroy`
                 * removes them), or use the Gateway controller a shared cluster already runs.
                 */
                install: z.boolean().default(true),
                /**
                 * How the installed Traefik is reached: NodePort (default: works on any cluster and
                 * never leaves `pulumi up` waiting), LoadBalancer (clusters with a load-balancer
                 * controller), or ClusterIP (`kubectl port-forward` only).
                 */
                exposure: z.enum(["NodePort", "LoadBalancer", "ClusterIP"]).default("NodePort"),
                /** NodePorts for HTTP and HTTPS (exposure NodePort), in the cluster's default range. */
                nodePorts: z
                    .object({ http: z.number().int().min(30000).max(32767).default(30080), https: z.number().int().min(30000).max(32767).default(30443) })
                    .strict()
                    .default({}),
                /** GatewayClass of the cluster's own controller (when install is false). */
                className: dnsLabel(63).default("traefik"),
                /** Namespace its data-plane pods run in; NetworkPolicies admit gateway traffic from it. */
                namespace: dnsLabel(63).default("traefik"),
                /** Listener ports the controller serves (Traefik's entryPoints are 8000/8443). */
                httpPort: port.optional(),
                httpsPort: port.optional(),
            })
            .strict()
            .refine((g) => !g.install || (g.className === "traefik" && g.namespace === "traefik" && g.httpPort === undefined && g.httpsPort === undefined), {
                message: "className, namespace and ports describe a controller the cluster already runs; set install: false to use them",
            })
            .refine((g) => g.nodePorts.http !== g.nodePorts.https, { message: "nodePorts.http and nodePorts.https must differ", path: ["nodePorts"] })
            .default({}),
    })
    .strict();

const GCP_PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const GCP_REGION = /^[a-z]+-[a-z]+[0-9]+$/;
const gkeSchema = z
    .object({
        project: z.string().regex(GCP_PROJECT, "must be a GCP project id: 6-30 lower-case letters, digits and '-'"),
        region: z
            .string()
            .regex(GCP_REGION, "must be a GCP region such as us-central1 (a zone such as us-central1-a is not a region)"),
        /** GKE release channel; REGULAR gets patches a few weeks after RAPID has proven them. */
        releaseChannel: z.enum(["RAPID", "REGULAR", "STABLE"]).default("REGULAR"),
        /** CIDRs allowed to reach the control plane's public endpoint (where Pulumi and kubectl run). */
        masterAuthorizedNetworks: z
            .array(
                z
                    .object({
                        cidr: z
                            .string()
                            .regex(/^\d{1,3}(\.\d{1,3}){3}\/([0-9]|[12][0-9]|3[0-2])$/, "must be an IPv4 CIDR such as 203.0.113.0/24")
                            .refine((c) => !c.endsWith("/0"), { message: "must not open the control plane to the whole internet" }),
                        name: z.string().min(1).max(100),
                    })
                    .strict(),
            )
            .default([]),
    })
    .strict();

const regionOnly = z.object({ region: z.string().min(1) }).strict();

const hetznerSchema = z
    .object({
        locations: z.array(z.string().min(1)).min(1).default(["fsn1", "nbg1", "hel1"]),
        controlPlanes: z.number().int().min(1).default(3),
        workers: z.number().int().min(0).default(2),
    })
    .strict();

const databaseEntry = z
    .object({
        name: pgIdentifier,
        /** Role that owns the database; defaults to the database name. */
        user: pgIdentifier.optional(),
    })
    .strict();

const backupSchema = z
    .object({
        enabled: z.boolean().default(true),
        schedule: z
            .string()
            .regex(/^(\S+\s+){4}\S+$/, "must be a five-field cron expression")
            .default("0 3 * * *"),
        /** How many dumps to keep. */
        keep: z.number().int().min(1).max(365).default(7),
        storageGb: z.number().int().min(1).max(16384).default(10),
    })
    .strict();

const poolSchema = z
    .object({
        mode: z.enum(["transaction", "session", "statement"]).default("transaction"),
        defaultPoolSize: z.number().int().min(1).max(1000).default(20),
        maxClientConn: z.number().int().min(1).max(100000).default(500),
        replicas: z.number().int().min(1).max(10).default(2),
    })
    .strict();

const databaseSchema = z
    .object({
        mode: z.enum(["managed", "in-cluster"]).optional(),
        version: z.enum(POSTGRES_VERSIONS as [PostgresMajor, ...PostgresMajor[]]).default("16"),
        /** Server size: pod resources in-cluster, machine tier when managed. */
        size: z.enum(NODE_SIZES).default("small"),
        storageGb: z.number().int().min(1).max(65536).default(10),
        /** Managed: the disk grows by itself up to this (default 4 x storageGb). */
        maxStorageGb: z.number().int().min(1).max(65536).optional(),
        highAvailability: z.boolean().default(false),
        pooler: z.boolean().default(true),
        pool: poolSchema.default({}),
        databases: z.array(databaseEntry).min(1),
        backup: backupSchema.default({}),
    })
    .strict();

const cacheSchema = z
    .object({
        mode: z.enum(["managed", "in-cluster"]).default("in-cluster"),
        version: z.enum(["7"]).default("7"),
        storageGb: z.number().int().min(1).max(1024).default(1),
        memoryMb: z.number().int().min(64).max(65536).default(256),
    })
    .strict();

const secretSource = z.union([
    z.object({ generate: z.object({ length: z.number().int().min(16).max(256).default(50) }).strict() }).strict(),
    z.object({ config: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, "must be a config key name") }).strict(),
]);

const appSchema = z
    .object({
        name: dnsLabel(30),
        kind: z.enum(["web", "worker", "stateful"]),
        image: pinnedImage,
        port: port.optional(),
        replicas: z.number().int().min(0).max(100).default(1),
        size: z.enum(NODE_SIZES).default("small"),
        command: z.array(z.string()).optional(),
        args: z.array(z.string()).optional(),
        env: z.record(envName, z.string()).default({}),
        secretEnv: z.record(envName, secretSource).default({}),
        /** A database from slipway:database.databases; the app gets DATABASE_URL by Secret. */
        database: z.string().optional(),
        /** Whether the app gets REDIS_URL (needs slipway:cache). */
        cache: z.boolean().default(false),
        /** Other apps this one calls; each gets a NetworkPolicy allow. */
        connectsTo: z.array(z.string()).default([]),
        ingress: z
            .object({
                host: z.string().regex(HOSTNAME, "must be a fully qualified host name"),
                path: z.string().regex(/^\//, "must start with /").default("/"),
                tls: z.boolean().default(false),
            })
            .strict()
            .optional(),
        health: z
            .object({
                /** HTTP path for probes; without it probes check the TCP port. */
                path: z.string().regex(/^\//, "must start with /").optional(),
                /**
                 * Host header of HTTP probes. Defaults to the app's ingress host: the kubelet sends
                 * the pod IP otherwise, which Django's ALLOWED_HOSTS answers with 400.
                 */
                host: z.string().regex(/^(?=.{1,253}$)[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be a host name such as localhost or shop.example.com").optional(),
                /** Command for probes of apps without a port (a Celery worker's ping). */
                command: z.array(z.string()).min(1).optional(),
                /** Seconds a slow start may take before liveness applies. */
                startupSeconds: z.number().int().min(10).max(3600).default(120),
            })
            .strict()
            .default({}),
        migrate: z.object({ command: z.array(z.string()).min(1) }).strict().optional(),
        storage: z
            .object({
                size: z.string().regex(QUANTITY, "must be a quantity such as 1Gi").default("1Gi"),
                mountPath: z.string().regex(/^\//, "must be an absolute path").default("/data"),
            })
            .strict()
            .optional(),
        runAsUser: z.number().int().min(1).max(2147483647).default(10001),
        readOnlyRootFilesystem: z.boolean().default(true),
    })
    .strict();

const rootSchema = z
    .object({
        target: z.enum(TARGETS),
        cluster: clusterSchema,
        namespace: dnsLabel(63).optional(),
        k3d: k3dSchema.optional(),
        existing: existingSchema.optional(),
        gke: gkeSchema.optional(),
        eks: regionOnly.optional(),
        doks: regionOnly.optional(),
        hetzner: hetznerSchema.optional(),
        database: databaseSchema.optional(),
        cache: cacheSchema.optional(),
        apps: z.array(appSchema).default([]),
    })
    .strict();

type Parsed = z.infer<typeof rootSchema>;
export type AppConfig = z.infer<typeof appSchema>;
export type SecretSource = z.infer<typeof secretSource>;
export type DatabaseConfig = z.infer<typeof databaseSchema> & { mode: "managed" | "in-cluster" };
export type CacheConfig = z.infer<typeof cacheSchema>;
export type K3dConfig = z.infer<typeof k3dSchema>;
export type ExistingConfig = z.infer<typeof existingSchema>;
export type GkeConfig = z.infer<typeof gkeSchema>;
export type ClusterConfig = z.infer<typeof clusterSchema>;

/** The validated stack config, with every default applied. */
export interface SlipwayConfig extends Omit<Parsed, "database" | "namespace" | "k3d"> {
    /** The stack name (`pulumi stack`), used for labels and default names. */
    readonly stack: string;
    readonly namespace: string;
    readonly k3d?: K3dConfig;
    readonly database?: DatabaseConfig;
}

/** Top-level keys of the `slipway:` namespace that Slipway itself reads. */
export const CONFIG_KEYS = Object.keys(rootSchema.shape) as (keyof Parsed)[];

export class ConfigError extends Error {
    constructor(public readonly problems: string[]) {
        super(`Invalid Slipway stack config:\n  ${problems.join("\n  ")}`);
        this.name = "ConfigError";
    }
}

/** What parseConfig needs besides the raw values: which extra keys hold secrets. */
export interface ConfigContext {
    readonly stack: string;
    /** Names (without `slipway:`) of keys stored as secrets (`pulumi config set --secret`). */
    readonly secretKeys: ReadonlySet<string>;
}

type Path = (string | number)[];

/** `slipway:apps[0].port` style key path, as the user writes it with `pulumi config set --path`. */
export function keyPath(path: Path): string {
    let out = "slipway:";
    path.forEach((p, i) => {
        out += typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`;
    });
    return out;
}

function valueAt(raw: unknown, path: Path): unknown {
    return path.reduce<unknown>((v, p) => (v !== null && typeof v === "object" ? (v as any)[p] : undefined), raw);
}

function describe(value: unknown): string {
    return value === undefined ? "nothing" : JSON.stringify(value);
}

/** An env value is never repeated in a message: it may be a credential typed in the wrong place. */
function describeAt(raw: unknown, path: Path): string {
    const i = path.indexOf("env");
    if (i >= 0 && path.length > i + 1) return "a value (not shown)";
    return describe(valueAt(raw, path));
}

// Walks the schema to the object at `path` so an unknown-key error can list the allowed keys.
function allowedKeysAt(schema: z.ZodTypeAny, path: Path): string[] {
    let s: z.ZodTypeAny = schema;
    for (const p of [...path, undefined]) {
        for (;;) {
            if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap();
            else if (s instanceof z.ZodDefault) s = s._def.innerType;
            else if (s instanceof z.ZodEffects) s = s.innerType();
            else break;
        }
        if (p === undefined) break;
        if (s instanceof z.ZodArray) s = s.element;
        else if (s instanceof z.ZodObject) s = s.shape[p as string];
        else if (s instanceof z.ZodRecord) s = s.valueSchema;
        else return [];
        if (!s) return [];
    }
    return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

const SECRET_SOURCE_CHOICES = "{ generate: { length } } or { config: <secret config key> }";
const STORAGE_CHOICES =
    "{ retainedClass: <a StorageClass of the cluster with reclaimPolicy Retain> } or { provisioner: <e.g. rancher.io/local-path>, parameters?: {...} } (Slipway then creates a Retain class)";

function formatIssue(raw: unknown, issue: z.ZodIssue): string[] {
    if (issue.code === "unrecognized_keys") {
        const allowed = allowedKeysAt(rootSchema, issue.path);
        return issue.keys.map(
            (k) => `${keyPath([...issue.path, k])}: unknown key (got ${describeAt(raw, [...issue.path, k])}); allowed keys: ${allowed.join(", ")}`,
        );
    }
    if (issue.code === "invalid_union") {
        const value = valueAt(raw, issue.path);
        const hint = issue.path[issue.path.length - 1] === "storage" ? STORAGE_CHOICES : SECRET_SOURCE_CHOICES;
        return [`${keyPath(issue.path)}: ${value === undefined ? "required" : `got ${describe(value)}`}; expected ${hint}`];
    }
    return [`${keyPath(issue.path)}: ${issue.message} (got ${describeAt(raw, issue.path)})`];
}

/**
 * Parses the raw `slipway:*` config (keys without the `slipway:` prefix, values already JSON-decoded)
 * into a validated SlipwayConfig, or throws one ConfigError listing every problem.
 */
export function parseConfig(raw: Record<string, unknown>, ctx: ConfigContext): SlipwayConfig {
    const referencedSecrets = secretKeysReferenced(raw);
    const own: Record<string, unknown> = {};
    const problems: string[] = [];
    for (const [k, v] of Object.entries(raw)) {
        if ((CONFIG_KEYS as string[]).includes(k)) own[k] = v;
        else if (!referencedSecrets.has(k)) {
            problems.push(`${keyPath([k])}: unknown key (got ${describe(v)}); allowed keys: ${CONFIG_KEYS.join(", ")}, or a secret named by an app's secretEnv`);
        }
    }
    const result = rootSchema.safeParse(own);
    if (!result.success) {
        problems.push(...result.error.issues.flatMap((i) => formatIssue(own, i)));
        throw new ConfigError(problems);
    }
    problems.push(...crossFieldProblems(result.data, raw, ctx));
    if (problems.length > 0) throw new ConfigError(problems);
    return withDefaults(result.data, ctx);
}

function secretKeysReferenced(raw: Record<string, unknown>): Set<string> {
    const keys = new Set<string>();
    const apps = Array.isArray(raw.apps) ? raw.apps : [];
    for (const app of apps) {
        const secretEnv = (app as any)?.secretEnv;
        if (secretEnv && typeof secretEnv === "object") {
            for (const source of Object.values(secretEnv)) {
                if (typeof (source as any)?.config === "string") keys.add((source as any).config);
            }
        }
    }
    return keys;
}

// Names a service may not take: system databases, the superuser, and Postgres' reserved role prefix.
const RESERVED_DATABASES = ["postgres", "template0", "template1"];
const RESERVED_ROLES = ["postgres", "public"];

// Env names Slipway injects itself; an app must not set them by hand.
const INJECTED_ENV = ["DATABASE_URL", "PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD", "REDIS_URL"];

function crossFieldProblems(c: Parsed, raw: Record<string, unknown>, ctx: ConfigContext): string[] {
    const problems: string[] = [];
    const targetSection = c.target === "existing" ? c.existing : (c as any)[c.target];
    if (targetSection === undefined && c.target !== "k3d" && c.target !== "hetzner") {
        problems.push(`${keyPath([c.target])}: required when slipway:target is "${c.target}" (got nothing)`);
    }
    for (const t of TARGETS) {
        if (t !== c.target && (c as any)[t] !== undefined) {
            problems.push(`${keyPath([t])}: only read when slipway:target is "${t}", but target is "${c.target}"; remove it`);
        }
    }
    if (c.database?.mode === "managed" && IN_CLUSTER_ONLY_TARGETS.includes(c.target)) {
        problems.push(
            `slipway:database.mode: got "managed"; target "${c.target}" has no managed Postgres, allowed: "in-cluster"`,
        );
    }
    const inClusterDatabase = c.database && (c.database.mode === "in-cluster" || (c.database.mode === undefined && IN_CLUSTER_ONLY_TARGETS.includes(c.target)));
    if (inClusterDatabase && c.database!.highAvailability) {
        problems.push(`slipway:database.highAvailability: got true; in-cluster Postgres runs a single replica, allowed: false (or mode "managed" on a cloud target)`);
    }
    if (c.cache?.mode === "managed" && IN_CLUSTER_ONLY_TARGETS.includes(c.target)) {
        problems.push(`slipway:cache.mode: got "managed"; target "${c.target}" has no managed Redis, allowed: "in-cluster"`);
    }
    if (c.database?.maxStorageGb !== undefined && c.database.maxStorageGb < c.database.storageGb) {
        problems.push(`slipway:database.maxStorageGb: got ${c.database.maxStorageGb}, below storageGb (${c.database.storageGb}); allowed: at least storageGb`);
    }
    const dbNames = (c.database?.databases ?? []).map((d) => d.name);
    duplicates(dbNames).forEach((name) =>
        problems.push(`slipway:database.databases: database name "${name}" is declared more than once`),
    );
    (c.database?.databases ?? []).forEach((d, i) => {
        if (RESERVED_DATABASES.includes(d.name)) problems.push(`slipway:database.databases[${i}].name: got "${d.name}"; reserved by Postgres, choose another name`);
        const user = d.user ?? d.name;
        if (RESERVED_ROLES.includes(user) || user.startsWith("pg_")) problems.push(`slipway:database.databases[${i}].user: got "${user}"; reserved by Postgres (postgres, public, pg_*), choose another name`);
    });
    const users = (c.database?.databases ?? []).map((d) => d.user ?? d.name);
    duplicates(users).forEach((u) =>
        problems.push(`slipway:database.databases: user "${u}" owns more than one database; each service gets its own user`),
    );
    const appNames = c.apps.map((a) => a.name);
    duplicates(appNames).forEach((name) => problems.push(`slipway:apps: app name "${name}" is used more than once`));
    const hosts = c.apps.flatMap((a) => (a.ingress ? [`${a.ingress.host}${a.ingress.path}`] : []));
    duplicates(hosts).forEach((h) => problems.push(`slipway:apps: ingress ${h} is routed to more than one app`));

    c.apps.forEach((app, i) => {
        const at = (...p: Path) => keyPath(["apps", i, ...p]);
        if (app.database !== undefined && !dbNames.includes(app.database)) {
            problems.push(
                `${at("database")}: got "${app.database}"; allowed: a name from slipway:database.databases (${dbNames.join(", ") || "none declared"})`,
            );
        }
        if (app.cache && c.cache === undefined) problems.push(`${at("cache")}: got true, but slipway:cache is not configured`);
        if ((app.kind === "web" || app.kind === "stateful") && app.port === undefined) {
            problems.push(`${at("port")}: required for kind "${app.kind}" (got nothing); allowed: 1-65535`);
        }
        if (app.ingress && app.kind !== "web") {
            problems.push(`${at("ingress")}: only kind "web" is routed from the gateway (kind is "${app.kind}")`);
        }
        if (app.storage && app.kind !== "stateful") {
            problems.push(`${at("storage")}: only kind "stateful" has volumes (kind is "${app.kind}")`);
        }
        if (app.kind === "worker" && app.port === undefined && app.health.command === undefined) {
            problems.push(`${at("health", "command")}: required for a worker without a port, so its container has probes (got nothing)`);
        }
        if (app.health.command && app.port !== undefined && app.health.path !== undefined) {
            problems.push(`${at("health")}: give either path or command, not both`);
        }
        if (app.health.host !== undefined && app.health.path === undefined) {
            problems.push(`${at("health", "host")}: got "${app.health.host}", but only HTTP probes send a Host header; set health.path too`);
        }
        app.connectsTo.forEach((peer, j) => {
            if (!appNames.includes(peer) || peer === app.name) {
                problems.push(`${at("connectsTo", j)}: got "${peer}"; allowed: another app's name (${appNames.filter((n) => n !== app.name).join(", ")})`);
            }
        });
        for (const [name, value] of Object.entries(app.env)) {
            const reason = credentialReason(name, value);
            if (reason) {
                const key = suggestedSecretKey(name);
                problems.push(
                    `${at("env", name)}: looks like a credential (${reason}); env values are plain text in the stack file and the pod spec. ` +
                        `Move it: \`pulumi config set --secret ${key} <value>\` and secretEnv: { ${name}: { config: ${key} } } (or { generate: {} } for a new random one)`,
                );
            }
        }
        for (const section of ["env", "secretEnv"] as const) {
            for (const name of Object.keys(app[section])) {
                if (INJECTED_ENV.includes(name)) problems.push(`${at(section, name)}: is set by Slipway from the database/cache; remove it`);
            }
        }
        for (const name of Object.keys(app.secretEnv)) {
            if (name in app.env) problems.push(`${at("secretEnv", name)}: also set in env; keep one`);
        }
        for (const [name, source] of Object.entries(app.secretEnv)) {
            if ("config" in source) {
                if (!(source.config in raw)) {
                    problems.push(`${at("secretEnv", name, "config")}: config key slipway:${source.config} is not set; run \`pulumi config set --secret ${source.config} <value>\``);
                } else if (!ctx.secretKeys.has(source.config)) {
                    problems.push(`${at("secretEnv", name, "config")}: slipway:${source.config} is stored in plain text; set it with \`pulumi config set --secret ${source.config} <value>\``);
                }
            }
        }
    });
    return problems;
}

function duplicates(values: string[]): string[] {
    return [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];
}

function withDefaults(c: Parsed, ctx: ConfigContext): SlipwayConfig {
    const managedByDefault = !IN_CLUSTER_ONLY_TARGETS.includes(c.target);
    return {
        ...c,
        stack: ctx.stack,
        namespace: c.namespace ?? c.cluster.name,
        k3d: c.target === "k3d" ? (c.k3d ?? k3dSchema.parse({})) : undefined,
        hetzner: c.target === "hetzner" ? (c.hetzner ?? hetznerSchema.parse({})) : undefined,
        database: c.database && { ...c.database, mode: c.database.mode ?? (managedByDefault ? "managed" : "in-cluster") },
    };
}

/** One runtime config value: structured values arrive as JSON text; scalars ("k3d", "1.31") stay strings. */
export function decodeConfigValue(key: string, text: string): unknown {
    if (!/^\s*[[{]/.test(text)) return text;
    try {
        return JSON.parse(text);
    } catch (e) {
        throw new ConfigError([`${key}: got ${JSON.stringify(text)}, which is not valid structured config (${(e as Error).message}); allowed: a YAML object or list in the stack file`]);
    }
}

/** Reads the stack's `slipway:*` config from the Pulumi runtime and validates it. */
export function readStackConfig(stack: string, all: Record<string, string>, isSecret: (key: string) => boolean): SlipwayConfig {
    const raw: Record<string, unknown> = {};
    const secretKeys = new Set<string>();
    for (const [fullKey, value] of Object.entries(all)) {
        if (!fullKey.startsWith("slipway:")) continue;
        const key = fullKey.slice("slipway:".length);
        if (isSecret(fullKey)) {
            // Only presence matters here; a secret's value must never reach an error message.
            secretKeys.add(key);
            raw[key] = "[secret]";
        } else {
            raw[key] = decodeConfigValue(fullKey, value);
        }
    }
    return parseConfig(raw, { stack, secretKeys });
}
