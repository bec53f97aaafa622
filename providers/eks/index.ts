// eks target: an EKS cluster Slipway builds with plain aws.* resources (every setting visible to the
// offline plan and tests), in its own VPC, with RDS PostgreSQL and ElastiCache Valkey for managed
// data. terraform-aws-modules' eks, rds and elasticache modules are the references for the wiring.
// The class's own module: the cloudwatch index also loads its Lambda and EventRule mixins (~20 modules).
import { LogGroup } from "@pulumi/aws/cloudwatch/logGroup";
import * as eks from "@pulumi/aws/eks";
import * as kms from "@pulumi/aws/kms";
import { Provider as AwsProvider } from "@pulumi/aws/provider";
import type * as k8s from "@pulumi/kubernetes";
import * as storagev1 from "@pulumi/kubernetes/storage/v1";
import * as pulumi from "@pulumi/pulumi";
import type { CacheConfig, DatabaseConfig, EksConfig, SlipwayConfig } from "../../config";
import { ConfigError } from "../../config";
import type { ManagedCacheFactory } from "../../lib/cache-types";
import type { Cluster, GatewaySpec } from "../../lib/contracts";
import type { ManagedDatabaseFactory } from "../../lib/database-types";
import type { NodeSize } from "../../lib/schema";
import type { KubernetesMinor } from "../../versions";
import { kubernetesProviders } from "../kubernetes";
import { traefikGateway } from "../traefik/gateway";
import { clusterAdmins, deployerArn } from "./access";
import { afterNodes, beforeNodes } from "./addons";
import { ValkeyCache } from "./elasticache";
import { EksIam } from "./iam";
import { EksNetwork } from "./network";
import { eksNodeGroup } from "./nodes";
import { RdsPostgres } from "./rds";
import { eksKubeconfig } from "./settings";
import { clusterAutoscaler } from "./autoscaler";
import { eksProblems } from "./validate";

/** The cluster's default class (EBS CSI, gp3, encrypted) and its Retain twin for data. */
export const EKS_STORAGE_CLASS = "gp3";
export const EKS_RETAINED_STORAGE_CLASS = "gp3-retain";

