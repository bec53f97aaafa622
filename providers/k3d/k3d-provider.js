// @ts-check
// The k3d cluster's dynamic provider, exactly as Pulumi stores it in the stack's state and runs it:
// the dynamic-provider host calls `requireFromString(text).handler()` on this file's text
// (@pulumi/pulumi cmd/dynamic-provider/index.js getProvider) in its own process, so it uses nothing
// but Node's built-ins and the `k3d` CLI (K3D_BIN overrides which one, for tests).
//
// Plain JavaScript, read as text by lifecycle.ts, instead of a closure Pulumi serializes: the text in
// state is then the same whatever compiled the program (ts-node with swc and with tsc render a
// function's source differently, and each difference is an update of the cluster), and no preview
// pays for closure serialization (a V8 inspector session over every loaded script).
//
// Every byte of this file (comments too) is what state holds: any edit shows on the next `up` as an
// update of the cluster resource, which runs `update` below (no k3d call) and keeps the cluster.
"use strict";

/** @typedef {import("./lifecycle").K3dClusterInputs} K3dClusterInputs */
/** @typedef {import("./lifecycle").K3dClusterOutputs} K3dClusterOutputs */
/** @typedef {K3dClusterInputs & { __provider?: string }} WithCode */
/** What `k3d cluster list -o json` says of a cluster (k3d pkg/types: Cluster.Name, Node.Role, Node.Created). */
/** @typedef {{ name: string, nodes?: { role?: string, created?: string }[] }} K3dListedCluster */

/**
 * The message a create gives when a cluster of that name exists outside this stack's state.
 * @param {string} name
 * @param {string} dataDir
 */
function foreignClusterMessage(name, dataDir) {
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
function k3dCli() {
    const { execFileSync } = require("child_process");
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("K3D_")));
    /** @type {(args: string[], input?: string) => string} */
    const run = (args, input) =>
        execFileSync(process.env.K3D_BIN || "k3d", args, { input, env: { ...env, LOG_LEVEL: "warn" }, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"], maxBuffer: 16 * 1024 * 1024 });
    // A failure here (Docker stopped) throws: nothing is decided from a cluster k3d cannot see.
    /** @type {() => K3dListedCluster[]} */
    const clusters = () => JSON.parse(run(["cluster", "list", "-o", "json"]) || "[]");
    return { run, clusters };
}

/**
 * When the cluster's first server container was created: what tells this cluster from a same-named one made later.
 * @param {K3dListedCluster | undefined} cluster
 */
function serverCreated(cluster) {
    return cluster?.nodes?.find((n) => n.role === "server")?.created ?? "";
}

const provider = {
    /** @param {string} _id @param {K3dClusterOutputs & WithCode} olds @param {WithCode} news */
    async diff(_id, olds, news) {
        // k3d cannot change a running cluster: any config change re-creates it (the old one goes
        // first, since both would claim the same ports, name and subnet). Volumes live on the host.
        const replaces = /** @type {const} */ (["name", "config", "dataDir"]).filter((k) => olds[k] !== news[k]);
        // A newer Slipway's provider code is stored by an update, so later reads and deletes run it
        // (the dynamic-provider host runs read and delete with the code kept in state).
        const newCode = olds.__provider !== undefined && news.__provider !== undefined && olds.__provider !== news.__provider;
        return { changes: replaces.length > 0 || newCode, replaces, deleteBeforeReplace: true };
    },

    /** @param {string} _id @param {K3dClusterOutputs} olds @param {K3dClusterInputs} news */
    async update(_id, olds, news) {
        return { outs: { ...news, kubeconfig: olds.kubeconfig, createdAt: olds.createdAt, serverCreated: olds.serverCreated } };
    },

    /** @param {K3dClusterInputs} inputs */
    async create(inputs) {
        const fs = require("fs");
        const os = require("os");
        const path = require("path");
        const k3d = k3dCli();
        /** @param {string} p */
        const home = (p) => (p === "~" || p.startsWith("~/") ? path.join(process.env.HOME || os.homedir(), p.slice(1)) : p);

        if (k3d.clusters().some((c) => c.name === inputs.name)) throw new Error(foreignClusterMessage(inputs.name, inputs.dataDir));

        fs.mkdirSync(home(inputs.dataDir), { recursive: true });
        const config = JSON.parse(inputs.config);
        config.volumes = (config.volumes ?? []).map((/** @type {{ volume: string }} */ v) => ({ ...v, volume: home(v.volume) }));
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

    /** @param {string} id @param {K3dClusterOutputs} props */
    async read(id, props) {
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

    /** @param {string} _id @param {K3dClusterOutputs} props */
    async delete(_id, props) {
        const k3d = k3dCli();
        // Already gone (deleted by hand) is what delete wants. The data dir is a host folder k3d
        // never owned: it stays, so a re-created cluster binds the same volumes again.
        if (k3d.clusters().some((c) => c.name === props.name)) k3d.run(["cluster", "delete", props.name]);
    },
};

/** What the dynamic-provider host calls on this module. */
exports.handler = () => provider;
exports.foreignClusterMessage = foreignClusterMessage;
