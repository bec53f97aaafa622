// doks target: a DigitalOcean Kubernetes cluster in its own VPC, VPC-native (pod and Service ranges
// Slipway chooses), with DO Managed PostgreSQL and Valkey for managed data and DO's managed Gateway
// API (Cilium) for traffic.
import { getKubernetesClusterOutput } from "@pulumi/digitalocean/getKubernetesCluster";
import { getKubernetesVersionsOutput } from "@pulumi/digitalocean/getKubernetesVersions";
import { KubernetesCluster } from "@pulumi/digitalocean/kubernetesCluster";
import { KubernetesNodePool } from "@pulumi/digitalocean/kubernetesNodePool";
import { Provider as DoProvider } from "@pulumi/digitalocean/provider";
import { Vpc } from "@pulumi/digitalocean/vpc";
import type * as k8s from "@pulumi/kubernetes";
import * as storagev1 from "@pulumi/kubernetes/storage/v1";
import * as pulumi from "@pulumi/pulumi";
import type { CacheConfig, DatabaseConfig, DoksConfig, SlipwayConfig } from "../../config";
import { ConfigError } from "../../config";
import type { ManagedCacheFactory } from "../../lib/cache-types";
import type { Cluster } from "../../lib/contracts";
import type { ManagedDatabaseFactory } from "../../lib/database-types";
import type { NodeSize } from "../../lib/schema";
import type { KubernetesMinor } from "../../versions";
import { kubernetesProviders } from "../kubernetes";
import { DOKS_GATEWAY } from "./gateway";
import { DoPostgres } from "./postgres";
import { DOKS_NODE_SLUGS, DOKS_SYSTEM_POOL, doksKubeconfig } from "./settings";
import { doksProblems } from "./validate";
import { DoValkey } from "./valkey";

/** DOKS's own default class (DO Block Storage, Delete); data gets Slipway's Retain twin below. */
export const DOKS_STORAGE_CLASS = "do-block-storage";
/**
 * Not DO's `do-block-storage-retain` (csi-digitalocean ships one; whether DOKS installs it is
 * unconfirmed, and creating an object of that name would collide if it does).
 */
export const DOKS_RETAINED_STORAGE_CLASS = "slipway-block-storage-retain";

/** How long the token the Kubernetes provider gets on each run lasts: a run's length, not 7 days. */
export const PROVIDER_TOKEN_SECONDS = 4 * 3600;

export interface DoksClusterArgs {
    readonly name: string;
    readonly doks: DoksConfig;
    readonly kubernetesVersion: KubernetesMinor;
    readonly nodes: { readonly min: number; readonly max: number; readonly size: NodeSize };
    readonly managedDatabase?: DatabaseConfig;
    readonly managedCache?: CacheConfig;
}

export class DoksCluster extends pulumi.ComponentResource implements Cluster {
    public readonly name: string;
    public readonly provider: k8s.Provider;
    public readonly retainedProvider: k8s.Provider;
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly storageClass = DOKS_STORAGE_CLASS;
    public readonly retainedStorageClass = DOKS_RETAINED_STORAGE_CLASS;
    public readonly gateway = DOKS_GATEWAY;
    public readonly ready: pulumi.Resource[];
    public readonly managedDatabase?: ManagedDatabaseFactory;
    public readonly managedCache?: ManagedCacheFactory;

