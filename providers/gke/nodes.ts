// GKE nodes: a dedicated least-privilege service account (never the Compute Engine default SA,
// which holds Editor on the project), the hardened node config, and the autoscaled node pool.
import * as container from "@pulumi/gcp/container";
import * as projects from "@pulumi/gcp/projects";
import type { Provider as GcpProvider } from "@pulumi/gcp/provider";
import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import * as pulumi from "@pulumi/pulumi";
import * as crypto from "crypto";
import type { NodeSize } from "../../config";

/**
 * `slipway:cluster.nodes.size` -> machine type. E2 is GCP's cost-optimised general-purpose family
 * (lower list price, but no sustained-use discount); 4 GiB per vCPU fits web apps, workers and PgBouncer.
 * small leaves ~1.9 vCPU / 5.5 GiB allocatable after GKE's reservations, the floor for the system pods.
 */
export const GKE_MACHINE_TYPES: Record<NodeSize, string> = {
    small: "e2-standard-2",
    medium: "e2-standard-4",
    large: "e2-standard-8",
};

/**
 * The node SA's roles, as terraform-google-modules' kubernetes-engine grants them since v30
 * (modules/beta-private-cluster/sa.tf): `roles/container.defaultNodeServiceAccount`, Google's
 * least-privilege role for nodes (logs, metrics, resource metadata), and Artifact Registry reads
 * for image pulls. Workloads that need Google APIs get their own identity through Workload
 * Identity, never the node's.
 */
export const NODE_SERVICE_ACCOUNT_ROLES = ["roles/container.defaultNodeServiceAccount", "roles/artifactregistry.reader"] as const;

/** A service account id (6-30 chars, `[a-z][-a-z0-9]*[a-z0-9]`) for the cluster's nodes. */
export function nodeServiceAccountId(clusterName: string): string {
    const suffix = "-nodes";
    return `${clusterName.slice(0, 30 - suffix.length).replace(/-+$/, "")}${suffix}`;
}

/** The SA's email, known from config alone so IAM bindings and previews never wait on an output. */
export function nodeServiceAccountEmail(accountId: string, project: string): string {
    return `${accountId}@${project}.iam.gserviceaccount.com`;
}

/** Hardened node settings shared by the node pool and the short-lived default pool. */
export function gkeNodeConfig(size: NodeSize, serviceAccountEmail: string, clusterName: string) {
    return {
        machineType: GKE_MACHINE_TYPES[size],
        imageType: "COS_CONTAINERD",
        diskType: "pd-balanced",
        diskSizeGb: 50,
        serviceAccount: serviceAccountEmail,
        // Access is governed by the SA's IAM roles; the broad scope only stops scopes from second-guessing them.
        oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
        // Pods see the GKE metadata server: no node credentials, Workload Identity for their own.
        workloadMetadataConfig: { mode: "GKE_METADATA" },
        shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
        metadata: { "disable-legacy-endpoints": "true" },
        labels: { "slipway.dev/cluster": clusterName },
        tags: [`${clusterName}-nodes`],
    };
}

/**
 * The node pool's GKE name: machine type plus a hash of the node config. Most node config
 * changes force a new pool; a new name lets Pulumi create it before deleting the old one,
 * so the apps always have nodes to move to (a same-named pool would have to go first).
 */
export function nodePoolName(nodeConfig: ReturnType<typeof gkeNodeConfig>): string {
    const hash = crypto.createHash("sha256").update(JSON.stringify(nodeConfig)).digest("hex").slice(0, 6);
    return `${nodeConfig.machineType}-${hash}`;
}

export interface NodeServiceAccountArgs {
    readonly project: string;
    readonly clusterName: string;
    readonly provider: GcpProvider;
    /** The IAM API must be enabled first. */
    readonly dependsOn: pulumi.Resource[];
}

/** The nodes' own service account and its role bindings. */
export class NodeServiceAccount extends pulumi.ComponentResource {
    public readonly email: string;
    public readonly account: serviceaccount.Account;
    /** The account plus its bindings: nodes must not boot before they can write logs. */
    public readonly ready: pulumi.Resource[];

    constructor(name: string, args: NodeServiceAccountArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:gke:NodeServiceAccount", name, args, opts);
        const accountId = nodeServiceAccountId(args.clusterName);
        this.email = nodeServiceAccountEmail(accountId, args.project);
        this.account = new serviceaccount.Account(
            `${name}-account`,
            { accountId, displayName: `GKE nodes of ${args.clusterName}`, description: "Least-privilege node identity (Slipway)" },
            { parent: this, provider: args.provider, dependsOn: args.dependsOn },
        );
        const bindings = NODE_SERVICE_ACCOUNT_ROLES.map(
            (role) =>
                new projects.IAMMember(
                    `${name}-${role.slice("roles/".length).replace(/\./g, "-").toLowerCase()}`,
                    { project: args.project, role, member: `serviceAccount:${this.email}` },
                    { parent: this, provider: args.provider, dependsOn: [this.account] },
                ),
        );
        this.ready = [this.account, ...bindings];
        this.registerOutputs({ email: this.email });
    }
}

export interface GkeNodePoolArgs {
    /** The cluster's id (`projects/<p>/locations/<r>/clusters/<name>`). */
    readonly cluster: pulumi.Input<string>;
    readonly clusterName: string;
    readonly region: string;
    readonly size: NodeSize;
    /** Autoscaler floor and ceiling per zone (a regional pool spans the region's zones, usually 3). */
    readonly minNodesPerZone: number;
    readonly maxNodesPerZone: number;
    readonly serviceAccountEmail: string;
    readonly provider: GcpProvider;
    readonly dependsOn: pulumi.Resource[];
}

/** The autoscaled, self-healing node pool. */
export function gkeNodePool(name: string, args: GkeNodePoolArgs, opts: pulumi.CustomResourceOptions): container.NodePool {
    const nodeConfig = gkeNodeConfig(args.size, args.serviceAccountEmail, args.clusterName);
    return new container.NodePool(
        name,
        {
            name: nodePoolName(nodeConfig),
            cluster: args.cluster,
            location: args.region,
            initialNodeCount: args.minNodesPerZone,
            // Per-zone counts: min 1 keeps a node in every zone, so a zone outage leaves two thirds up.
            autoscaling: { minNodeCount: args.minNodesPerZone, maxNodeCount: args.maxNodesPerZone, locationPolicy: "BALANCED" },
            management: { autoRepair: true, autoUpgrade: true },
            // One extra node at a time, never one fewer: PDBs hold and capacity never dips during upgrades.
            upgradeSettings: { strategy: "SURGE", maxSurge: 1, maxUnavailable: 0 },
            // Internal IPs only; egress through the VPC's Cloud NAT.
            networkConfig: { enablePrivateNodes: true },
            nodeConfig,
        },
        { ...opts, provider: args.provider, dependsOn: args.dependsOn },
    );
}
