// How a config problem is told: the key path as the user writes it, the bad value (never a
// credential's), and what is allowed, including the keys a misspelled one could have meant.
import { z } from "zod";

export class ConfigError extends Error {
    constructor(public readonly problems: string[]) {
        super(`Invalid Slipway stack config:\n  ${problems.join("\n  ")}`);
        this.name = "ConfigError";
    }
}

export type Path = (string | number)[];

/** `slipway:apps[0].port` style key path, as the user writes it with `pulumi config set --path`. */
export function keyPath(path: Path): string {
    let out = "slipway:";
    path.forEach((p, i) => {
        out += typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`;
    });
    return out;
}

function valueAt(raw: unknown, path: Path): unknown {
    return path.reduce<unknown>((v, p) => (v !== null && typeof v === "object" ? (v as any)[p] : undefined), raw);
}

export function describe(value: unknown): string {
    return value === undefined ? "nothing" : JSON.stringify(value);
}

/** An env value is never repeated in a message: it may be a credential typed in the wrong place. */
function describeAt(raw: unknown, path: Path): string {
    const i = path.indexOf("env");
    if (i >= 0 && path.length > i + 1) return "a value (not shown)";
    return describe(valueAt(raw, path));
}

// Walks the schema to the object at `path` so an unknown-key error can list the allowed keys.
function allowedKeysAt(schema: z.ZodTypeAny, path: Path): string[] {
    let s: z.ZodTypeAny = schema;
    for (const p of [...path, undefined]) {
        for (;;) {
            if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap();
            else if (s instanceof z.ZodDefault) s = s._def.innerType;
            else if (s instanceof z.ZodEffects) s = s.innerType();
            else break;
        }
        if (p === undefined) break;
        if (s instanceof z.ZodArray) s = s.element;
        else if (s instanceof z.ZodObject) s = s.shape[p as string];
        else if (s instanceof z.ZodRecord) s = s.valueSchema;
        else return [];
        if (!s) return [];
    }
    return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

const SECRET_SOURCE_CHOICES = "{ generate: { length } } or { config: <secret config key> }";
const STORAGE_CHOICES =
    "{ retainedClass: <a StorageClass of the cluster with reclaimPolicy Retain> } or { provisioner: <e.g. rancher.io/local-path>, parameters?: {...} } (Slipway then creates a Retain class)";

/** Edit distance of two short strings (keys), for "did you mean". */
function distance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let diagonal = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const above = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
            diagonal = above;
        }
    }
    return row[b.length];
}

/** ` (did you mean "x"?)` when one allowed key is within a typo or two of `key`. */
export function didYouMean(key: string, allowed: readonly string[]): string {
    const best = allowed.map((a) => ({ a, d: distance(key, a) })).sort((x, y) => x.d - y.d)[0];
    return best && best.d <= Math.max(1, Math.floor(key.length / 4)) ? ` (did you mean "${best.a}"?)` : "";
}

/** A problem about `slipway:apps[i]...` with ` (app "web")` at its end: the app by name, not only its index. */
export function namingApp(problem: string, raw: unknown): string {
    const index = /^slipway:apps\[(\d+)\]/.exec(problem)?.[1];
    const name = index === undefined ? undefined : valueAt(raw, ["apps", Number(index), "name"]);
    return typeof name === "string" && name !== "" ? `${problem} (app "${name}")` : problem;
}

/** One zod issue as messages that name the key path; `schema` lists the allowed keys of an object. */
export function formatIssue(schema: z.ZodTypeAny, raw: unknown, issue: z.ZodIssue): string[] {
    if (issue.code === "unrecognized_keys") {
        const allowed = allowedKeysAt(schema, issue.path);
        return issue.keys.map(
            (k) => `${keyPath([...issue.path, k])}: unknown key${didYouMean(k, allowed)} (got ${describeAt(raw, [...issue.path, k])}); allowed keys: ${allowed.join(", ")}`,
        );
    }
    if (issue.code === "invalid_union") {
        const value = valueAt(raw, issue.path);
        const hint = issue.path[issue.path.length - 1] === "storage" ? STORAGE_CHOICES : SECRET_SOURCE_CHOICES;
        return [`${keyPath(issue.path)}: ${value === undefined ? "required" : `got ${describe(value)}`}; expected ${hint}`];
    }
    return [`${keyPath(issue.path)}: ${issue.message} (got ${describeAt(raw, issue.path)})`];
}
