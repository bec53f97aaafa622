// EKS add-ons at the newest version each publishes for the cluster's Kubernetes minor
// (getAddonVersion, most recent, as terraform-aws-modules/eks looks them up). The network and
// identity agents come before the nodes (a node is not Ready without the CNI; terraform-aws-modules
// `before_compute`), CoreDNS and the EBS CSI driver after them, whose controller needs nodes to run.
import * as eks from "@pulumi/aws/eks";
import type { Provider as AwsProvider } from "@pulumi/aws/provider";
import * as pulumi from "@pulumi/pulumi";

/** vpc-cni enforces Kubernetes NetworkPolicies only when asked (AWS docs cni-network-policy-configure). */
export const VPC_CNI_CONFIGURATION = JSON.stringify({ enableNetworkPolicy: "true" });

export interface EksAddonsArgs {
    readonly clusterName: pulumi.Input<string>;
    readonly kubernetesVersion: string;
    readonly ebsCsiRoleArn: pulumi.Input<string>;
    readonly provider: AwsProvider;
}

function addon(name: string, addonName: string, args: EksAddonsArgs, extra: Partial<eks.AddonArgs>, opts: pulumi.CustomResourceOptions): eks.Addon {
    const version = eks.getAddonVersionOutput({ addonName, kubernetesVersion: args.kubernetesVersion, mostRecent: true }, { provider: args.provider, parent: opts.parent });
    return new eks.Addon(
        name,
        { clusterName: args.clusterName, addonName, addonVersion: version.version, resolveConflictsOnCreate: "OVERWRITE", resolveConflictsOnUpdate: "OVERWRITE", ...extra },
        { ...opts, provider: args.provider },
    );
}

/** vpc-cni, eks-pod-identity-agent and kube-proxy: what the nodes need to become Ready. */
export function beforeNodes(name: string, args: EksAddonsArgs, opts: pulumi.CustomResourceOptions): eks.Addon[] {
    return [
        addon(`${name}-vpc-cni`, "vpc-cni", args, { configurationValues: VPC_CNI_CONFIGURATION }, opts),
        addon(`${name}-pod-identity-agent`, "eks-pod-identity-agent", args, {}, opts),
        addon(`${name}-kube-proxy`, "kube-proxy", args, {}, opts),
    ];
}

/** CoreDNS, and the EBS CSI driver with its role through Pod Identity (no IRSA, no node credentials). */
export function afterNodes(name: string, args: EksAddonsArgs, opts: pulumi.CustomResourceOptions): eks.Addon[] {
    return [
        addon(`${name}-coredns`, "coredns", args, {}, opts),
        addon(
            `${name}-ebs-csi`,
            "aws-ebs-csi-driver",
            args,
            { podIdentityAssociations: [{ roleArn: args.ebsCsiRoleArn, serviceAccount: "ebs-csi-controller-sa" }] },
            opts,
        ),
    ];
}
