// Config precedence as the Pulumi CLI applies it before the program runs (pulumi/pulumi v3.248.0,
// sdk/go/common/workspace/{config.go mergeConfig, project.go Validate and
// RewriteShorthandConfigValues, project.json}): the apps are declared once in Pulumi.yaml, a stack
// file holds only what differs, and a stack value replaces the project's outright.
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as os from "os";
import * as path from "path";
import { resolveStackConfig } from "../../scripts/project-config";
import { findAll, PROJECT_DIR, runStack, stackNames } from "../helpers";

const project = yaml.load(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")) as { name: string; config: Record<string, any> };
const stackFile = (stack: string) => (yaml.load(fs.readFileSync(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> }).config;

describe("the project's own config", () => {
    test("every stack resolves as the CLI would: no declared key is left for a stack to set (the CLI would stop `up` with 'missing configuration value')", () => {
        for (const stack of stackNames()) {
            expect(() => resolveStackConfig(project.name, stack, project.config, stackFile(stack))).not.toThrow();
        }
        // The trap the skeleton fell into: an optional key declared with a type but no default is required.
        expect(() => resolveStackConfig(project.name, "dev", { ...project.config, "slipway:namespace": { type: "string" } }, stackFile("dev"))).toThrow(
            "Stack 'dev' is missing configuration value 'slipway:namespace'",
        );
    });

    test("the apps are declared once, under `value:` (an object or list in short form fails the CLI's schema), and no stack file repeats them", () => {
        expect(Array.isArray(project.config["slipway:apps"].value)).toBe(true);
        for (const stack of stackNames()) expect(Object.keys(stackFile(stack))).not.toContain("slipway:apps");
        const apps = JSON.parse(resolveStackConfig(project.name, "prod", project.config, stackFile("prod")).config["slipway:apps"]);
        expect(apps).toEqual(project.config["slipway:apps"].value);
    });

    test("a stack file says only what differs: each sets its target and the target's own section, and nothing equal to the project's value", () => {
        for (const stack of stackNames()) {
            const own = stackFile(stack);
            const target = own["slipway:target"] as string;
            expect(target).toBeDefined();
            expect(Object.keys(own)).toContain(`slipway:${target}`);
            // The target is named in every stack file on purpose, even where it equals the default.
            for (const [key, value] of Object.entries(own).filter(([k]) => k !== "slipway:target")) {
                const shared = project.config[key];
                expect({ stack, key, same: shared !== undefined && JSON.stringify(shared.value ?? shared.default) === JSON.stringify(value) }).toEqual({ stack, key, same: false });
            }
        }
    });
});

describe("precedence and the CLI's refusals", () => {
    const apps = [{ name: "web", kind: "web", image: "nginx:1.27" }, { name: "worker", kind: "worker", image: "nginx:1.27" }];
    const declared = { "slipway:apps": { value: apps }, "slipway:target": { type: "string", default: "k3d" } };

    test("a stack value replaces the project's whole object (mergeConfig sets the project value only when the stack lacks the key; no deep merge)", () => {
        const own = resolveStackConfig("slipway", "s", declared, { "slipway:apps": [{ name: "api", kind: "web", image: "x:1" }] });
        expect(JSON.parse(own.config["slipway:apps"])).toEqual([{ name: "api", kind: "web", image: "x:1" }]);
        const inherited = resolveStackConfig("slipway", "s", declared, { "slipway:target": "gke" });
        expect(JSON.parse(inherited.config["slipway:apps"])).toEqual(apps);
        expect(inherited.config["slipway:target"]).toBe("gke");
        expect(resolveStackConfig("slipway", "s", declared, {}).config["slipway:target"]).toBe("k3d");
    });

    test("short forms: a bare key is a default in the project's namespace; another namespace's is a value (RewriteShorthandConfigValues)", () => {
        const resolved = resolveStackConfig("slipway", "s", { replicas: 2, "gcp:region": "us-central1", tags: ["a", "b"] }, {});
        expect(resolved.config).toEqual({ "slipway:replicas": "2", "gcp:region": "us-central1", "slipway:tags": '["a","b"]' });
    });

    test("refusals, with the CLI's messages", () => {
        const resolve = (config: Record<string, unknown>, stack: Record<string, unknown> = {}) => () => resolveStackConfig("slipway", "s", config, stack);
        // project.json: a short-form object is neither a scalar, an array nor a declaration.
        expect(resolve({ "slipway:apps": { web: { image: "x" } } })).toThrow(/config 'slipway:apps' is not a valid entry.*oneOf failed.*'value:'.*found web/);
        expect(resolve({ "gcp:region": { default: "us-central1" } })).toThrow("Did you mean to use the 'value' attribute instead of 'default'?");
        expect(resolve({ "gcp:region": { type: "string", value: "x" } })).toThrow("is not namespaced by the project and should not define a type");
        expect(resolve({ "slipway:apps": { value: [], default: [] } })).toThrow("cannot have both a 'default' and 'value' attribute");
        expect(resolve({ "slipway:zones": { type: "array", default: [] } })).toThrow("does not specify the underlying type via the 'items' attribute");
        expect(resolve({ "slipway:size": { type: "integer", default: "big" } })).toThrow("The default value specified for configuration key 'slipway:size' is not of the expected type 'integer'");
        expect(resolve({ "slipway:size": { type: "integer" } }, { "slipway:size": "big" })).toThrow("Stack 's' with configuration key 'slipway:size' must be of type 'integer'");
        expect(resolve({ "slipway:size": { type: "integer" } }, { "slipway:size": "3" })).not.toThrow();
        expect(resolve({ "slipway:token": { type: "string", secret: true } }, { "slipway:token": "plain" })).toThrow("must be encrypted as it's secret");
        expect(resolve({ "slipway:token": { type: "string", secret: true } }, { "slipway:token": { secure: "v1:abc" } })).not.toThrow();
        expect(resolve({ a: { type: "string" }, b: { type: "string" }, c: { type: "string" } })).toThrow("Stack 's' is missing configuration values 'a', 'b' and 'c'");
    });

    test("project values are checked like stack values (mergeConfig copies them in, then validates every typed key)", () => {
        const resolve = (config: Record<string, unknown>, stack: Record<string, unknown> = {}) => () => resolveStackConfig("slipway", "s", config, stack);
        expect(resolve({ "slipway:apps": { type: "object", value: [{ name: "web" }] } })).toThrow("Stack 's' with configuration key 'slipway:apps' must be of type 'object'");
        expect(resolve({ "slipway:token": { type: "string", secret: true, default: "x" } })).toThrow("must be encrypted as it's secret");
        // Missing keys are reported before any type error.
        expect(resolve({ a: { type: "string" }, "slipway:n": { type: "integer" } }, { "slipway:n": "x" })).toThrow("missing configuration value 'a'");
    });

    test("keys and values as the CLI reads them: the old <ns>:config:<name> form, empty values, sorted JSON keys, dotted project keys as paths", () => {
        const resolved = resolveStackConfig("slipway", "s", { "slipway:cluster.kubernetesVersion": { default: "1.35" } }, { "slipway:config:target": "gke", "slipway:note": null, "slipway:cluster": { name: "shop", b: 1, a: 2 } });
        expect(resolved.config).toEqual({ "slipway:target": "gke", "slipway:note": "", "slipway:cluster": '{"a":2,"b":1,"kubernetesVersion":"1.35","name":"shop"}' });
        // A stack that sets the path keeps its own value.
        const own = resolveStackConfig("slipway", "s", { "slipway:cluster.kubernetesVersion": { default: "1.35" } }, { "slipway:cluster": { kubernetesVersion: "1.36" } });
        expect(JSON.parse(own.config["slipway:cluster"]).kubernetesVersion).toBe("1.36");
        expect(() => resolveStackConfig("slipway", "s", {}, { "a:b:c": 1 })).toThrow("could not parse a:b:c as a configuration key");
    });

    test("a secure value anywhere inside a stack's object marks the key secret and never reaches the program as ciphertext", () => {
        const resolved = resolveStackConfig("slipway", "s", {}, { "slipway:backup": { bucket: "b", key: { secure: "v1:abc" } } });
        expect(resolved.secretKeys).toEqual(["slipway:backup"]);
        expect(resolved.config["slipway:backup"]).not.toContain("v1:abc");
    });
});

test("the program deploys a stack's own apps when its file overrides the project's, and the project's otherwise", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-config-"));
    try {
        fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        const own = { ...stackFile("dev"), "slipway:apps": [{ name: "api", kind: "web", image: "nginx:1.27", port: 8080 }] };
        fs.writeFileSync(path.join(dir, "Pulumi.solo.yaml"), yaml.dump({ config: own }));
        const { loadStackConfig } = require("../../scripts/offline") as typeof import("../../scripts/offline");
        const solo = await runStack("solo", loadStackConfig("solo", dir));
        expect(findAll(solo, "slipway:app:App").map((a) => a.name)).toEqual(["api"]);
        const dev = await runStack("dev");
        expect(findAll(dev, "slipway:app:App").map((a) => a.name).sort()).toEqual(project.config["slipway:apps"].value.map((a: { name: string }) => a.name).sort());
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});
