// Shared test helpers: run the real program (or a few components) under Pulumi mocks and pick
// resources out of the recorded registrations by type and name, never by position or count.
import * as path from "path";
import type { ProgramRun, RecordedResource } from "../scripts/offline";

export const PROJECT_DIR = path.resolve(__dirname, "..");

// Each fresh module registry loads @pulumi/pulumi again, and each copy adds a process exit listener.
process.setMaxListeners(Math.max(process.getMaxListeners(), 100));

/** What a run registered, even when the program threw: the monitor's own record, after all RPCs. */
export interface ObservedRun {
    readonly run?: ProgramRun;
    readonly error?: any;
    /** URNs the mock engine received, read from the monitor itself (not from runProgram's list). */
    readonly registered: string[];
}

export interface RunOptions {
    /** Flat runtime config (`slipway:apps` -> JSON text); replaces the stack file. */
    readonly config?: Record<string, string>;
    /** Fully qualified keys that are secrets. */
    readonly secretKeys?: string[];
    /**
     * What to evaluate instead of index.ts: it loads project and SDK modules through `req` (Node's
     * own require, relative to tests/) and passes the arguments it builds through `native`.
     */
    readonly load?: (req: NodeRequire, native: Native) => Record<string, unknown>;
    /** A different value changes every generated password (a rotation). */
    readonly generation?: string;
}

/**
 * The program itself (index.ts) runs through Node's own module system, as `npm run plan` and
 * Pulumi's host run it: the SDKs (@pulumi/pulumi, the cloud packages) load once per jest worker and
 * only the project's modules load afresh for each run (runProgram's default loader clears them).
 * Under jest's registry every run re-loaded every SDK, which was most of the suite's time.
 */
function nativeProgram(): { offline: typeof import("../scripts/offline"); settings: any; req: NodeRequire } {
    // Node's own Module: jest hands tests a subclass of it whose createRequire is jest's registry again.
    const { createRequire } = Object.getPrototypeOf(require("module")) as typeof import("module");
    const req = createRequire(path.join(PROJECT_DIR, "tests", "helpers.ts"));
    // Flags live on native modules: jest gives each test file its own globalThis, the worker one Node.
    const tsNode = req("ts-node") as { register(o: object): void; slipwayRegistered?: boolean };
    if (!tsNode.slipwayRegistered) {
        tsNode.register({ transpileOnly: true, swc: true, project: path.join(PROJECT_DIR, "tsconfig.json") });
        tsNode.slipwayRegistered = true;
    }
    return { offline: req("../scripts/offline"), settings: req("@pulumi/pulumi/runtime/settings"), req };
}

/**
 * Arguments a test builds for native components: jest runs test code in its own realm, and the SDK
 * recognises arrays and promises with `instanceof`, so arrays are rebuilt as Node's own (objects,
 * functions and resources pass through).
 */
export type Native = <T>(value: T) => T;
function nativeValues(req: NodeRequire): Native {
    const v8 = req("v8") as typeof import("v8");
    const NativeArray = (v8.deserialize(v8.serialize([])) as unknown[]).constructor as ArrayConstructor;
    return (value) => copyData(value, (items) => NativeArray.from(items));
}

/** The runs of one module system: what the monitor received, even when the program threw. */
async function observe(runProgram: typeof import("../scripts/offline").runProgram, settings: any, stack: string, options: RunOptions, load?: () => Record<string, unknown>): Promise<ObservedRun> {
    let run: ProgramRun | undefined;
    let error: unknown;
    try {
        run = await runProgram(stack, { config: options.config, secretKeys: options.secretKeys, generation: options.generation, load });
    } catch (e) {
        error = e;
    }
    try {
        await settings.waitForRPCs();
    } catch {
        // A failed run may leave a rejected RPC behind; what matters is what reached the monitor.
    }
    const monitor = settings.getMonitor();
    return { run, error, registered: monitor?.resources ? [...monitor.resources.keys()] : [] };
}

/**
 * A deep copy of arrays and plain objects (from either realm; `toArray` picks the realm of the new
 * arrays); anything else (functions, resources, class instances) is shared.
 */
function copyData<T>(value: T, toArray: (items: unknown[]) => unknown[] = (items) => items): T {
    const copy = (v: unknown): unknown => copyData(v, toArray);
    if (Array.isArray(value)) return toArray(value.map(copy)) as T;
    if (value !== null && typeof value === "object" && Object.getPrototypeOf(value)?.constructor?.name === "Object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)])) as T;
    }
    return value;
}

