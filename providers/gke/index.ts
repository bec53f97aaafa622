// gke target (the prod stack): a regional, private GKE Standard cluster hardened the way
// terraform-google-modules' safer-cluster is, in its own VPC, with Cloud SQL on a private IP for
// `database.mode: managed`. The workloads above it are the same as on k3d.
import * as container from "@pulumi/gcp/container";
import * as projects from "@pulumi/gcp/projects";
import { Provider as GcpProvider } from "@pulumi/gcp/provider";
import type * as k8s from "@pulumi/kubernetes";
import * as storagev1 from "@pulumi/kubernetes/storage/v1";
import * as pulumi from "@pulumi/pulumi";
import type { DatabaseConfig, GkeConfig, NodeSize, SlipwayConfig } from "../../config";
import { ConfigError } from "../../config";
import type { ManagedCacheFactory } from "../../lib/cache-types";
import type { Cluster, GatewaySpec } from "../../lib/contracts";
import type { ManagedDatabaseFactory } from "../../lib/database-types";
import { kubernetesProviders } from "../kubernetes";
import { CloudSqlPostgres } from "./cloudsql";
import { googleGatewayAttachments } from "./gateway";
import { MemorystoreRedis } from "./memorystore";
import { GkeNetwork, POD_RANGE_NAME, SERVICE_RANGE_NAME } from "./network";
import { gkeNodeConfig, gkeNodePool, NodeServiceAccount } from "./nodes";
import { GkeSecretsEncryption } from "./secrets-encryption";
import { GKE_GATEWAY, GKE_MAINTENANCE_WINDOW, GKE_RETAINED_STORAGE_CLASS, GKE_STORAGE_CLASS, gkeKubeconfig, requiredApis } from "./settings";
import { gkeProblems } from "./validate";
import { checkedVersionFloor } from "./version";

export { gkeKubeconfig, gkeProblems };
export { GOOGLE_LB_SOURCE_RANGES } from "./settings";

export interface GkeClusterArgs {
    /** GKE cluster name; also prefixes the VPC, node SA and other GCP names. */
    readonly name: string;
    readonly gke: GkeConfig;
    /** Kubernetes minor: a floor the release channel's default must meet (the channel picks the version). */
    readonly kubernetesVersion: string;
    readonly nodes: { readonly min: number; readonly max: number; readonly size: NodeSize };
    /** The stack's database config, when `mode: managed` (enables Cloud SQL). */
    readonly managedDatabase?: DatabaseConfig;
    /** Whether `slipway:cache.mode` is managed (enables the Memorystore API). */
    readonly managedCache?: boolean;
}

export class GkeCluster extends pulumi.ComponentResource implements Cluster {
    public readonly name: string;
    public readonly provider: k8s.Provider;
    public readonly retainedProvider: k8s.Provider;
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly storageClass = GKE_STORAGE_CLASS;
    public readonly retainedStorageClass = GKE_RETAINED_STORAGE_CLASS;
    public readonly gateway: GatewaySpec;
    public readonly managedDatabase?: ManagedDatabaseFactory;
    /** Memorystore for `cache.mode: managed` (see memorystore.ts). */
    public readonly managedCache?: ManagedCacheFactory;
    public readonly ready: pulumi.Resource[];
    /** The explicit GCP provider every GCP resource of the stack uses. */
    public readonly gcpProvider: GcpProvider;
    public readonly network: GkeNetwork;
    public readonly cluster: container.Cluster;
    public readonly nodePool: container.NodePool;