/** Traefik behind an NLB made by EKS's built-in cloud controller (instance targets); no extra controller to run. */
export const EKS_GATEWAY: GatewaySpec = {
    ...traefikGateway,
    exposure: { type: "LoadBalancer", serviceAnnotations: { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" } },
};

export interface EksClusterArgs {
    readonly name: string;
    readonly eks: EksConfig;
    readonly kubernetesVersion: KubernetesMinor;
    readonly nodes: { readonly min: number; readonly max: number; readonly size: NodeSize };
    readonly managedDatabase?: DatabaseConfig;
    readonly managedCache?: CacheConfig;
}

export class EksCluster extends pulumi.ComponentResource implements Cluster {
    public readonly name: string;
    public readonly provider: k8s.Provider;
    public readonly retainedProvider: k8s.Provider;
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly storageClass = EKS_STORAGE_CLASS;
    public readonly retainedStorageClass = EKS_RETAINED_STORAGE_CLASS;
    public readonly gateway = EKS_GATEWAY;
    public readonly ready: pulumi.Resource[];
    public readonly managedDatabase?: ManagedDatabaseFactory;
    public readonly managedCache?: ManagedCacheFactory;

    constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        const problems = eksProblems(args);
        if (problems.length > 0) throw new ConfigError(problems);
        super("slipway:cluster:EksCluster", name, args, opts);
        this.name = args.name;
        const { region } = args.eks;
        const aws = new AwsProvider(`${name}-aws`, { region, defaultTags: { tags: { "managed-by": "pulumi", "slipway-cluster": args.name } } }, { parent: this });
        const o = { parent: this, provider: aws };

        const network = new EksNetwork(`${name}-network`, { clusterName: args.name, vpcCidr: args.eks.vpcCidr, highAvailability: args.eks.highAvailability, provider: aws }, { parent: this });
        // Envelope encryption of the cluster's Secrets (every password lives in one), rotated yearly by KMS.
        const key = new kms.Key(`${name}-secrets-key`, { description: `EKS Secrets of ${args.name}`, enableKeyRotation: true, deletionWindowInDays: 30 }, { ...o, protect: true });
        const iam = new EksIam(`${name}-iam`, { clusterName: args.name, secretsKeyArn: key.arn, provider: aws }, { parent: this });
        // Made first, so EKS writes into a group with retention rather than creating one without.
        const logs = new LogGroup(`${name}-logs`, { name: `/aws/eks/${args.name}/cluster`, retentionInDays: args.eks.logRetentionDays }, o);
        const cluster = new eks.Cluster(
            `${name}-cluster`,
            {
                name: args.name,
                version: args.kubernetesVersion,
                roleArn: iam.clusterRoleArn,
                vpcConfig: {
                    subnetIds: network.privateSubnetIds,
                    endpointPrivateAccess: true,
                    endpointPublicAccess: true,
                    publicAccessCidrs: args.eks.publicAccessCidrs,
                },
                accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
                encryptionConfig: { provider: { keyArn: key.arn }, resources: ["secrets"] },
                enabledClusterLogTypes: ["api", "audit", "authenticator"],
                upgradePolicy: { supportType: "STANDARD" },
                // Managed add-ons below replace the self-managed ones EKS would otherwise install.
                bootstrapSelfManagedAddons: false,
                deletionProtection: args.eks.deletionProtection,
            },
            { ...o, protect: true, dependsOn: [logs, ...iam.ready] },
        );
        const admins = clusterAdmins(`${name}-access`, cluster.name, { deployer: deployerArn(aws, this), admins: args.eks.admins }, o);
        const addonArgs = { clusterName: cluster.name, kubernetesVersion: args.kubernetesVersion, ebsCsiRoleArn: iam.ebsCsiRoleArn, provider: aws };
        const systemAddons = beforeNodes(`${name}-addon`, addonArgs, { parent: this });
        const nodes = eksNodeGroup(
            `${name}-nodes`,
            { clusterName: cluster.name, name: args.name, kubernetesVersion: args.kubernetesVersion, ...args.nodes, subnetIds: network.privateSubnetIds, nodeRoleArn: iam.nodeRoleArn, provider: aws, dependsOn: [...systemAddons, ...iam.ready] },
            { parent: this },
        );
        const workloadAddons = afterNodes(`${name}-addon`, addonArgs, { parent: this, dependsOn: [nodes] });

        this.kubeconfig = pulumi.secret(
            pulumi.all([cluster.endpoint, cluster.certificateAuthority.data]).apply(([endpoint, ca]) => eksKubeconfig(args.name, region, endpoint, ca ?? "")),
        );
        ({ provider: this.provider, retainedProvider: this.retainedProvider } = kubernetesProviders(
            `${name}-k8s`,
            // From plain config: a rotated CA or endpoint never replaces every object.
            { kubeconfig: this.kubeconfig, clusterIdentifier: `eks-${region}-${args.name}` },
            { parent: this, dependsOn: [...admins, ...workloadAddons] },
        ));
        this.ready = storageClasses(name, this.provider, this);
        clusterAutoscaler(`${name}-cluster-autoscaler`, { clusterName: cluster.name, name: args.name, region, kubernetesVersion: args.kubernetesVersion, aws, kubernetes: this.provider, dependsOn: [nodes, ...systemAddons] }, this);

        const clientSg = cluster.vpcConfig.clusterSecurityGroupId;
        if (args.managedDatabase) {
            this.managedDatabase = (dbName, config, dbOpts) =>
                new RdsPostgres(
                    dbName,
                    { name: args.name, database: config, vpcId: network.vpcId, subnetIds: network.privateSubnetIds, clientSecurityGroupId: clientSg, deletionProtection: args.eks.deletionProtection, provider: aws, dependsOn: [cluster] },
                    dbOpts,
                ).endpoint;
        }
        if (args.managedCache) {
            this.managedCache = (cacheName, cache, cacheOpts) =>
                new ValkeyCache(
                    cacheName,
                    { name: args.name, cache, highAvailability: args.eks.highAvailability, vpcId: network.vpcId, subnetIds: network.privateSubnetIds, clientSecurityGroupId: clientSg, provider: aws, dependsOn: [cluster] },
                    cacheOpts,
                ).endpoint;
        }
        this.registerOutputs({ kubeconfig: this.kubeconfig });
    }
}

/** gp3 through the EBS CSI driver (encrypted, placed where the pod lands, expandable) and its Retain twin. */
function storageClasses(name: string, provider: k8s.Provider, parent: pulumi.Resource): pulumi.Resource[] {
    const gp3 = (resource: string, className: string, reclaimPolicy: string, annotations: Record<string, string>) =>
        new storagev1.StorageClass(
            resource,
            {
                metadata: { name: className, annotations },
                provisioner: "ebs.csi.aws.com",
                parameters: { type: "gp3", encrypted: "true" },
                reclaimPolicy,
                volumeBindingMode: "WaitForFirstConsumer",
                allowVolumeExpansion: true,
            },
            { parent, provider },
        );
    return [
        gp3(`${name}-gp3`, EKS_STORAGE_CLASS, "Delete", { "storageclass.kubernetes.io/is-default-class": "true" }),
        gp3(`${name}-gp3-retain`, EKS_RETAINED_STORAGE_CLASS, "Retain", {}),
    ];
}

function clusterArgs(cfg: SlipwayConfig): EksClusterArgs {
    return {
        name: cfg.cluster.name,
        eks: cfg.eks!,
        kubernetesVersion: cfg.cluster.kubernetesVersion,
        nodes: cfg.cluster.nodes,
        managedDatabase: cfg.database?.mode === "managed" ? cfg.database : undefined,
        managedCache: cfg.cache?.mode === "managed" ? cfg.cache : undefined,
    };
}

/** What EKS refuses in this config (parseConfig reports it with every other problem). */
export function configProblems(cfg: SlipwayConfig): string[] {
    return eksProblems(clusterArgs(cfg));
}

export function createCluster(cfg: SlipwayConfig, opts?: pulumi.ComponentResourceOptions): Cluster {
    return new EksCluster(cfg.cluster.name, clusterArgs(cfg), opts);
}