    constructor(name: string, args: DoksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        const problems = doksProblems(args);
        if (problems.length > 0) throw new ConfigError(problems);
        super("slipway:cluster:DoksCluster", name, args, opts);
        this.name = args.name;
        const { region } = args.doks;
        // The API token from `digitalocean:token` (secret config) or DIGITALOCEAN_TOKEN, as for the default provider.
        const doProvider = new DoProvider(`${name}-do`, { token: new pulumi.Config("digitalocean").getSecret("token") }, { parent: this });
        const o = { parent: this, provider: doProvider };

        // DO refuses to delete a VPC while the deleted cluster's Droplets still sit in it (409 "Can not delete
        // VPC with members", terraform-provider-digitalocean#1368): give the cluster's teardown time.
        const vpc = new Vpc(`${name}-vpc`, { name: `${args.name}-vpc`, region, ipRange: args.doks.vpcCidr, description: `Slipway cluster ${args.name}` }, { ...o, customTimeouts: { delete: "30m" } });
        // The newest patch of the configured minor, never a fixed slug (a retired one fails creation, pulumi-digitalocean#437).
        const version = getKubernetesVersionsOutput({ versionPrefix: `${args.kubernetesVersion}.` }, o).latestVersion;
        const cluster = new KubernetesCluster(
            `${name}-cluster`,
            {
                name: args.name,
                region,
                version,
                vpcUuid: vpc.id,
                // Both set and not DO's overlay defaults: the cluster is VPC-native (doctl's help).
                clusterSubnet: args.doks.podCidr,
                serviceSubnet: args.doks.serviceCidr,
                // Only ever turned on: DOKS cannot turn HA off, and may turn it on itself from 1.36, so `false` is left unsaid.
                ha: args.doks.highAvailability ? true : undefined,
                autoUpgrade: true,
                surgeUpgrade: true,
                maintenancePolicy: { day: args.doks.maintenance.day, startTime: args.doks.maintenance.startTime },
                controlPlaneFirewall: args.doks.apiAllowedCidrs ? { enabled: true, allowedAddresses: args.doks.apiAllowedCidrs } : undefined,
                // Volumes and load balancers made through Kubernetes outlive a destroy: Retain means retain.
                destroyAllAssociatedResources: false,
                // The default pool never changes: a new slug here would replace the whole cluster.
                nodePool: { name: `${args.name}-system`, size: DOKS_SYSTEM_POOL.slug, autoScale: true, minNodes: DOKS_SYSTEM_POOL.minNodes, maxNodes: DOKS_SYSTEM_POOL.maxNodes, labels: { "slipway.dev/pool": "system" } },
                tags: ["slipway", `slipway-cluster-${args.name}`],
            },
            // Auto-upgrade moves the patch; the lookup must not look like a downgrade (which replaces) in a preview.
            { ...o, protect: true, ignoreChanges: ["version"] },
        );
        // The version is ignored after creation, so a new minor in the config is not applied by `up`: say so.
        cluster.version.apply((running) => {
            if (running && !running.startsWith(`${args.kubernetesVersion}.`)) {
                pulumi.log.warn(`DOKS cluster ${args.name} runs ${running}, slipway:cluster.kubernetesVersion asks ${args.kubernetesVersion}: upgrade one minor at a time with \`doctl kubernetes cluster upgrade ${args.name} --version <slug>\`, then \`pulumi refresh\` (README "Production on DigitalOcean")`, cluster);
            }
        });
        const slug = DOKS_NODE_SLUGS[args.nodes.size];
        // Named by slug: a new size makes a new pool before the old one drains and goes.
        const workers = new KubernetesNodePool(
            `${name}-workers-${slug}`,
            { clusterId: cluster.id, name: `${args.name}-${slug}`, size: slug, autoScale: true, minNodes: args.nodes.min, maxNodes: args.nodes.max, labels: { "slipway.dev/pool": "workers" } },
            { ...o, ignoreChanges: ["nodeCount"] },
        );

        this.kubeconfig = pulumi.secret(
            pulumi.all([cluster.id, cluster.endpoint, cluster.kubeConfigs]).apply(([id, endpoint, configs]) => doksKubeconfig(args.name, id, endpoint, configs[0]?.clusterCaCertificate ?? "")),
        );
        // Pulumi itself needs no doctl: a fresh short-lived token each run, read after the cluster exists.
        const fresh = getKubernetesClusterOutput({ name: cluster.name, kubeconfigExpireSeconds: PROVIDER_TOKEN_SECONDS }, { ...o, dependsOn: [cluster] });
        ({ provider: this.provider, retainedProvider: this.retainedProvider } = kubernetesProviders(
            `${name}-k8s`,
            // The cluster's ID, not the token, says which cluster: a new token each run replaces nothing,
            // and a replaced cluster (new ranges, region) gets every object created again.
            { kubeconfig: pulumi.secret(fresh.kubeConfigs.apply((c) => c[0]?.rawConfig ?? "")), clusterIdentifier: pulumi.interpolate`doks-${cluster.id}` },
            { parent: this, dependsOn: [workers] },
        ));
        this.ready = [retainedStorageClass(name, this.provider, this)];

        // Postgres and Valkey sit in the stack's VPC, admitting only this cluster and its pods.
        const placement = { name: args.name, region, vpcId: vpc.id, client: { clusterId: cluster.id, podCidr: args.doks.podCidr }, provider: doProvider, dependsOn: [cluster] };
        if (args.managedDatabase) {
            this.managedDatabase = (dbName, config, dbOpts) =>
                new DoPostgres(dbName, { ...placement, database: config }, dbOpts).endpoint;
        }
        if (args.managedCache) {
            this.managedCache = (cacheName, cache, cacheOpts) =>
                new DoValkey(cacheName, { ...placement, cache, standby: args.doks.highAvailability }, cacheOpts).endpoint;
        }
        this.registerOutputs({ kubeconfig: this.kubeconfig });
    }
}

/** DO Block Storage that stays when its claim goes, bound where the pod lands, expandable. */
function retainedStorageClass(name: string, provider: k8s.Provider, parent: pulumi.Resource): pulumi.Resource {
    return new storagev1.StorageClass(
        `${name}-block-retain`,
        {
            metadata: { name: DOKS_RETAINED_STORAGE_CLASS },
            provisioner: "dobs.csi.digitalocean.com",
            reclaimPolicy: "Retain",
            volumeBindingMode: "WaitForFirstConsumer",
            allowVolumeExpansion: true,
        },
        { parent, provider },
    );
}

function clusterArgs(cfg: SlipwayConfig): DoksClusterArgs {
    return {
        name: cfg.cluster.name,
        doks: cfg.doks!,
        kubernetesVersion: cfg.cluster.kubernetesVersion,
        nodes: cfg.cluster.nodes,
        managedDatabase: cfg.database?.mode === "managed" ? cfg.database : undefined,
        managedCache: cfg.cache?.mode === "managed" ? cfg.cache : undefined,
    };
}

/** What DOKS refuses in this config (parseConfig reports it with every other problem). */
export function configProblems(cfg: SlipwayConfig): string[] {
    return doksProblems(clusterArgs(cfg));
}

export function createCluster(cfg: SlipwayConfig, opts?: pulumi.ComponentResourceOptions): Cluster {
    return new DoksCluster(cfg.cluster.name, clusterArgs(cfg), opts);
}
