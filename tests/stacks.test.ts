// Every stack file in the project, end to end under mocks: it runs, it deploys the same apps as
// dev (the switch promise), it holds no plaintext credential, and its secrets stay secret.
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import type { ProgramRun } from "../scripts/offline";
import type { ObservedRun } from "./helpers";
import { estimateMonthlyCost } from "../scripts/cost";
import { allStrings, findAll, kubernetesProviderOf, onWrongKubernetesProvider, observeRun, plainStrings, PROJECT_DIR, secretStrings, stackNames, stackValues } from "./helpers";

const STACKS = stackNames();
const runs = new Map<string, ObservedRun>();

beforeAll(async () => {
    for (const stack of STACKS) runs.set(stack, await observeRun(stack));
}, 60000 * Math.max(1, STACKS.length));

const stackFile = (stack: string) => yaml.load(fs.readFileSync(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, any> };
const ran = (stack: string) => {
    const observed = runs.get(stack)!;
    if (observed.error) throw observed.error;
    return observed.run!;
};

// Keys whose value is a credential: the value must be `secure:` (or generated), never plain text.
const SECRET_KEY = /(password|passwd|secret|token|private[_-]?key|api[_-]?key|access[_-]?key|credential)/i;
const SECRET_TEXT = [/:\/\/[^\s/:@]+:[^\s/@]+@/, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, /\bAKIA[0-9A-Z]{16}\b/];

/** Where a stack file's config holds a credential in plain text (key paths). */
function plaintextCredentials(config: unknown, at = ""): string[] {
    if (typeof config === "string") return SECRET_TEXT.some((re) => re.test(config)) ? [at] : [];
    if (Array.isArray(config)) return config.flatMap((v, i) => plaintextCredentials(v, `${at}[${i}]`));
    if (!config || typeof config !== "object") return [];
    if ("secure" in config) return [];
    return Object.entries(config).flatMap(([k, v]) => {
        const key = at ? `${at}.${k}` : k;
        if (SECRET_KEY.test(k) && (typeof v === "string" || typeof v === "number")) return [key];
        return plaintextCredentials(v, key);
    });
}

test("the project has the dev and e2e stack files", () => {
    expect(STACKS).toEqual(expect.arrayContaining(["dev", "e2e"]));
});

describe.each(STACKS)("Pulumi.%s.yaml", (stack) => {
    test("runs end to end under mocks", () => {
        const run = ran(stack);
        expect(run.resources.length).toBeGreaterThan(0);
        expect(run.outputs.target).toBe(stackFile(stack).config["slipway:target"]);
    });

    test("deploys the same slipway:apps as dev (Pulumi.yaml's, merged as the CLI merges)", () => {
        expect(stackValues(stack)["slipway:apps"]).toEqual(stackValues("dev")["slipway:apps"]);
        expect(findAll(ran(stack), "slipway:app:App").map((a) => a.name)).toEqual(findAll(ran("dev"), "slipway:app:App").map((a) => a.name));
    });

    test("holds no plaintext credential", () => {
        expect(plaintextCredentials(stackFile(stack).config)).toEqual([]);
    });

    test("its costEstimate output is the plan's estimate over every resource it registered (the ledger misses none)", () => {
        const run = ran(stack);
        const output = run.outputs.costEstimate as ReturnType<typeof estimateMonthlyCost>;
        expect(output).toEqual(estimateMonthlyCost(run.resources));
        expect(run.secretOutputs).not.toContain("costEstimate");
        expect(output.items.every((i) => i.monthly !== null && i.monthly >= 0)).toBe(true);
        expect(output.monthlyTotal).toBeCloseTo(output.items.reduce((sum, i) => sum + i.monthly!, 0), 1);
        if (output.items.length > 0) expect(output.priceTables).toEqual([expect.stringMatching(/^\d{4}-\d{2}$/)]);
    });

    test("every Kubernetes resource goes through the stack's own providers: retained objects adopt, the rest create", () => {
        expect(onWrongKubernetesProvider(ran(stack))).toEqual([]);
    });

    test("every resource but the top-level components has a parent", () => {
        const run = ran(stack);
        const urns = new Set(run.resources.map((r) => r.urn));
        expect(run.resources.filter((r) => (r.parent === "" ? r.custom : !urns.has(r.parent))).map((r) => r.name)).toEqual([]);
    });

    test("components send the engine no inputs: their args (providers, Outputs, secrets) stay out of state", () => {
        const components = ran(stack).resources.filter((r) => !r.custom && r.type.startsWith("slipway:"));
        expect(components.length).toBeGreaterThan(0);
        expect(components.filter((c) => Object.keys(c.inputs).length > 0).map((c) => c.name)).toEqual([]);
    });

    test("every Kubernetes Secret's data is secret", () => {
        for (const secret of findAll(ran(stack), "kubernetes:core/v1:Secret")) {
            for (const field of ["stringData", "data"]) {
                if (secret.inputs[field] !== undefined) expect(secret.secretPaths).toContain(field);
            }
        }
    });

    // The mock runtime's secret values (generated passwords, secret config) all carry this marker.
    const secretTokens = (run: ProgramRun) =>
        new Set(run.resources.flatMap((r) => secretStrings(r).flatMap((s) => s.match(/offline-[A-Za-z0-9_-]{6,}/g) ?? [])));

    test("no generated or configured secret value appears in plain inputs or plain outputs", () => {
        const run = ran(stack);
        const tokens = secretTokens(run);
        if (findAll(run, "RandomPassword").length > 0) expect(tokens.size).toBeGreaterThan(0);
        const plain = [
            ...run.resources.flatMap((r) => plainStrings(r).map((s) => [`${r.type} ${r.name}`, s])),
            ...Object.entries(run.outputs)
                .filter(([k]) => !run.secretOutputs.includes(k))
                .map(([k, v]) => [`output ${k}`, JSON.stringify(v) ?? ""]),
        ];
        const leaks = plain.flatMap(([where, s]) => [...tokens].filter((t) => s.includes(t)).map(() => where));
        expect(leaks).toEqual([]);
    });

    test("secret values reach the cluster only inside Kubernetes Secrets (never a ConfigMap, env literal or chart value)", () => {
        const run = ran(stack);
        const tokens = [...secretTokens(run)];
        const leaks = run.resources
            .filter((r) => r.type.startsWith("kubernetes:") && r.type !== "kubernetes:core/v1:Secret")
            .filter((r) => allStrings(r.inputs).some((s) => tokens.some((t) => s.includes(t))))
            .map((r) => `${r.type} ${r.name}`);
        expect(leaks).toEqual([]);
    });

    test("a kubeconfig output, where there is one, is secret", () => {
        const run = ran(stack);
        if (run.outputs.kubeconfig !== undefined) expect(run.secretOutputs).toContain("kubeconfig");
    });
});

test("Pulumi.yaml's shared config holds no plaintext credential either", () => {
    const project = yaml.load(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")) as { config: Record<string, any> };
    expect(plaintextCredentials(Object.fromEntries(Object.entries(project.config).map(([k, d]) => [k, d?.value ?? d?.default ?? d])))).toEqual([]);
});

test("the dev stack exports its kubeconfig (as a secret)", () => {
    const dev = ran("dev");
    expect(dev.outputs.kubeconfig).toEqual(expect.any(String));
    expect(dev.secretOutputs).toContain("kubeconfig");
});

test("the e2e stack reaches its cluster through the `e2e` context, with no kubeconfig contents", () => {
    const e2e = ran("e2e");
    const { resource } = kubernetesProviderOf(e2e);
    expect(resource.inputs.context).toBe("e2e");
    expect(resource.inputs.kubeconfig).toBeUndefined();
    expect(resource.inputs.clusterIdentifier).toEqual(expect.any(String));
    expect(e2e.outputs.kubeconfig).toBeUndefined();
    // Nothing creates a cluster on this target.
    expect(findAll(e2e, "pulumi-nodejs:dynamic/slipway:K3dCluster")).toEqual([]);
    expect(findAll(e2e, "slipway:cluster:ExistingCluster")).toHaveLength(1);
});

test("contract: @pulumi/pulumi sends a ComponentResource no inputs when PULUMI_NODEJS_SKIP_COMPONENT_INPUTS is set (resource.js)", () => {
    const source = fs.readFileSync(require.resolve("@pulumi/pulumi/resource.js"), "utf8");
    expect(source).toContain("process.env.PULUMI_NODEJS_SKIP_COMPONENT_INPUTS && !remote ? {} : args");
    expect(fs.readFileSync(path.join(PROJECT_DIR, "index.ts"), "utf8")).toMatch(/^process\.env\.PULUMI_NODEJS_SKIP_COMPONENT_INPUTS \?\?= "1";$/m);
});

describe("the credential scan itself", () => {
    test("flags plain secrets under secret-looking keys and credentials embedded in text", () => {
        const config = {
            "slipway:dbPassword": "hunter2",
            "slipway:apps": [{ env: { LOG: "x", STRIPE_API_KEY: "sk_live_1" }, secretEnv: { DJANGO_SECRET_KEY: { generate: { length: 50 } } } }],
            "slipway:backupUrl": "s3://AKIAABCDEFGHIJKLMNOP@bucket",
            "slipway:dsn": "postgres://app:pa55@db:5432/app",
            "slipway:apiToken": { secure: "v1:abc" },
        };
        expect(plaintextCredentials(config).sort()).toEqual(["slipway:apps[0].env.STRIPE_API_KEY", "slipway:backupUrl", "slipway:dbPassword", "slipway:dsn"]);
    });
});