export async function observeRun(stack: string, options: RunOptions = {}): Promise<ObservedRun> {
    if (process.env.SLIPWAY_TEST_ISOLATED) return observeIsolated(stack, options);
    const { offline, settings, req } = nativeProgram();
    if (options.load) {
        const load = options.load;
        // The test's own components, loaded afresh as index.ts is.
        return observe(offline.runProgram, settings, stack, options, () => (offline.clearProjectModules(), load(req, nativeValues(req))));
    }
    // The program is deterministic in its inputs, so a worker runs each distinct input once; every
    // caller gets its own copy to inspect (or mutate). A failed run is never kept: it is cheap, and a
    // timeout under load must not fail every later test of the worker.
    const key = JSON.stringify([stack, options.config ?? null, options.secretKeys ?? null, options.generation ?? null]);
    const cache = ((offline as { runCache?: Map<string, Promise<ObservedRun>> }).runCache ??= new Map());
    const cached = cache.get(key);
    const observed = await (cached ?? observe(offline.runProgram, settings, stack, options));
    if (!cached && observed.error === undefined) cache.set(key, Promise.resolve(observed));
    return { ...observed, run: observed.run && copyData(observed.run), registered: [...observed.registered] };
}

/**
 * `npm run test:coverage` (SLIPWAY_TEST_ISOLATED=1): every run in a fresh jest registry, as before
 * the native runs, so jest instruments the program's code; slower, and the figures are then true.
 */
async function observeIsolated(stack: string, options: RunOptions): Promise<ObservedRun> {
    let observed: ObservedRun = { registered: [] };
    await jest.isolateModulesAsync(async () => {
        const { runProgram } = require("../scripts/offline") as typeof import("../scripts/offline");
        const load = options.load ? () => options.load!(require, (v) => v) : () => require("..");
        observed = await observe(runProgram, require("@pulumi/pulumi/runtime/settings"), stack, options, load);
    });
    return observed;
}

/** Runs index.ts for `stack` (its Pulumi.<stack>.yaml unless `config` is given); rejects on error. */
export async function runStack(stack: string, options: RunOptions = {}): Promise<ProgramRun> {
    const observed = await observeRun(stack, options);
    if (observed.error !== undefined) throw observed.error;
    return observed.run!;
}

/** Runs `build` (which requires components through `req` and constructs them) under mocks, with no stack config. */
export function runComponents(build: (req: NodeRequire, native: Native) => Record<string, unknown> | void, stack = "unit"): Promise<ProgramRun> {
    return runStack(stack, { config: {}, load: (req, native) => build(req, native) ?? {} });
}

/** Every `Pulumi.<stack>.yaml` in the project root. */
export function stackNames(): string[] {
    return (require("../scripts/offline") as typeof import("../scripts/offline")).stackNames();
}

/** A stack file's config values as its YAML holds them (structured values decoded). */
export function stackValues(stack: string): Record<string, any> {
    const { loadStackConfig } = require("../scripts/offline") as typeof import("../scripts/offline");
    return decodeAll(loadStackConfig(stack).config);
}

function decodeAll(config: Record<string, string>): Record<string, any> {
    const { decodeConfigValue } = require("../config") as typeof import("../config");
    return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, decodeConfigValue(k, v)]));
}

/** The stack file's flat config (as the runtime sees it), with `edit` applied to the decoded values. */
export function stackConfig(
    stack: string,
    edit: (values: Record<string, any>) => void = () => undefined,
): { config: Record<string, string>; secretKeys: string[] } {
    const { loadStackConfig } = require("../scripts/offline") as typeof import("../scripts/offline");
    const loaded = loadStackConfig(stack);
    const values = decodeAll(loaded.config);
    edit(values);
    const config: Record<string, string> = {};
    for (const [k, v] of Object.entries(values)) {
        if (v !== undefined) config[k] = typeof v === "string" ? v : JSON.stringify(v);
    }
    return { config, secretKeys: loaded.secretKeys };
}

/** The stack file's config as the program parses it (defaults applied). */
export function parsedStackConfig(stack: string): import("../config").SlipwayConfig {
    return (require("../scripts/offline") as typeof import("../scripts/offline")).parsedStackConfig(stack);
}

/** Short type names the tests use: "Deployment" matches "kubernetes:apps/v1:Deployment". */
function typeMatches(r: RecordedResource, type: string): boolean {
    return r.type === type || r.type.endsWith(`:${type}`);
}

export function findAll(run: ProgramRun, type: string): RecordedResource[] {
    return run.resources.filter((r) => typeMatches(r, type));
}

/** The one resource of `type` named `name`; throws a readable error if absent or ambiguous. */
export function find(run: ProgramRun, type: string, name: string): RecordedResource {
    const hits = run.resources.filter((r) => typeMatches(r, type) && r.name === name);
    if (hits.length !== 1) {
        const known = findAll(run, type).map((r) => r.name);
        throw new Error(`expected one ${type} named ${name}, found ${hits.length} (names of that type: ${known.join(", ") || "none"})`);
    }
    return hits[0];
}

export function maybeFind(run: ProgramRun, type: string, name: string): RecordedResource | undefined {
    return run.resources.find((r) => typeMatches(r, type) && r.name === name);
}

