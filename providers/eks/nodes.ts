// The managed node group: AL2023 in the private subnets, from a launch template that requires
// IMDSv2 with a hop limit of 1 (pods get AWS credentials from Pod Identity, never the node's) and an
// encrypted gp3 root volume; scaling from slipway:cluster.nodes, the desired size left to the
// Cluster Autoscaler (autoscaler.ts) after creation (terraform-aws-modules/eks: ignore_changes on
// desired_size). EKS refuses a min above the current desired size: README "Scaling nodes on EKS".
import * as ec2 from "@pulumi/aws/ec2";
import * as eks from "@pulumi/aws/eks";
import type { Provider as AwsProvider } from "@pulumi/aws/provider";
import * as pulumi from "@pulumi/pulumi";
import type { NodeSize } from "../../lib/schema";
import { EKS_INSTANCE_TYPES } from "./settings";

export interface EksNodesArgs {
    readonly clusterName: pulumi.Input<string>;
    readonly name: string;
    /** The control plane's minor: managed nodes do not follow an upgrade of it by themselves. */
    readonly kubernetesVersion: string;
    readonly size: NodeSize;
    readonly min: number;
    readonly max: number;
    readonly subnetIds: pulumi.Input<string>[];
    readonly nodeRoleArn: pulumi.Input<string>;
    readonly provider: AwsProvider;
    readonly dependsOn: pulumi.Resource[];
}

/** The launch template's settings, pure for tests. */
export function launchTemplateSettings(clusterName: string) {
    return {
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
        blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 50, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }],
        tagSpecifications: [{ resourceType: "instance", tags: { "slipway.dev/cluster": clusterName } }],
    };
}

export function eksNodeGroup(name: string, args: EksNodesArgs, opts: pulumi.ComponentResourceOptions): eks.NodeGroup {
    const o = { ...opts, provider: args.provider };
    const template = new ec2.LaunchTemplate(`${name}-template`, { namePrefix: `${args.name}-nodes-`, ...launchTemplateSettings(args.name), updateDefaultVersion: true }, o);
    return new eks.NodeGroup(
        name,
        {
            clusterName: args.clusterName,
            nodeGroupNamePrefix: `${args.name}-`,
            nodeRoleArn: args.nodeRoleArn,
            subnetIds: args.subnetIds,
            amiType: "AL2023_x86_64_STANDARD",
            // Set, so `pulumi up` after a version bump rolls the nodes onto the new minor (EKS refuses
            // the next control-plane upgrade while they lag); unset, the provider ignores drift.
            version: args.kubernetesVersion,
            instanceTypes: [EKS_INSTANCE_TYPES[args.size]],
            scalingConfig: { minSize: args.min, maxSize: args.max, desiredSize: args.min },
            // One node at a time during upgrades; PDBs hold.
            updateConfig: { maxUnavailable: 1 },
            launchTemplate: { id: template.id, version: template.latestVersion.apply(String) },
        },
        { ...o, dependsOn: args.dependsOn, ignoreChanges: ["scalingConfig.desiredSize"] },
    );
}
