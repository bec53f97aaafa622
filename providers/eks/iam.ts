// The EKS target's IAM: the control plane's role, the nodes' role (terraform-aws-modules/eks' three
// managed policies), and the EBS CSI driver's role through EKS Pod Identity (AWS docs pod-id-role:
// trust pods.eks.amazonaws.com with sts:AssumeRole and sts:TagSession), never the nodes' identity.
import * as iam from "@pulumi/aws/iam";
import type { Provider as AwsProvider } from "@pulumi/aws/provider";
import * as pulumi from "@pulumi/pulumi";

const trust = (service: string, actions: string[]) =>
    JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: actions }] });

/** Node role policies, as terraform-aws-modules/eks' managed node group attaches them (ipv4). */
export const NODE_POLICIES = [
    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
    "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
] as const;

/** What the control plane does with the Secrets key (terraform-aws-modules/eks main.tf, aws_iam_policy.cluster_encryption). */
export const CLUSTER_KEY_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"];

/** A role for `service` with `policies` attached; `ready` holds the attachments. */
function serviceRole(name: string, roleName: string, service: string, actions: string[], policies: readonly string[], opts: pulumi.CustomResourceOptions) {
    const role = new iam.Role(name, { name: roleName, assumeRolePolicy: trust(service, actions) }, opts);
    const ready = policies.map((policyArn, i) => new iam.RolePolicyAttachment(`${name}-${i}`, { role: role.name, policyArn }, opts));
    return { role, ready };
}

export class EksIam extends pulumi.ComponentResource {
    public readonly clusterRoleArn: pulumi.Output<string>;
    public readonly nodeRoleArn: pulumi.Output<string>;
    public readonly ebsCsiRoleArn: pulumi.Output<string>;
    /** Policy attachments the cluster and nodes must wait for. */
    public readonly ready: pulumi.Resource[];

    constructor(name: string, args: { clusterName: string; secretsKeyArn: pulumi.Input<string>; provider: AwsProvider }, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:eks:Iam", name, args, opts);
        const o = { parent: this, provider: args.provider };
        const cluster = serviceRole(`${name}-cluster`, `${args.clusterName}-eks-cluster`, "eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"], ["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"], o);
        const nodes = serviceRole(`${name}-nodes`, `${args.clusterName}-eks-nodes`, "ec2.amazonaws.com", ["sts:AssumeRole"], NODE_POLICIES, o);
        const ebs = serviceRole(`${name}-ebs-csi`, `${args.clusterName}-ebs-csi`, "pods.eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"], ["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"], o);
        // The control plane's use of the Secrets key, as terraform-aws-modules/eks attaches it (its
        // cluster_encryption policy): EKS also holds a grant made at create time, but a policy on the role
        // survives that grant being retired.
        const keyUse = new iam.RolePolicy(
            `${name}-cluster-encryption`,
            {
                role: cluster.role.name,
                policy: pulumi.output(args.secretsKeyArn).apply((keyArn) =>
                    JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: CLUSTER_KEY_ACTIONS, Resource: keyArn }] }),
                ),
            },
            o,
        );
        this.clusterRoleArn = cluster.role.arn;
        this.nodeRoleArn = nodes.role.arn;
        this.ebsCsiRoleArn = ebs.role.arn;
        this.ready = [...cluster.ready, keyUse, ...nodes.ready, ...ebs.ready];
        this.registerOutputs({ clusterRoleArn: this.clusterRoleArn, nodeRoleArn: this.nodeRoleArn });
    }
}
