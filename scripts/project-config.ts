// A stack's config exactly as the Pulumi CLI resolves it before the program runs: Pulumi.yaml's
// project-level `config` block merged under Pulumi.<stack>.yaml, with the CLI's own checks and
// errors. Mirrors pulumi/pulumi v3.248.0 (the CLI that ships with @pulumi/pulumi 3.248.0):
//   sdk/go/common/workspace/project.json   which forms a `config` entry may take
//   sdk/go/common/workspace/project.go     RewriteShorthandConfigValues, Project.Validate, ValidateConfigValue
//   sdk/go/common/workspace/config.go      mergeConfig, validateStackConfigValue
// The offline plan and every test load stacks through this, so a stack that would fail `pulumi up`
// at config time fails here with the CLI's message. (ESC environments are not modelled: Slipway's
// stacks name none.)

export interface ResolvedConfig {
    /** Full key (`slipway:apps`) -> the string the language host receives (objects as JSON). */
    readonly config: Record<string, string>;
    /** Keys whose stack value is a `secure:` ciphertext (anywhere inside it). */
    readonly secretKeys: string[];
}

type Declaration = { type?: string; items?: { type: string; items?: unknown }; description?: string; secret?: boolean; default?: unknown; value?: unknown };

const DECLARATION_KEYS = new Set(["type", "items", "description", "secret", "default", "value"]);
const TYPES = new Set(["string", "integer", "boolean", "array", "object"]);

const isPrimitive = (v: unknown) => typeof v === "string" || typeof v === "boolean" || Number.isInteger(v);
const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** project.go configKeyIsNamespacedByProject: a bare key, or one under the project's own name. */
export function namespacedByProject(project: string, key: string): boolean {
    return !key.includes(":") || key.startsWith(`${project}:`);
}

/**
 * config.go parseConfigKey + resource/config/key.go ParseKey: a bare key gets the project's
 * namespace; `<ns>:config:<name>` (the old form) is `<ns>:<name>`; anything else with colons is refused.
 */
export function fullKey(project: string, key: string): string {
    const parts = key.split(":");
    if (parts.length === 1) return `${project}:${key}`;
    if (parts.length === 2 && parts[0] && parts[1]) return key;
    if (parts.length === 3 && parts[1] === "config" && parts[0] && parts[2]) return `${parts[0]}:${parts[2]}`;
    throw new Error(`could not parse ${key} as a configuration key (configuration keys should be of the form \`<namespace>:<name>\`)`);
}

/**
 * Pulumi.yaml's `config` entries as declarations: project.json allows a string, integer, boolean,
 * array or a declaration object (additionalProperties: false); RewriteShorthandConfigValues turns the
 * short forms into `default` (own namespace) or `value` (another namespace). An object in short form
 * is not allowed: the CLI refuses the whole Pulumi.yaml ("oneOf failed").
 */
export function projectDeclarations(projectName: string, config: Record<string, unknown> | undefined): Record<string, Declaration> {
    const declarations: Record<string, Declaration> = {};
    for (const [key, entry] of Object.entries(config ?? {})) {
        if (isPrimitive(entry) || Array.isArray(entry)) {
            declarations[key] = namespacedByProject(projectName, key) ? { default: entry } : { value: entry };
            continue;
        }
        const unknown = isPlainObject(entry) ? Object.keys(entry).filter((k) => !DECLARATION_KEYS.has(k)) : [];
        if (!isPlainObject(entry) || unknown.length > 0 || (entry.type !== undefined && !TYPES.has(entry.type as string))) {
            throw new Error(
                `Pulumi.yaml: config '${key}' is not a valid entry (the CLI's schema: oneOf failed): a short form may be a string, integer, boolean or array; ` +
                    `an object value goes under 'value:' (or 'default:'); a declaration takes only ${[...DECLARATION_KEYS].join(", ")}` +
                    (unknown.length > 0 ? `; found ${unknown.join(", ")}` : ""),
            );
        }
        declarations[key] = entry as Declaration;
    }
    return declarations;
}

/** project.go ValidateConfigValue. */
export function validConfigValue(type: string, items: Declaration["items"], value: unknown): boolean {
    if (type === "string") return typeof value === "string";
    if (type === "integer") return Number.isInteger(value) || (typeof value === "string" && /^[+-]?\d+$/.test(value));
    if (type === "boolean") return typeof value === "boolean" || value === "true" || value === "false";
    if (type === "object") return isPlainObject(value);
    return Array.isArray(value) && items !== undefined && value.every((v) => validConfigValue(items.type, items.items as Declaration["items"], v));
}

/** project.go Project.Validate: the CLI refuses the project before reading any stack. */
export function validateProject(projectName: string, declarations: Record<string, Declaration>): void {
    for (const [key, d] of Object.entries(declarations)) {
        if (d.default !== undefined && d.value !== undefined) throw new Error(`project config '${key}' cannot have both a 'default' and 'value' attribute`);
        if (namespacedByProject(projectName, key)) {
            if (d.type === "array" && d.items === undefined) {
                throw new Error(`The configuration key '${key}' declares an array but does not specify the underlying type via the 'items' attribute`);
            }
            if (d.type !== undefined && d.default !== undefined && !validConfigValue(d.type, d.items, d.default)) {
                throw new Error(`The default value specified for configuration key '${key}' is not of the expected type '${d.type}'`);
            }
        } else {
            if (d.type !== undefined) throw new Error(`Configuration key '${key}' is not namespaced by the project and should not define a type`);
            if (d.default !== undefined) {
                throw new Error(`Configuration key '${key}' is not namespaced by the project and should not define a default value. Did you mean to use the 'value' attribute instead of 'default'?`);
            }
            if (d.value === undefined) throw new Error(`Configuration key '${key}' is namespaced and must provide an attribute 'value'`);
        }
    }
}

