// Who administers the cluster: EKS access entries (authenticationMode API, no aws-auth ConfigMap)
// with the cluster-admin access policy, for whoever runs `pulumi up` and the configured admins. The
// creator's implicit admin is off (bootstrapClusterCreatorAdminPermissions: false), so access is
// explicit and survives the deployer changing (pulumi-aws#4096's lockout).
import * as eks from "@pulumi/aws/eks";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import { getSessionContextOutput } from "@pulumi/aws/iam/getSessionContext";
import type { Provider as AwsProvider } from "@pulumi/aws/provider";
import * as pulumi from "@pulumi/pulumi";

export const CLUSTER_ADMIN_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";

/** Access entry plus cluster-scoped admin policy for one principal. */
function admin(name: string, clusterName: pulumi.Input<string>, principalArn: pulumi.Input<string>, opts: pulumi.CustomResourceOptions): pulumi.Resource[] {
    const entry = new eks.AccessEntry(name, { clusterName, principalArn, type: "STANDARD" }, opts);
    const policy = new eks.AccessPolicyAssociation(
        `${name}-admin`,
        { clusterName, principalArn, policyArn: CLUSTER_ADMIN_POLICY, accessScope: { type: "cluster" } },
        { ...opts, dependsOn: [entry] },
    );
    return [entry, policy];
}

/**
 * The deployer's IAM principal: for an assumed role, the role itself (an access entry takes the role
 * ARN, not the session's sts:assumed-role ARN), which iam.getSessionContext resolves.
 */
export function deployerArn(provider: AwsProvider, parent: pulumi.Resource, admins: readonly string[]): pulumi.Output<string> {
    const caller = getCallerIdentityOutput({}, { provider, parent });
    return getSessionContextOutput({ arn: caller.arn }, { provider, parent }).issuerArn.apply((arn) => {
        const i = admins.indexOf(arn);
        if (i >= 0) throw new Error(`slipway:eks.admins[${i}]: got "${arn}", who runs pulumi up and is made admin already; remove it`);
        return arn;
    });
}

export function clusterAdmins(name: string, clusterName: pulumi.Input<string>, principals: { deployer: pulumi.Input<string>; admins: readonly string[] }, opts: pulumi.CustomResourceOptions): pulumi.Resource[] {
    return [
        ...admin(`${name}-deployer`, clusterName, principals.deployer, opts),
        ...principals.admins.flatMap((arn, i) => admin(`${name}-admin-${i}`, clusterName, arn, opts)),
    ];
}
