// Slipway: one program, many stacks. The stack's config picks the cluster target; the same
// platform and apps land on it (DESIGN.md). Data flows one way: config -> cluster -> platform -> apps.
import * as pulumi from "@pulumi/pulumi";
import { readStackConfig } from "./config";
import { deployApps } from "./components/apps/apps";
import { Database } from "./components/data/database";
import { ManagedEgress } from "./components/data/managed-egress";
import { Redis } from "./components/data/redis";
import { Platform } from "./components/platform/platform";
import { createCluster, targetProblems } from "./providers";
import { PRICE_TABLES } from "./providers/prices";
import { CostLedger } from "./lib/cost-ledger";
import { appUrl } from "./lib/contracts";
import { skipMappingPromiseDebugStacks } from "./lib/stack-traces";

skipMappingPromiseDebugStacks();
// Components send no inputs to the engine (@pulumi/pulumi resource.ts reads this variable for each
// ComponentResource; CHANGELOG 3.206.0). Their args are providers, Outputs and callbacks, which the SDK
// would serialize for every component and, on `up`, rebuild as live resources one engine call each; a
// component's children carry every real change, so previews lose nothing. It also keeps secrets that
// pass through args out of the components' state. A stack deployed before shows each component as an
// update once (inputs -> none); nothing is replaced.
process.env.PULUMI_NODEJS_SKIP_COMPONENT_INPUTS ??= "1";

// isConfigSecret is the runtime's own record of `pulumi config set --secret` keys.
const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(k: string): boolean };
const cfg = readStackConfig(pulumi.getStack(), pulumi.runtime.allConfig(), isConfigSecret, targetProblems);
const slipwayConfig = new pulumi.Config("slipway");

// Every top-level component records what it registers, for the costEstimate output.
const costs = new CostLedger();
const recorded = { transformations: [costs.record] };

const cluster = createCluster(cfg, recorded);

const platform = new Platform(cfg.cluster.name, {
    provider: cluster.provider,
    retainedProvider: cluster.retainedProvider,
    namespace: cfg.namespace,
    kubernetesVersion: cfg.cluster.kubernetesVersion,
    gateway: cluster.gateway,
    installGatewayApiCrds: cluster.gateway.installController,
    // One certificate per host, however many apps route paths of it.
    tlsHosts: [...new Set(cfg.apps.flatMap((a) => (a.ingress?.tls ? [a.ingress.host] : [])))],
    dependsOn: cluster.ready,
    blockedEgress: cluster.blockedEgress,
}, recorded);

/** The off-site copy of the backups, its key pair read from the secret config keys it names. */
function offsiteBackup(o: NonNullable<NonNullable<typeof cfg.database>["backup"]["offsite"]> | undefined) {
    return o && { endpoint: o.endpoint, bucket: o.bucket, region: o.region, accessKey: slipwayConfig.requireSecret(o.accessKeyConfig), secretKey: slipwayConfig.requireSecret(o.secretKeyConfig) };
}

// Data layer: decided from plain config, never from an Output, so previews show every resource.
const database = cfg.database
    ? new Database(`${cfg.cluster.name}-db`, {
          config: cfg.database,
          namespace: platform.namespace,
          provider: cluster.provider,
          storageClass: cluster.retainedStorageClass,
          managed: cluster.managedDatabase,
          retainedProvider: cluster.retainedProvider,
          dependsOn: platform.ready,
          offsite: offsiteBackup(cfg.database.backup.offsite),
      }, recorded)
    : undefined;
const cache = cfg.cache
    ? new Redis(`${cfg.cluster.name}-cache`, {
          cache: cfg.cache,
          managed: cluster.managedCache,
          namespace: platform.namespace,
          provider: cluster.provider,
          storageClass: cluster.retainedStorageClass,
          dependsOn: platform.ready,
      }, recorded)
    : undefined;

// Managed services on private IPs: only their clients in the namespace may reach them.
const managedAccess = [database?.managedAccess, cache?.managedAccess].filter((a) => a !== undefined);
if (managedAccess.length > 0) {
    new ManagedEgress(`${cfg.cluster.name}-managed-egress`, { namespace: platform.namespace, provider: cluster.provider, services: managedAccess, dependsOn: platform.ready }, recorded);
}

const apps = deployApps({
    apps: cfg.apps,
    namespace: platform.namespace,
    provider: cluster.provider,
    storageClass: cluster.retainedStorageClass,
    gateway: platform.gateway,
    envFrom: (app) => [...(app.database ? [database!.connections[app.database]] : []), ...(app.cache ? [cache!.url] : [])],
    migrateEnvFrom: (app) => [...(app.database ? [database!.migrations[app.database]] : []), ...(app.cache ? [cache!.url] : [])],
    secretConfig: (key) => slipwayConfig.requireSecret(key),
    dependsOn: [...platform.ready, ...(database?.ready ?? [])],
}, recorded);

export const target = cfg.target;
export const clusterName = cluster.name;
export const kubeconfig = cluster.kubeconfig;
export const namespace = platform.namespace;
export const appServices = Object.fromEntries(Object.entries(apps).map(([name, app]) => [name, app.serviceName]));
export const urls = Object.fromEntries(cfg.apps.filter((a) => a.ingress).map((a) => [a.name, appUrl(a.ingress!, cluster.publicPorts)]));
/** Per-service connection Secret names (DATABASE_URL etc.), for apps outside Slipway. */
export const databaseSecrets = database?.connectionSecrets;
/** Where the database server is and an admin login, for `npm run migrate-data` (secret). */
export const databaseAdmin = database
    ? pulumi.secret({
          host: database.server.host,
          port: database.server.port,
          user: database.server.admin.user,
          password: database.server.admin.password,
          database: database.server.admin.database,
          sslmode: database.server.sslMode,
          caCertificate: database.server.caCertificate,
      })
    : undefined;
export const databases = cfg.database?.databases.map((d) => d.name);
/** The kubeconfig context (and file) of an existing cluster, for `npm run migrate-data`'s kubectl. */
export const kubeContext = cfg.existing?.context;
export const kubeconfigPath = cfg.existing?.kubeconfig;
/** In-cluster Postgres: the Service `npm run migrate-data` port-forwards to (with kubeconfig and namespace). */
export const databaseService = cfg.database?.mode === "in-cluster" ? database!.server.host : undefined;
/** Monthly cost in USD from the dated price tables (the same figures `npm run plan` prints). */
export const costEstimate = costs.estimate(PRICE_TABLES);
