// The k3d cluster's whole lifecycle as a Pulumi dynamic provider, because a `local.Command` has no
// read (pulumi-command issue 432): a cluster deleted by hand would stay in state forever and
// `pulumi refresh` could never notice. The provider's read asks k3d, so
// `PULUMI_K8S_DELETE_UNREACHABLE=true pulumi up --refresh` re-creates a lost cluster in one command.
// Its code is k3d-provider.js, which Pulumi keeps in the stack's state and runs in its own process.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

/** What the provider is given: the k3d `Simple` config as written (data dir with `~`), and the cluster's name. */
export interface K3dClusterInputs {
    readonly name: string;
    /** JSON of the k3d.io/v1alpha5 Simple config; `~` in volume paths is this machine's home. */
    readonly config: string;
    /** The host data dir as written (`~/.slipway/<cluster>/data`); created before the cluster. */
    readonly dataDir: string;
}

/** Outputs: the inputs plus the admin kubeconfig (a secret) and when this cluster was created. */
export interface K3dClusterOutputs extends K3dClusterInputs {
    readonly kubeconfig: string;
    readonly createdAt: string;
    /** Docker's creation time of the first server node, as k3d lists it ("" when k3d did not say). */
    readonly serverCreated: string;
}

/**
 * The provider's code as the dynamic-provider host receives it in `__provider`: a CommonJS module
 * whose `handler()` returns the provider (what `pulumi.dynamic.Resource` would produce by
 * serializing a closure; read once, by the k3d target only).
 */
export function k3dProviderSource(): string {
    // LF whatever the checkout did (core.autocrlf): the text is compared with the one in state.
    return (providerSource ??= fs.readFileSync(path.join(__dirname, "k3d-provider.js"), "utf8").replace(/\r\n/g, "\n"));
}
let providerSource: string | undefined;

/**
 * The k3d cluster as a Pulumi resource; `kubeconfig` is a secret output. A dynamic resource is a
 * custom resource of package `pulumi-nodejs:dynamic` whose `__provider` input holds its code
 * (@pulumi/pulumi dynamic/index.js Resource, which is nothing more); built here directly so the
 * code is the module's text rather than a serialized closure.
 */
export class K3dClusterResource extends pulumi.CustomResource {
    // `declare`: a class field would reset the outputs super() has just set (ES2022 class fields).
    declare public readonly kubeconfig: pulumi.Output<string>;
    declare public readonly createdAt: pulumi.Output<string>;

    constructor(name: string, args: K3dClusterInputs, opts?: pulumi.CustomResourceOptions) {
        const outputs = { kubeconfig: undefined, createdAt: undefined, serverCreated: undefined };
        super("pulumi-nodejs:dynamic/slipway:K3dCluster", name, { ...args, ...outputs, __provider: k3dProviderSource() }, { ...opts, additionalSecretOutputs: ["kubeconfig"] });
    }
}
