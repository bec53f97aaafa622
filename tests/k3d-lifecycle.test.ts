// The k3d cluster's lifecycle as the engine runs it: the dynamic provider serialized exactly as
// the dev stack records it into state, loaded the way Pulumi's dynamic-provider host loads it
// (`requireFromString(text).handler()`), and driven against a fake `k3d` CLI that keeps its
// clusters in a folder. Create, a second `up`, a refresh after `k3d cluster delete` by hand, a
// refresh with Docker stopped, a config change, and destroy: what each one does to the cluster
// and to the data dir.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { K3dClusterInputs, K3dClusterOutputs } from "../providers/k3d/lifecycle";
import { find, PROJECT_DIR, runStack } from "./helpers";

// A stand-in for the k3d CLI: clusters are JSON files in $FAKE_K3D_STATE; $FAKE_K3D_DOWN makes
// every command fail the way k3d does when Docker is not running.
const FAKE_K3D = `#!/usr/bin/env node
const fs = require("fs"), path = require("path");
const dir = process.env.FAKE_K3D_STATE;
const args = process.argv.slice(2);
fs.appendFileSync(path.join(dir, "calls.log"), args.join(" ") + "\\n");
fs.appendFileSync(path.join(dir, "env.log"), JSON.stringify({ LOG_LEVEL: process.env.LOG_LEVEL, K3D: Object.keys(process.env).filter((k) => k.startsWith("K3D_")) }) + "\\n");
if (process.env.FAKE_K3D_DOWN) { console.error("FATA[0000] runtime docker not running"); process.exit(1); }
const file = (n) => path.join(dir, "cluster-" + n + ".json");
const names = () => fs.readdirSync(dir).filter((f) => f.startsWith("cluster-")).map((f) => f.slice(8, -5));
const [a, b, c, d] = args;
if (a === "cluster" && b === "list") {
  process.stdout.write(JSON.stringify(names().map((name) => ({ name, nodes: [{ role: "server", created: String(fs.statSync(file(name)).mtimeMs) }] }))));
  process.exit(0);
}
if (a === "cluster" && b === "create" && c === "--config") {
  const config = JSON.parse(fs.readFileSync(d, "utf8"));
  if (config.network && config.subnet) { console.error("cannot specify subnet for exiting network"); process.exit(1); }
  fs.writeFileSync(file(config.metadata.name), JSON.stringify(config)); process.exit(0);
}
if (a === "cluster" && b === "delete") { fs.rmSync(file(c)); process.exit(0); }
if (a === "kubeconfig" && b === "get") {
  if (process.env.FAKE_K3D_KUBECONFIG_FAILS) { console.error("cannot read kubeconfig"); process.exit(1); }
  if (!fs.existsSync(file(c))) { console.error("No nodes found for given cluster"); process.exit(1); }
  process.stdout.write("apiVersion: v1\\nkind: Config\\n# fake " + c + " " + fs.statSync(file(c)).mtimeMs + "\\n"); process.exit(0);
}
console.error("unexpected: " + args.join(" ")); process.exit(2);
`;

interface Lifecycle {
    diff(id: string, olds: K3dClusterOutputs, news: K3dClusterInputs): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }>;
    create(inputs: K3dClusterInputs): Promise<{ id: string; outs: K3dClusterOutputs }>;
    read(id: string, props: K3dClusterOutputs): Promise<{ id: string; props: Partial<K3dClusterOutputs> }>;
    delete(id: string, props: K3dClusterOutputs): Promise<void>;
}

