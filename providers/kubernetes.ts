// The stack's two Kubernetes providers (lib/contracts.ts KubernetesProviders), built the same way by
// every target from its kubeconfig.
import { Provider } from "@pulumi/kubernetes/provider";
import * as pulumi from "@pulumi/pulumi";
import type { KubernetesProviders } from "../lib/contracts";

/** Builds the stack's Kubernetes providers from a kubeconfig; the identifier keeps them stable when the kubeconfig rotates. */
export function kubernetesProviders(
    name: string,
    args: { kubeconfig?: pulumi.Input<string>; context?: string; clusterIdentifier: pulumi.Input<string> },
    opts: pulumi.CustomResourceOptions,
): KubernetesProviders {
    const common = {
        kubeconfig: args.kubeconfig,
        context: args.context,
        clusterIdentifier: args.clusterIdentifier,
        enableServerSideApply: true,
    };
    return {
        provider: new Provider(name, common, opts),
        retainedProvider: new Provider(`${name}-retained`, { ...common, upsertExistingObjects: true, enablePatchForce: true }, opts),
    };
}