    constructor(name: string, args: GkeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validated before super(): a bad config registers nothing at all.
        const problems = gkeProblems(args);
        if (problems.length > 0) throw new ConfigError(problems);
        super("slipway:cluster:GkeCluster", name, args, opts);
        this.name = args.name;
        const { project, region } = args.gke;

        this.gcpProvider = new GcpProvider(
            `${name}-gcp`,
            { project, region, defaultLabels: { "managed-by": "pulumi", "slipway-cluster": args.name } },
            { parent: this },
        );
        const gcpOpts = { parent: this, provider: this.gcpProvider };

        // Never disabled on destroy: other workloads in the project may rely on them.
        const apiByName = Object.fromEntries(
            requiredApis(args.managedDatabase !== undefined, args.managedCache === true).map((service) => [
                service,
                new projects.Service(`${name}-api-${service.split(".")[0]}`, { service, disableOnDestroy: false }, gcpOpts),
            ]),
        );
        const apis = Object.values(apiByName);
        this.gateway = {
            ...GKE_GATEWAY,
            attachments: googleGatewayAttachments(args.name, { ...gcpOpts, dependsOn: [apiByName["certificatemanager.googleapis.com"], apiByName["compute.googleapis.com"]] }),
        };

        this.network = new GkeNetwork(`${name}-network`, { clusterName: args.name, region, provider: this.gcpProvider, dependsOn: apis }, { parent: this });
        const encryption = new GkeSecretsEncryption(
            `${name}-secrets-encryption`,
            { project, region, clusterName: args.name, provider: this.gcpProvider, dependsOn: [apiByName["cloudkms.googleapis.com"], apiByName["container.googleapis.com"]] },
            { parent: this },
        );
        const nodeIdentity = new NodeServiceAccount(
            `${name}-node-sa`,
            { project, clusterName: args.name, provider: this.gcpProvider, dependsOn: apis },
            { parent: this },
        );

        this.cluster = new container.Cluster(
            `${name}-cluster`,
            {
                name: args.name,
                location: region,
                network: this.network.networkId,
                subnetwork: this.network.subnetworkId,
                networkingMode: "VPC_NATIVE",
                ipAllocationPolicy: { clusterSecondaryRangeName: POD_RANGE_NAME, servicesSecondaryRangeName: SERVICE_RANGE_NAME },
                // No initial version: the channel picks its default (a pinned one goes stale and GKE
                // refuses it); the label records the floor that default was checked against.
                releaseChannel: { channel: args.gke.releaseChannel },
                resourceLabels: {
                    "slipway-kubernetes-floor": checkedVersionFloor(args.kubernetesVersion, args.gke.releaseChannel, { project, region }, {
                        provider: this.gcpProvider,
                        parent: this,
                        // GKE answers only once its API is on (a fresh project's first preview would get a 403).
                        dependsOn: [apiByName["container.googleapis.com"]],
                    }).apply(
                        (floor) => floor.replace(".", "-"),
                    ),
                },
                // Private nodes, the current way (no peering range for the control plane: GKE's
                // network-isolation docs replace the private-cluster model). People and CI reach the
                // control plane through its DNS endpoint, which IAM guards (container.clusters.connect),
                // from anywhere Google's APIs are reachable: no CIDR allow-list to keep up to date.
                privateClusterConfig: {
                    enablePrivateNodes: true,
                    // No CIDRs configured: no public IP endpoint at all (the DNS endpoint is the way in).
                    enablePrivateEndpoint: args.gke.masterAuthorizedNetworks.length === 0,
                },
                controlPlaneEndpointsConfig: {
                    dnsEndpointConfig: { allowExternalTraffic: true },
                    ipEndpointsConfig: { enabled: true },
                },
                // Applies to the IP endpoints: the configured CIDRs, never Google Compute Engine's public IPs
                // (an empty list still admits those unless this is false). Nodes always reach it.
                masterAuthorizedNetworksConfig: {
                    cidrBlocks: args.gke.masterAuthorizedNetworks.map((n) => ({ cidrBlock: n.cidr, displayName: n.name })),
                    gcpPublicCidrsAccessEnabled: false,
                },
                workloadIdentityConfig: { workloadPool: `${project}.svc.id.goog` },
                // Dataplane V2 (eBPF/Cilium) enforces NetworkPolicy without the Calico add-on.
                datapathProvider: "ADVANCED_DATAPATH",
                enableShieldedNodes: true,
                databaseEncryption: { state: "ENCRYPTED", keyName: encryption.keyName },
                gatewayApiConfig: { channel: "CHANNEL_STANDARD" },
                addonsConfig: {
                    httpLoadBalancing: { disabled: false },
                    horizontalPodAutoscaling: { disabled: false },
                    gcePersistentDiskCsiDriverConfig: { enabled: true },
                    // Off: NodeLocal DNSCache answers on a node address, which NetworkPolicy rules
                    // cannot name on Dataplane V2, so the managed-services egress guard would cut
                    // guarded pods off from DNS. kube-dns pods are reachable by a pod selector.
                    dnsCacheConfig: { enabled: false },
                },
                maintenancePolicy: { recurringWindow: GKE_MAINTENANCE_WINDOW },
                // Node pools are managed separately; the default pool exists only during creation and
                // runs as the least-privilege SA too (never the Compute Engine default SA).
                removeDefaultNodePool: true,
                initialNodeCount: 1,
                nodeConfig: gkeNodeConfig(args.nodes.size, nodeIdentity.email, args.name),
                deletionProtection: args.gke.deletionProtection,
            },
            {
                ...gcpOpts,
                protect: true,
                dependsOn: [...nodeIdentity.ready, ...encryption.ready, ...apis],
                // nodeConfig only shapes the removed default pool; GKE reports the live pools' config there.
                ignoreChanges: ["nodeConfig"],
            },
        );

        this.nodePool = gkeNodePool(
            `${name}-nodes`,
            {
                cluster: this.cluster.id,
                clusterName: args.name,
                region,
                size: args.nodes.size,
                minNodesPerZone: args.nodes.min,
                maxNodesPerZone: args.nodes.max,
                serviceAccountEmail: nodeIdentity.email,
                provider: this.gcpProvider,
                dependsOn: nodeIdentity.ready,
            },
            // initialNodeCount is create-only; the autoscaler owns the count afterwards.
            { parent: this, ignoreChanges: ["initialNodeCount"] },
        );

        const contextName = `gke_${project}_${region}_${args.name}`;
        // The DNS endpoint, as `gcloud container clusters get-credentials --dns-endpoint` writes it:
        // its certificate is publicly trusted, so no CA is pinned.
        this.kubeconfig = pulumi.secret(
            this.cluster.controlPlaneEndpointsConfig.apply((c) => {
                const endpoint = c?.dnsEndpointConfig?.endpoint;
                if (!endpoint) throw new Error(`GKE cluster ${args.name} reports no DNS endpoint; is controlPlaneEndpointsConfig.dnsEndpointConfig enabled?`);
                return gkeKubeconfig(contextName, endpoint);
            }),
        );
        ({ provider: this.provider, retainedProvider: this.retainedProvider } = kubernetesProviders(
            `${name}-k8s`,
            // From plain config, never the kubeconfig: a rotated CA or endpoint must not replace every object.
            { kubeconfig: this.kubeconfig, clusterIdentifier: `gke-${project}-${region}-${args.name}` },
            { parent: this, dependsOn: [this.nodePool] },
        ));

        const retained = new storagev1.StorageClass(
            `${name}-retained`,
            {
                metadata: { name: GKE_RETAINED_STORAGE_CLASS },
                provisioner: "pd.csi.storage.gke.io",
                parameters: { type: "pd-balanced" },
                reclaimPolicy: "Retain",
                // Provisions the disk in the zone the pod is scheduled to, not a random one.
                volumeBindingMode: "WaitForFirstConsumer",
                allowVolumeExpansion: true,
            },
            { parent: this, provider: this.provider },
        );
        this.ready = [retained];

        const network = this.network;
        const gcpProvider = this.gcpProvider;
        const cluster = this.cluster;
        if (args.managedDatabase) {
            this.managedDatabase = (dbName, config, dbOpts) =>
                new CloudSqlPostgres(
                    dbName,
                    {
                        database: config,
                        region,
                        network: network.networkId,
                        privateRange: network.privateServicesRangeName,
                        provider: gcpProvider,
                        deletionProtection: args.gke.deletionProtection,
                        // After the cluster: a cluster that fails (a refused version, no quota) never leaves a database billing.
                        dependsOn: [network.privateServicesConnection, apiByName["sqladmin.googleapis.com"], cluster],
                    },
                    dbOpts,
                ).endpoint;
        }
        if (args.managedCache) {
            this.managedCache = (cacheName, cache, cacheOpts) =>
                new MemorystoreRedis(
                    cacheName,
                    {
                        cache,
                        region,
                        network: network.networkId,
                        privateRange: network.privateServicesRangeName,
                        provider: gcpProvider,
                        deletionProtection: args.gke.deletionProtection,
                        dependsOn: [network.privateServicesConnection, apiByName["redis.googleapis.com"], cluster],
                    },
                    cacheOpts,
                ).endpoint;
        }

        this.registerOutputs({ kubeconfig: this.kubeconfig });
    }
}

function clusterArgs(cfg: SlipwayConfig): GkeClusterArgs {
    if (cfg.gke === undefined) throw new ConfigError([`slipway:gke: required when slipway:target is "gke" (got nothing)`]);
    return {
        name: cfg.cluster.name,
        gke: cfg.gke,
        kubernetesVersion: cfg.cluster.kubernetesVersion,
        nodes: cfg.cluster.nodes,
        managedDatabase: cfg.database?.mode === "managed" ? cfg.database : undefined,
        managedCache: cfg.cache?.mode === "managed",
    };
}

/** What GKE refuses in this config (parseConfig reports it with every other problem). */
export function configProblems(cfg: SlipwayConfig): string[] {
    return gkeProblems(clusterArgs(cfg));
}

export function createCluster(cfg: SlipwayConfig, opts?: pulumi.ComponentResourceOptions): Cluster {
    return new GkeCluster(cfg.cluster.name, clusterArgs(cfg), opts);
}
