// ElastiCache for Valkey (`cache.mode: managed` on EKS): a replication group in the private subnets,
// reachable from the cluster's security group alone, TLS required in transit (its certificates come
// from Amazon's public CA, so clients verify them with the system trust store, name included),
// encrypted at rest, a generated AUTH token, and a replica in another zone with automatic failover
// when highly available (terraform-aws-modules/elasticache: Multi-AZ needs failover and two nodes).
import * as ec2 from "@pulumi/aws/ec2";
import * as elasticache from "@pulumi/aws/elasticache";
import type { Provider as AwsProvider } from "@pulumi/aws/provider";
import * as pulumi from "@pulumi/pulumi";
import type { CacheConfig } from "../../config";
import type { CacheEndpoint } from "../../lib/cache-types";
import { generatedPassword } from "../../lib/workload";
import { finalSnapshotName } from "./final-snapshot";
import { valkeyNodeType } from "./settings";

export const VALKEY_PORT = 6379;
/** `cache.version` "7" (Redis 7 compatible) -> Valkey 7.2, the Redis 7.2 fork. */
export const VALKEY_VERSIONS: Record<CacheConfig["version"], string> = { "7": "7.2" };

export interface ValkeyCacheArgs {
    readonly name: string;
    readonly cache: CacheConfig;
    readonly highAvailability: boolean;
    readonly vpcId: pulumi.Input<string>;
    readonly subnetIds: pulumi.Input<string>[];
    readonly clientSecurityGroupId: pulumi.Input<string>;
    readonly provider: AwsProvider;
    readonly dependsOn: pulumi.Resource[];
}

export class ValkeyCache extends pulumi.ComponentResource {
    public readonly endpoint: CacheEndpoint;

    constructor(name: string, args: ValkeyCacheArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:cache:ValkeyCache", name, args, opts);
        const o = { parent: this, provider: args.provider };
        const subnets = new elasticache.SubnetGroup(`${name}-subnets`, { name: `${args.name}-valkey`, subnetIds: args.subnetIds }, o);
        const sg = new ec2.SecurityGroup(
            `${name}-sg`,
            {
                name: `${args.name}-valkey`,
                vpcId: args.vpcId,
                description: "Valkey from the EKS cluster only",
                ingress: [{ protocol: "tcp", fromPort: VALKEY_PORT, toPort: VALKEY_PORT, securityGroups: [args.clientSecurityGroupId], description: "EKS cluster" }],
            },
            o,
        );
        const params = new elasticache.ParameterGroup(
            `${name}-params`,
            // As in-cluster: sessions and queues fail loudly at maxmemory rather than vanish.
            { name: `${args.name}-valkey`, family: `valkey${VALKEY_VERSIONS[args.cache.version].split(".")[0]}`, parameters: [{ name: "maxmemory-policy", value: "noeviction" }] },
            o,
        );
        // Letters and digits only: ElastiCache allows just ! & # $ ^ < > - besides, and a URL carries it.
        const authToken = generatedPassword(`${name}-auth-token`, this, 64);
        const group = new elasticache.ReplicationGroup(
            `${name}-group`,
            {
                replicationGroupId: `${args.name}-valkey`,
                description: `Slipway cache of ${args.name}`,
                engine: "valkey",
                engineVersion: VALKEY_VERSIONS[args.cache.version],
                nodeType: valkeyNodeType(args.cache.memoryMb),
                port: VALKEY_PORT,
                numCacheClusters: args.highAvailability ? 2 : 1,
                automaticFailoverEnabled: args.highAvailability,
                multiAzEnabled: args.highAvailability,
                subnetGroupName: subnets.name,
                securityGroupIds: [sg.id],
                transitEncryptionEnabled: true,
                transitEncryptionMode: "required",
                atRestEncryptionEnabled: true,
                authToken,
                parameterGroupName: params.name,
                snapshotRetentionLimit: 1,
                // Sessions and queues outlive a destroy.
                finalSnapshotIdentifier: finalSnapshotName(name, `${args.name}-valkey`, this),
                maintenanceWindow: "sun:06:00-sun:07:00",
                // As for RDS: a change made by `pulumi up` happens now, not at the next window.
                applyImmediately: true,
            },
            { ...o, protect: true, dependsOn: args.dependsOn, additionalSecretOutputs: ["authToken"] },
        );
        // A DNS name (the primary moves on failover): the security group, not an egress policy, fences it.
        this.endpoint = { host: group.primaryEndpointAddress, port: pulumi.output(VALKEY_PORT), password: pulumi.secret(authToken), tls: true, hostIsPrivateAddress: false };
        this.registerOutputs({ host: this.endpoint.host });
    }
}
