// The layout the issue asked for, checked on the source itself: one folder per target, one per
// layer, imports only down the data flow (config -> cluster -> platform -> data -> apps; every layer
// may use lib/, the shared leaf), no source file over ~300 lines, and a target's cloud SDK loaded
// only when that target is selected.
import * as fs from "fs";
import * as path from "path";
import { execFile } from "child_process";
import { promisify } from "util";
import { PROJECT_DIR } from "../helpers";

/** The program's own sources (tests and tools aside), relative to the project. */
function sources(): string[] {
    const out: string[] = [];
    const walk = (dir: string) => {
        for (const e of fs.readdirSync(path.join(PROJECT_DIR, dir), { withFileTypes: true })) {
            const rel = path.join(dir, e.name);
            if (e.isDirectory()) walk(rel);
            else if (e.name.endsWith(".ts")) out.push(rel);
        }
    };
    for (const dir of ["components", "lib", "providers"]) walk(dir);
    return [...out, "index.ts", "config.ts", "config-rules.ts", "versions.ts", "credentials.ts"].sort();
}

/** The layer a source belongs to; a file may import its own layer, layers upstream of it, and lib. */
function layer(file: string): string {
    if (file === "index.ts") return "program";
    if (/^(config|config-rules|versions|credentials)\.ts$/.test(file) || /^(providers|components)\/[^/]+\/config\.ts$/.test(file)) return "config";
    if (file.startsWith("lib/")) return "lib";
    if (file.startsWith("providers/")) return "cluster";
    return file.split("/")[1]; // components/<platform|data|apps>/
}
const MAY_IMPORT: Record<string, string[]> = {
    config: ["config", "lib"],
    lib: ["lib", "config"],
    cluster: ["cluster", "config", "lib"],
    platform: ["platform", "config", "lib"],
    data: ["data", "config", "lib"],
    apps: ["apps", "config", "lib"],
    program: ["program", "config", "lib", "cluster", "platform", "data", "apps"],
};

function relativeImports(file: string): string[] {
    const text = fs.readFileSync(path.join(PROJECT_DIR, file), "utf8");
    const specs = [...text.matchAll(/(?:from|require\(|import\()\s*"(\.[^"]*)"/g)].map((m) => m[1]);
    return specs.map((spec) => {
        const base = path.normalize(path.join(path.dirname(file), spec));
        return fs.existsSync(path.join(PROJECT_DIR, `${base}.ts`)) ? `${base}.ts` : path.join(base, "index.ts");
    });
}

test("every import runs down the data flow or into lib/ (no layer reaches back up)", () => {
    const wrong = sources().flatMap((file) =>
        relativeImports(file)
            .filter((target) => !target.startsWith("scripts/"))
            .filter((target) => !MAY_IMPORT[layer(file)].includes(layer(target)))
            .map((target) => `${file} (${layer(file)}) imports ${target} (${layer(target)})`),
    );
    expect(wrong).toEqual([]);
});

test("the check itself sees imports, and would flag a component importing a provider", () => {
    expect(relativeImports("components/data/database.ts")).toContain("lib/workload.ts");
    expect(MAY_IMPORT[layer("components/data/database.ts")]).not.toContain(layer("providers/gke/index.ts"));
});

test("every target lives in its own folder with its config section; built targets have an index", () => {
    for (const target of ["k3d", "existing", "gke", "eks", "doks", "hetzner"]) expect(fs.existsSync(path.join(PROJECT_DIR, "providers", target, "config.ts"))).toBe(true);
    for (const target of ["k3d", "existing", "gke"]) expect(fs.existsSync(path.join(PROJECT_DIR, "providers", target, "index.ts"))).toBe(true);
    for (const layerDir of ["platform", "data", "apps"]) expect(fs.existsSync(path.join(PROJECT_DIR, "components", layerDir))).toBe(true);
    expect(fs.readdirSync(path.join(PROJECT_DIR, "components")).filter((f) => f.endsWith(".ts"))).toEqual([]);
});

test("no source file is longer than ~300 lines", () => {
    const long = sources()
        .map((f) => ({ f, lines: fs.readFileSync(path.join(PROJECT_DIR, f), "utf8").split("\n").length }))
        .filter((x) => x.lines > 310);
    expect(long).toEqual([]);
});

/** Runs a stack's program in a fresh Node process (as Pulumi's host would) and lists the @pulumi packages it loaded. */
async function pulumiPackagesLoaded(stack: string): Promise<string[]> {
    const script = `require("./scripts/offline").runProgram(${JSON.stringify(stack)}).then(() => {
        const pkgs = new Set(Object.keys(require("module")._cache).map((k) => /node_modules[\\/]@pulumi[\\/]([^\\/]+)/.exec(k)?.[1]).filter(Boolean));
        console.log(JSON.stringify([...pkgs].sort()));
    });`;
    const { stdout } = await promisify(execFile)(process.execPath, [require.resolve("ts-node/dist/bin.js"), "--transpile-only", "-e", script], { cwd: PROJECT_DIR, encoding: "utf8" });
    return JSON.parse(stdout.trim().split("\n").pop()!);
}

test("a k3d stack never loads a cloud SDK; a GKE stack loads GCP's; DOKS and Hetzner stacks only their own", async () => {
    // One fresh process per stack, side by side.
    const [dev, prod, doks, hetzner] = await Promise.all(["dev", "prod", "doks", "hetzner"].map(pulumiPackagesLoaded));
    expect(dev).not.toContain("gcp");
    expect(prod).toContain("gcp");
    expect(doks).toContain("digitalocean");
    expect(doks.filter((p) => ["gcp", "aws"].includes(p))).toEqual([]);
    expect(hetzner).toContain("hcloud");
    expect(hetzner.filter((p) => ["gcp", "aws", "digitalocean"].includes(p))).toEqual([]);
}, 240000);
