// Cluster Autoscaler for the managed node group: it moves the group's desired size between
// `cluster.nodes.min` and `max` (EKS tags the group's Auto Scaling group for its auto-discovery,
// managed-node-groups.adoc), with AWS credentials from EKS Pod Identity and the region given
// (from 1.35 it reads AWS_REGION and does not ask IMDS, which the nodes' hop limit of 1 hides anyway).
import * as eks from "@pulumi/aws/eks";
import * as iam from "@pulumi/aws/iam";
import type { Provider as AwsProvider } from "@pulumi/aws/provider";
import type * as k8s from "@pulumi/kubernetes";
import * as helmv4 from "@pulumi/kubernetes/helm/v4";
import * as pulumi from "@pulumi/pulumi";
import { CLUSTER_AUTOSCALER_CHART, CLUSTER_AUTOSCALER_IMAGE_TAGS, type KubernetesMinor } from "../../versions";

export const AUTOSCALER_NAMESPACE = "kube-system";
/** Fixed (the chart's default derives it from the release name), so the Pod Identity association names it. */
export const AUTOSCALER_SERVICE_ACCOUNT = "cluster-autoscaler";

/**
 * The cluster-autoscaler policy of terraform-aws-modules/eks-pod-identity (cluster_autoscaler.tf,
 * v2.8.1), after the autoscaler's AWS README: reads on everything, and changes only to Auto Scaling
 * groups tagged as this cluster's own.
 */
export function autoscalerPolicy(clusterName: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Action: [
                    "autoscaling:DescribeAutoScalingGroups",
                    "autoscaling:DescribeAutoScalingInstances",
                    "autoscaling:DescribeLaunchConfigurations",
                    "autoscaling:DescribeScalingActivities",
                    "autoscaling:DescribeTags",
                    "ec2:DescribeLaunchTemplateVersions",
                    "ec2:DescribeInstanceTypes",
                    "eks:DescribeNodegroup",
                    "ec2:DescribeImages",
                    "ec2:GetInstanceTypesFromInstanceRequirements",
                ],
                Resource: "*",
            },
            {
                Effect: "Allow",
                Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
                Resource: "*",
                Condition: { StringEquals: { [`autoscaling:ResourceTag/kubernetes.io/cluster/${clusterName}`]: "owned" } },
            },
        ],
    });
}

/** The chart's values: auto-discovery by this cluster's tags, the region, the image of the cluster's minor. */
export function autoscalerValues(clusterName: string, region: string, kubernetesVersion: KubernetesMinor) {
    const tag = CLUSTER_AUTOSCALER_IMAGE_TAGS[kubernetesVersion];
    if (!tag) throw new Error(`slipway:cluster.kubernetesVersion: got "${kubernetesVersion}"; no Cluster Autoscaler release is pinned for it in versions.ts`);
    return {
        cloudProvider: "aws",
        awsRegion: region,
        autoDiscovery: { clusterName },
        image: { tag },
        rbac: { serviceAccount: { create: true, name: AUTOSCALER_SERVICE_ACCOUNT } },
        // One node group in three zones: keep the zones even as it grows and shrinks.
        extraArgs: { "balance-similar-node-groups": true },
    };
}

export interface ClusterAutoscalerArgs {
    readonly clusterName: pulumi.Input<string>;
    readonly name: string;
    readonly region: string;
    readonly kubernetesVersion: KubernetesMinor;
    readonly aws: AwsProvider;
    readonly kubernetes: k8s.Provider;
    /** What must run first: the nodes (its pod needs one) and the pod identity agent. */
    readonly dependsOn: pulumi.Resource[];
}

export function clusterAutoscaler(name: string, args: ClusterAutoscalerArgs, parent: pulumi.Resource): k8s.helm.v4.Chart {
    const o = { parent, provider: args.aws };
    const role = new iam.Role(
        `${name}-role`,
        {
            name: `${args.name}-cluster-autoscaler`,
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
            }),
        },
        o,
    );
    const policy = new iam.RolePolicy(`${name}-policy`, { role: role.name, policy: autoscalerPolicy(args.name) }, o);
    // EKS injects the credentials when the pod is created, so the association comes first.
    const association = new eks.PodIdentityAssociation(
        `${name}-identity`,
        { clusterName: args.clusterName, namespace: AUTOSCALER_NAMESPACE, serviceAccount: AUTOSCALER_SERVICE_ACCOUNT, roleArn: role.arn },
        { ...o, dependsOn: [policy] },
    );
    return new helmv4.Chart(
        name,
        {
            chart: CLUSTER_AUTOSCALER_CHART.chart,
            version: CLUSTER_AUTOSCALER_CHART.version,
            repositoryOpts: { repo: CLUSTER_AUTOSCALER_CHART.repo },
            namespace: AUTOSCALER_NAMESPACE,
            values: autoscalerValues(args.name, args.region, args.kubernetesVersion),
        },
        { parent, provider: args.kubernetes, dependsOn: [association, ...args.dependsOn] },
    );
}
