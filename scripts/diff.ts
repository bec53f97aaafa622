// Structural diff of the Kubernetes objects two stacks would create: what a stack switch changes.
import type { KubernetesObject } from "./manifests";

export interface ObjectDiff {
    /** `<kind>/<namespace>/<name>` */
    readonly id: string;
    readonly change: "added" | "removed" | "changed";
    /** Dotted paths that differ (for "changed"). */
    readonly paths: string[];
}

export function objectId(o: KubernetesObject): string {
    return `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name ?? ""}`;
}

/** Paths (a.b[0].c) whose values differ between two JSON-like values, keys in sorted order. */
export function differingPaths(a: unknown, b: unknown, at = ""): string[] {
    if (a === b) return [];
    const isObj = (v: unknown) => v !== null && typeof v === "object";
    if (!isObj(a) || !isObj(b) || Array.isArray(a) !== Array.isArray(b)) return [at || "(root)"];
    if (Array.isArray(a)) {
        const other = b as unknown[];
        return Array.from({ length: Math.max(a.length, other.length) }, (_, i) => differingPaths(a[i], other[i], `${at}[${i}]`)).flat();
    }
    const keys = [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])].sort();
    return keys.flatMap((k) => differingPaths((a as any)[k], (b as any)[k], at ? `${at}.${k}` : k));
}

/** Objects added, removed or changed going from `from` to `to`. */
export function diffObjects(from: KubernetesObject[], to: KubernetesObject[]): ObjectDiff[] {
    const before = new Map(from.map((o) => [objectId(o), o]));
    const after = new Map(to.map((o) => [objectId(o), o]));
    const diffs: ObjectDiff[] = [];
    for (const [id, o] of before) {
        const other = after.get(id);
        if (!other) diffs.push({ id, change: "removed", paths: [] });
        else {
            const paths = differingPaths(o, other);
            if (paths.length > 0) diffs.push({ id, change: "changed", paths });
        }
    }
    for (const id of after.keys()) if (!before.has(id)) diffs.push({ id, change: "added", paths: [] });
    return diffs;
}