describe("the k3d cluster's lifecycle, run by the provider code the dev stack stores in state", () => {
    let lifecycle: Lifecycle;
    let serialized: string;
    let foreignClusterMessage: (name: string, dataDir: string) => string;
    let inputs: K3dClusterInputs;
    let work: string;
    let home: string;
    const saved = { HOME: process.env.HOME, K3D_BIN: process.env.K3D_BIN, FAKE_K3D_STATE: process.env.FAKE_K3D_STATE, K3D_FIX_DNS: process.env.K3D_FIX_DNS };
    const calls = () => fs.readFileSync(path.join(process.env.FAKE_K3D_STATE!, "calls.log"), "utf8").trim().split("\n");
    const clusterFile = (name: string) => path.join(process.env.FAKE_K3D_STATE!, `cluster-${name}.json`);

    beforeAll(async () => {
        const dev = await runStack("dev");
        const recorded = find(dev, "pulumi-nodejs:dynamic/slipway:K3dCluster", "shop-k3d");
        serialized = recorded.dynamicProvider!;
        inputs = { name: recorded.inputs.name, config: recorded.inputs.config, dataDir: recorded.inputs.dataDir };
        // What Pulumi's dynamic-provider host does with the text in state.
        work = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-k3d-lifecycle-"));
        const moduleFile = path.join(work, "provider.js");
        fs.writeFileSync(moduleFile, serialized);
        const loaded = require(moduleFile);
        lifecycle = loaded.handler();
        foreignClusterMessage = loaded.foreignClusterMessage;
    });

    beforeEach(() => {
        home = fs.mkdtempSync(path.join(work, "home-"));
        const state = fs.mkdtempSync(path.join(work, "k3d-"));
        const bin = path.join(state, "k3d");
        fs.writeFileSync(bin, FAKE_K3D, { mode: 0o755 });
        fs.writeFileSync(path.join(state, "calls.log"), "");
        Object.assign(process.env, { HOME: home, K3D_BIN: bin, FAKE_K3D_STATE: state });
        delete process.env.FAKE_K3D_DOWN;
        delete process.env.FAKE_K3D_KUBECONFIG_FAILS;
    });

    afterAll(() => {
        for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
        delete process.env.FAKE_K3D_DOWN;
        fs.rmSync(work, { recursive: true, force: true });
    });

    test("what is stored in state names no path of this machine and needs nothing outside Node", () => {
        expect(serialized).not.toContain(os.homedir());
        expect(serialized).not.toContain(PROJECT_DIR);
        const required = [...serialized.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
        expect(new Set(required)).toEqual(new Set(["child_process", "fs", "os", "path"]));
        // The host compiles the text with no file name (cmd/dynamic-provider/index.js getProvider:
        // requireFromString(text)): the module has no folder of its own to resolve anything against.
        expect(serialized).not.toMatch(/__dirname|__filename|require\(\s*[^"\s]/);
    });

    test("k3d runs with quiet logs (its info lines go to stdout) and without the user's K3D_* overrides", async () => {
        process.env.K3D_FIX_DNS = "0";
        await lifecycle.create(inputs);
        const envs = fs.readFileSync(path.join(process.env.FAKE_K3D_STATE!, "env.log"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
        expect(envs.every((e) => e.LOG_LEVEL === "warn" && e.K3D.filter((k: string) => k !== "K3D_BIN").length === 0)).toBe(true);
    });

    test("a create that fails after k3d made the cluster deletes it again, so the next up is not blocked", async () => {
        process.env.FAKE_K3D_KUBECONFIG_FAILS = "1";
        await expect(lifecycle.create(inputs)).rejects.toThrow(/cannot read kubeconfig/);
        expect(fs.existsSync(clusterFile("shop"))).toBe(false);
        expect(calls()).toContain("cluster delete shop");
    });

    test("refresh after the cluster was deleted and a same-named one made by hand: not ours, dropped from state", async () => {
        const { id, outs } = await lifecycle.create(inputs);
        fs.rmSync(clusterFile("shop"));
        await new Promise((r) => setTimeout(r, 20));
        fs.writeFileSync(clusterFile("shop"), "{}");
        expect((await lifecycle.read(id, outs)).id).toBe("");
    });

    test("newer provider code is recorded by an update that keeps the cluster and its kubeconfig", async () => {
        const { outs } = await lifecycle.create(inputs);
        const diff = await lifecycle.diff("id", { ...outs, __provider: "old code" } as any, { ...inputs, __provider: "new code" } as any);
        expect(diff).toEqual({ changes: true, replaces: [], deleteBeforeReplace: true });
        const updated = await (lifecycle as any).update("id", outs, inputs);
        expect(updated.outs).toEqual(outs);
    });

    test("create: makes the data dir under this user's home, gives k3d the config with it, returns the kubeconfig", async () => {
        const { id, outs } = await lifecycle.create(inputs);
        const dataDir = path.join(home, inputs.dataDir.slice(2));
        expect(fs.statSync(dataDir).isDirectory()).toBe(true);
        const given = JSON.parse(fs.readFileSync(clusterFile("shop"), "utf8"));
        expect(given.volumes[0].volume).toBe(`${dataDir}:/var/lib/rancher/k3s/storage`);
        expect(given.network).toBeUndefined();
        expect(outs.kubeconfig).toContain("# fake shop");
        expect(outs.config).toBe(inputs.config);
        expect(id).toMatch(/^shop@/);
    });

    test("create refuses a cluster of the same name that the state does not hold, and says how to recover", async () => {
        await lifecycle.create(inputs);
        await expect(lifecycle.create(inputs)).rejects.toThrow(foreignClusterMessage("shop", inputs.dataDir));
        expect(calls().filter((c) => c.startsWith("cluster create"))).toHaveLength(1);
    });

    test("a second up with the same config changes nothing, whoever's home it runs in", async () => {
        const { outs } = await lifecycle.create(inputs);
        expect(await lifecycle.diff("id", outs, { ...inputs })).toEqual({ changes: false, replaces: [], deleteBeforeReplace: true });
    });

    test("a config change (e.g. the Kubernetes minor) replaces the cluster, deleting the old one first", async () => {
        const { outs } = await lifecycle.create(inputs);
        const config = { ...JSON.parse(inputs.config), image: "rancher/k3s:v9.99.0-k3s1" };
        const diff = await lifecycle.diff("id", outs, { ...inputs, config: JSON.stringify(config) });
        expect(diff).toEqual({ changes: true, replaces: ["config"], deleteBeforeReplace: true });
    });

    test("refresh while the cluster runs keeps it and takes its current kubeconfig", async () => {
        const { id, outs } = await lifecycle.create(inputs);
        const read = await lifecycle.read(id, { ...outs, kubeconfig: "stale" });
        expect(read.id).toBe(id);
        expect(read.props.kubeconfig).toContain("# fake shop");
    });

    test("refresh after `k3d cluster delete` by hand drops the cluster from state (the next up creates it again)", async () => {
        const { id, outs } = await lifecycle.create(inputs);
        fs.rmSync(clusterFile("shop"));
        expect((await lifecycle.read(id, outs)).id).toBe("");
        // ...and that next create succeeds and binds the same data dir.
        const again = await lifecycle.create(inputs);
        expect(again.id).not.toBe(id);
        const dataDir = path.join(home, inputs.dataDir.slice(2));
        expect(JSON.parse(fs.readFileSync(clusterFile("shop"), "utf8")).volumes[0].volume).toBe(`${dataDir}:/var/lib/rancher/k3s/storage`);
    });

    test("refresh with Docker stopped fails instead of dropping the cluster", async () => {
        const { id, outs } = await lifecycle.create(inputs);
        process.env.FAKE_K3D_DOWN = "1";
        await expect(lifecycle.read(id, outs)).rejects.toThrow(/docker not running/);
    });

    test("destroy deletes the cluster and never the data dir", async () => {
        const { id, outs } = await lifecycle.create(inputs);
        const dataDir = path.join(home, inputs.dataDir.slice(2));
        fs.mkdirSync(path.join(dataDir, "shop", "data-postgres-0"), { recursive: true });
        fs.writeFileSync(path.join(dataDir, "shop", "data-postgres-0", "PG_VERSION"), "16\n");
        await lifecycle.delete(id, outs);
        expect(fs.existsSync(clusterFile("shop"))).toBe(false);
        expect(fs.readFileSync(path.join(dataDir, "shop", "data-postgres-0", "PG_VERSION"), "utf8")).toBe("16\n");
        expect(calls()).toContain("cluster delete shop");
    });

    test("destroy of a cluster already deleted by hand succeeds without calling k3d delete", async () => {
        const { id, outs } = await lifecycle.create(inputs);
        fs.rmSync(clusterFile("shop"));
        await expect(lifecycle.delete(id, outs)).resolves.toBeUndefined();
        expect(calls().filter((c) => c.startsWith("cluster delete"))).toEqual([]);
    });
});