/** Go's json.Marshal writes map keys sorted; the program receives objects in that order. */
function sortedKeys(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(sortedKeys);
    if (isPlainObject(value)) return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortedKeys(value[k])]));
    return value;
}

/** config.go createConfigValue: primitives as text, anything else as JSON; an empty value is "" (loaders.go). */
const encode = (value: unknown) => (value === null || value === undefined ? "" : isPrimitive(value) ? String(value) : JSON.stringify(sortedKeys(value)));

/** Replaces every `secure:` leaf with a placeholder (ciphertext cannot be decrypted offline); true if any. */
function withoutCiphertext(value: unknown, key: string): { value: unknown; secure: boolean } {
    if (isPlainObject(value) && Object.keys(value).length === 1 && typeof value.secure === "string") return { value: `offline-placeholder-for-${key}`, secure: true };
    if (Array.isArray(value) || isPlainObject(value)) {
        let secure = false;
        const walk = (v: unknown) => {
            const r = withoutCiphertext(v, key);
            secure ||= r.secure;
            return r.value;
        };
        return { value: Array.isArray(value) ? value.map(walk) : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)])), secure };
    }
    return { value, secure: false };
}

/** The object path of a dotted key (`slipway:cluster.kubernetesVersion` -> slipway:cluster, [kubernetesVersion]). */
function splitPath(dotted: string): { full: string; path: string[] } {
    const [full, ...path] = dotted.split(".");
    return { full, path };
}

/** The value at `path` inside `root`, or undefined where a step is not an object. */
function valueAt(root: unknown, path: string[]): unknown {
    return path.reduce<unknown>((node, p) => (isPlainObject(node) ? node[p] : undefined), root);
}

/**
 * config.go mergeConfig + validateStackConfigValues: a stack's own value wins outright (no deep merge
 * of objects: the project value is used only when the stack lacks the key; a dotted project key fills
 * that path inside the stack's object, as the CLI's Get/Set with path=true do); a project-namespaced
 * key declared with neither `default` nor `value` must be set by every stack (reported before any
 * type error); then every typed key is checked, whether its value came from the stack or the project.
 */
export function resolveStackConfig(projectName: string, stack: string, projectConfig: Record<string, unknown> | undefined, stackConfig: Record<string, unknown> | undefined): ResolvedConfig {
    const declarations = projectDeclarations(projectName, projectConfig);
    validateProject(projectName, declarations);
    const values: Record<string, unknown> = {};
    const secretKeys: string[] = [];
    for (const [key, raw] of Object.entries(stackConfig ?? {})) {
        const full = fullKey(projectName, key);
        const { value, secure } = withoutCiphertext(raw, full);
        if (secure) secretKeys.push(full);
        values[full] = value;
    }
    const missing: string[] = [];
    // Each declared key once: its full key, and the object path inside it of a dotted key.
    const declared = Object.keys(declarations)
        .sort()
        .map((key) => ({ key, d: declarations[key], ...splitPath(fullKey(projectName, key)) }));
    for (const { key, d, full, path } of declared) {
        const projectValue = d.value ?? d.default;
        const parent = valueAt(values[full], path.slice(0, -1));
        const onStack = path.length === 0 ? full in values : isPlainObject(parent) && path[path.length - 1] in parent;
        if (onStack) continue;
        if (projectValue === undefined) {
            if (full.startsWith(`${projectName}:`)) missing.push(key);
            continue;
        }
        if (path.length === 0) values[full] = projectValue;
        else {
            let node = (values[full] = isPlainObject(values[full]) ? values[full] : {}) as Record<string, unknown>;
            for (const p of path.slice(0, -1)) node = (node[p] = isPlainObject(node[p]) ? node[p] : {}) as Record<string, unknown>;
            node[path[path.length - 1]] = projectValue;
        }
    }
    if (missing.length > 0) throw new Error(`Stack '${stack}' is missing configuration ${missing.length > 1 ? "values" : "value"} ${formatMissing(missing)}`);
    for (const { key, d, full, path } of declared) {
        if (d.type === undefined) continue;
        const value = valueAt(values[full], path);
        if (d.secret && !secretKeys.includes(full)) throw new Error(`Stack '${stack}' with configuration key '${key}' must be encrypted as it's secret`);
        // The CLI checks the text of a scalar, or the decoded structure of an object value.
        const checked = isPlainObject(value) || Array.isArray(value) ? value : encode(value);
        if (!secretKeys.includes(full) && !validConfigValue(d.type, d.items, checked)) throw new Error(`Stack '${stack}' with configuration key '${key}' must be of type '${d.type}'`);
    }
    return { config: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, encode(v)])), secretKeys };
}

/** config.go formatMissingKeys. */
function formatMissing(keys: string[]): string {
    if (keys.length === 1) return `'${keys[0]}'`;
    const sorted = [...keys].sort();
    return sorted.map((k, i) => (i === sorted.length - 1 ? `and '${k}'` : i === sorted.length - 2 ? `'${k}' ` : `'${k}', `)).join("");
}
