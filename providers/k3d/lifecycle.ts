// The k3d cluster's whole lifecycle as a Pulumi dynamic provider, because a `local.Command` has no
// read (pulumi-command issue 432): a cluster deleted by hand would stay in state forever and
// `pulumi refresh` could never notice. This provider's read asks k3d, so
// `PULUMI_K8S_DELETE_UNREACHABLE=true pulumi up --refresh` re-creates a lost cluster in one command.
//
// Pulumi serializes this object into the stack's state and runs it in its own process, so it
// uses nothing but Node's built-ins and the `k3d` CLI (K3D_BIN overrides which one, for tests).
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

/** The message a create gives when a cluster of that name exists outside this stack's state. */
export function foreignClusterMessage(name: string, dataDir: string): string {
    return (
        `k3d cluster "${name}" already exists, but this stack's state does not hold it (state lost, or another project uses the name). ` +
        `Its volumes' data lives in ${dataDir} on this machine and survives a re-create: run \`k3d cluster delete ${name}\` and \`pulumi up\` again, ` +
        `or choose another slipway:cluster.name.`
    );
}

/**
 * The k3d CLI as the provider calls it: quiet logging (k3d writes info logs to stdout, which would
 * corrupt its JSON and the kubeconfig) and no K3D_* variables (k3d reads them as config overrides).
 */
function k3dCli(): { run(args: string[], input?: string): string; clusters(): K3dListedCluster[] } {
    const { execFileSync } = require("child_process") as typeof import("child_process");
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("K3D_")));
    const run = (args: string[], input?: string) =>
        execFileSync(process.env.K3D_BIN || "k3d", args, { input, env: { ...env, LOG_LEVEL: "warn" }, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"], maxBuffer: 16 * 1024 * 1024 });
    // A failure here (Docker stopped) throws: nothing is decided from a cluster k3d cannot see.
    return { run, clusters: () => JSON.parse(run(["cluster", "list", "-o", "json"]) || "[]") as K3dListedCluster[] };
}

/** What `k3d cluster list -o json` says of a cluster (k3d pkg/types: Cluster.Name, Node.Role, Node.Created). */
interface K3dListedCluster {
    readonly name: string;
    readonly nodes?: readonly { readonly role?: string; readonly created?: string }[];
}

/** When the cluster's first server container was created: what tells this cluster from a same-named one made later. */
function serverCreated(cluster: K3dListedCluster | undefined): string {
    return cluster?.nodes?.find((n) => n.role === "server")?.created ?? "";
}

export const k3dLifecycle: pulumi.dynamic.ResourceProvider = {
    async diff(_id: string, olds: K3dClusterOutputs & { __provider?: string }, news: K3dClusterInputs & { __provider?: string }) {
        // k3d cannot change a running cluster: any config change re-creates it (the old one goes
        // first, since both would claim the same ports, name and subnet). Volumes live on the host.
        const replaces = (["name", "config", "dataDir"] as const).filter((k) => olds[k] !== news[k]);
        // A newer Slipway's provider code is stored by an update, so later reads and deletes run it
        // (the dynamic-provider host runs read and delete with the code kept in state).
        const newCode = olds.__provider !== undefined && news.__provider !== undefined && olds.__provider !== news.__provider;
        return { changes: replaces.length > 0 || newCode, replaces, deleteBeforeReplace: true };
    },

    async update(_id: string, olds: K3dClusterOutputs, news: K3dClusterInputs) {
        return { outs: { ...news, kubeconfig: olds.kubeconfig, createdAt: olds.createdAt, serverCreated: olds.serverCreated } };
    },

    async create(inputs: K3dClusterInputs) {
        const fs = require("fs") as typeof import("fs");
        const os = require("os") as typeof import("os");
        const path = require("path") as typeof import("path");
        const k3d = k3dCli();
        const home = (p: string) => (p === "~" || p.startsWith("~/") ? path.join(process.env.HOME || os.homedir(), p.slice(1)) : p);

        if (k3d.clusters().some((c) => c.name === inputs.name)) throw new Error(foreignClusterMessage(inputs.name, inputs.dataDir));

        fs.mkdirSync(home(inputs.dataDir), { recursive: true });
        const config = JSON.parse(inputs.config);
        config.volumes = (config.volumes ?? []).map((v: { volume: string }) => ({ ...v, volume: home(v.volume) }));
        // JSON is YAML, which is how k3d reads --config (InitViperWithConfigFile: SetConfigType("yaml")).
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-k3d-"));
        const file = path.join(dir, "cluster.yaml");
        try {
            fs.writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
            k3d.run(["cluster", "create", "--config", file]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
        try {
            const kubeconfig = k3d.run(["kubeconfig", "get", inputs.name]);
            const created = serverCreated(k3d.clusters().find((c) => c.name === inputs.name));
            const createdAt = new Date().toISOString();
            // A new id per creation: the Kubernetes provider's identity follows it, so objects are
            // created again in a re-created cluster instead of being looked for in the old one.
            return { id: `${inputs.name}@${createdAt}`, outs: { ...inputs, kubeconfig, createdAt, serverCreated: created } };
        } catch (e) {
            // A cluster Pulumi could not record would block every later `up` as a foreign cluster.
            k3d.run(["cluster", "delete", inputs.name]);
            throw e;
        }
    },

    async read(id: string, props: K3dClusterOutputs) {
        const k3d = k3dCli();
        const found = k3d.clusters().find((c) => c.name === props.name);
        // An empty id tells the engine the resource is gone: the next `up` creates it again. A
        // cluster of the same name created since (by hand) is not this one either.
        if (!found || (props.serverCreated && serverCreated(found) !== props.serverCreated)) return { id: "", props: {} };
        let kubeconfig = props.kubeconfig;
        try {
            kubeconfig = k3d.run(["kubeconfig", "get", props.name]);
        } catch {
            // A stopped cluster keeps its kubeconfig; the recorded one still applies.
        }
        return { id, props: { ...props, kubeconfig } };
    },

    async delete(_id: string, props: K3dClusterOutputs) {
        const k3d = k3dCli();
        // Already gone (deleted by hand) is what delete wants. The data dir is a host folder k3d
        // never owned: it stays, so a re-created cluster binds the same volumes again.
        if (k3d.clusters().some((c) => c.name === props.name)) k3d.run(["cluster", "delete", props.name]);
    },
};

/** The k3d cluster as a Pulumi resource; `kubeconfig` is a secret output. */
export class K3dClusterResource extends pulumi.dynamic.Resource {
    // `declare`: a class field would reset the outputs super() has just set (ES2022 class fields).
    declare public readonly kubeconfig: pulumi.Output<string>;
    declare public readonly createdAt: pulumi.Output<string>;

    constructor(name: string, args: K3dClusterInputs, opts?: pulumi.CustomResourceOptions) {
        super(k3dLifecycle, name, { ...args, kubeconfig: undefined, createdAt: undefined, serverCreated: undefined }, { ...opts, additionalSecretOutputs: ["kubeconfig"] }, "slipway", "K3dCluster");
    }
}
