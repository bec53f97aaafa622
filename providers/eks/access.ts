// Who administers the cluster: EKS access entries (authenticationMode API, no aws-auth ConfigMap)
// with the cluster-admin access policy, for the configured admins, who include whoever runs `pulumi up`.
// The creator's implicit admin is off (bootstrapClusterCreatorAdminPermissions: false), so access is
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
export function deployerArn(provider: AwsProvider, parent: pulumi.Resource): pulumi.Output<string> {
    const caller = getCallerIdentityOutput({}, { provider, parent });
    return getSessionContextOutput({ arn: caller.arn }, { provider, parent }).issuerArn;
}

/** Why `deployer` may not run this stack with these `admins`, or undefined. */
export function deployerProblem(deployer: string, admins: readonly string[]): string | undefined {
    if (admins.includes(deployer)) return undefined;
    return `slipway:eks.admins: "${deployer}" runs pulumi up but is not listed; add it (with everyone else who runs up, CI's role included), or it would lose access to the cluster it deploys`;
}

/** A resource name that stays with its principal when the list is reordered: `123456789012-role-platform`. */
export const entryName = (arn: string) => arn.replace(/^arn:aws[a-z-]*:iam::/, "").replace(/[^A-Za-z0-9]+/g, "-");

/**
 * Exactly the listed principals are cluster admins, and whoever runs `pulumi up` must be one of them.
 * The entries then stay put whichever admin, or CI, runs `up`: an entry's principal is immutable, so
 * entries that followed the deployer would be replaced and lock the previous one out. Named by
 * principal, so reordering the list changes nothing.
 */
export function clusterAdmins(name: string, clusterName: pulumi.Input<string>, principals: { deployer: pulumi.Output<string>; admins: readonly string[] }, opts: pulumi.CustomResourceOptions): pulumi.Resource[] {
    return principals.admins.flatMap((arn) => admin(`${name}-${entryName(arn)}`, clusterName, admittedPrincipal(arn, principals.deployer, principals.admins), opts));
}

/** `arn`, once the deployer is known to be listed: the check rides on each entry's input, so a preview by an unlisted deployer stops with the reason. */
export function admittedPrincipal(arn: string, deployer: pulumi.Output<string>, admins: readonly string[]): pulumi.Output<string> {
    return deployer.apply((d) => {
        const problem = deployerProblem(d, admins);
        if (problem) throw new Error(problem);
        return arn;
    });
}
