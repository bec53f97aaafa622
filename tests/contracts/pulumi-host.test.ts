// How Pulumi's Node.js host will run the program (@pulumi/pulumi 3.248.0 cmd/run/run.js): it reads
// the tsconfig named by Pulumi.yaml's runtime.options.tsconfig and runs ts-node transpile-only when
// that tsconfig's compilerOptions.noCheck is true ("Otherwise we use the `noCheck` compiler option").
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { PROJECT_DIR } from "../helpers";

const tsutils = require("@pulumi/pulumi/tsutils") as { loadTypeScriptCompilerOptions(p: string): { noCheck?: boolean } };

test("Pulumi runs the program transpile-only; `npm run typecheck` still type-checks", () => {
    const project = yaml.load(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")) as any;
    const tsconfig = project.runtime.options.tsconfig;
    expect(project.runtime.options.typescript).toBe(true);
    expect(tsutils.loadTypeScriptCompilerOptions(path.join(PROJECT_DIR, tsconfig)).noCheck).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, tsconfig), "utf8")).extends).toBe("./tsconfig.json");
    // The type-check has its own, checking tsconfig.
    expect(tsutils.loadTypeScriptCompilerOptions(path.join(PROJECT_DIR, "tsconfig.json")).noCheck).toBeUndefined();
    expect(JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")).scripts.typecheck).toBe("tsc --noEmit");
});

test("the host transpiles with swc, which the project installs (ts-node's `swc` option implies transpile-only)", () => {
    const project = yaml.load(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")) as any;
    const tsconfig = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, project.runtime.options.tsconfig), "utf8"));
    // ts-node reads its own options from the "ts-node" field of the tsconfig the host names (ts-node README "Configuration").
    expect(tsconfig["ts-node"]).toEqual({ swc: true });
    // A runtime dependency, not a dev one: `pulumi up` on a production install must find it.
    expect(JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")).dependencies["@swc/core"]).toBeDefined();
    expect(() => require("@swc/core").transformSync("const a: number = 1;", { jsc: { parser: { syntax: "typescript" } } })).not.toThrow();
});

test("under the host, ts-node compiles TypeScript only: no hook on the SDKs' .js files", () => {
    // tsconfig.json allows JS so `npm run typecheck` checks providers/k3d/k3d-provider.js; ts-node
    // hooks `.js` whenever the tsconfig it is given does (ts-node dist/file-extensions.js: `allowJs`
    // adds .js to the compiled extensions), and every SDK module it loads would pass that hook.
    const project = yaml.load(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")) as any;
    const service = require("ts-node").create({ project: path.join(PROJECT_DIR, project.runtime.options.tsconfig), transpileOnly: true });
    expect(service.extensions.compiled).not.toContain(".js");
    expect(require("ts-node").create({ project: path.join(PROJECT_DIR, "tsconfig.json"), transpileOnly: true }).extensions.compiled).toContain(".js");
});