/** The stack's Kubernetes provider (plain creates), and the reference string its resources must carry. */
export function kubernetesProviderOf(run: ProgramRun): { resource: RecordedResource; ref: string } {
    return providerNamed(run, (r) => !r.name.endsWith("-retained"));
}

/** The stack's provider for objects kept through destroy (upsertExistingObjects). */
export function retainedProviderOf(run: ProgramRun): { resource: RecordedResource; ref: string } {
    return providerNamed(run, (r) => r.name.endsWith("-retained"));
}

function providerNamed(run: ProgramRun, which: (r: RecordedResource) => boolean): { resource: RecordedResource; ref: string } {
    const providers = run.resources.filter((r) => r.type === "pulumi:providers:kubernetes" && which(r));
    if (providers.length !== 1) throw new Error(`expected one such Kubernetes provider, found ${providers.length}`);
    const resource = providers[0];
    return { resource, ref: `${resource.urn}::${resource.name}-id` };
}

/** Kubernetes resources not on the provider their retention calls for: retained ones adopt, the rest create. */
export function onWrongKubernetesProvider(run: ProgramRun): string[] {
    const plain = kubernetesProviderOf(run).ref;
    const retained = retainedProviderOf(run).ref;
    return run.resources
        .filter((r) => r.custom && r.type.startsWith("kubernetes:"))
        .filter((r) => r.provider !== (r.retainOnDelete ? retained : plain))
        .map((r) => `${r.type} ${r.name} (retainOnDelete ${r.retainOnDelete}) -> ${r.provider || "default"}`);
}

/** Pod template spec of a Deployment, StatefulSet or Job. */
export function podSpec(r: RecordedResource): any {
    return r.inputs.spec.template.spec;
}

/** Every string anywhere in a value, for "this secret appears nowhere" checks. */
export function allStrings(value: unknown): string[] {
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return value.flatMap(allStrings);
    if (value && typeof value === "object") return Object.values(value).flatMap(allStrings);
    return [];
}

/** Whether a dotted input path (`stringData.KEY`) lies inside one of the resource's secret paths. */
export function isSecretPath(r: RecordedResource, dotted: string): boolean {
    return r.secretPaths.some((p) => dotted === p || dotted.startsWith(`${p}.`) || dotted.startsWith(`${p}[`));
}

/** Strings in a resource's inputs outside its secret paths: what `pulumi stack export` shows in clear. */
export function plainStrings(r: RecordedResource): string[] {
    const out: string[] = [];
    const walk = (value: unknown, at: string) => {
        if (at !== "" && r.secretPaths.includes(at)) return;
        if (typeof value === "string") out.push(value);
        else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${at}[${i}]`));
        else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) walk(v, at ? `${at}.${k}` : k);
    };
    walk(r.inputs, "");
    return out;
}

/** Strings in a resource's secret paths. */
export function secretStrings(r: RecordedResource): string[] {
    return allStrings(r.secretPaths.map((p) => valueAt(r.inputs, p)));
}

function valueAt(value: any, dotted: string): unknown {
    return dotted
        .split(/\.|\[(\d+)\]/)
        .filter((p) => p !== undefined && p !== "")
        .reduce((v, p) => (v === undefined || v === null ? undefined : v[p]), value);
}

/**
 * Why a StatefulSet's data would not survive `pulumi destroy`, its removal from config or its
 * replacement; empty when it would. The set itself is not retained (a retained object left in the
 * cluster blocks its own re-creation), so the data must be kept by everything around it: the claim
 * retention policy, a namespace that outlives destroy, and a class that reclaims with Retain.
 */
export function dataKeptProblems(run: ProgramRun, sts: RecordedResource): string[] {
    const problems: string[] = [];
    if (sts.retainOnDelete) problems.push("the StatefulSet is retainOnDelete: a re-created one would fail with AlreadyExists");
    const policy = sts.inputs.spec.persistentVolumeClaimRetentionPolicy;
    if (policy?.whenDeleted !== "Retain" || policy?.whenScaled !== "Retain") problems.push(`claim retention is ${JSON.stringify(policy)}`);
    const namespace = findAll(run, "Namespace").find((n) => n.inputs.metadata.name === sts.inputs.metadata.namespace);
    if (!namespace?.retainOnDelete) problems.push(`namespace ${sts.inputs.metadata.namespace} is not kept through destroy (deleting it deletes every claim)`);
    for (const claim of sts.inputs.spec.volumeClaimTemplates ?? []) {
        const className = claim.spec.storageClassName;
        const created = findAll(run, "StorageClass").find((c) => c.inputs.metadata.name === className);
        // A class the stack only reads (existing.storage.retainedClass) is checked live for Retain.
        if (created && created.inputs.reclaimPolicy !== "Retain") problems.push(`class ${className} reclaims with ${created.inputs.reclaimPolicy}`);
        if (!className) problems.push("claim uses the cluster's default class");
    }
    return problems;
}
