// Structural diff of two JSON-like values (the Kubernetes objects two stacks would create), leaf by leaf.
import type { KubernetesObject } from "./manifests";

export function objectId(o: KubernetesObject): string {
    return `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name ?? ""}`;
}

/** A leaf that differs: its path (a.b[0].c; keys are joined as they are, dots included) and both values. */
export interface Difference {
    readonly path: string;
    readonly from: unknown;
    readonly to: unknown;
}

/** Every leaf whose value differs between two JSON-like values, keys in sorted order. */
export function differences(a: unknown, b: unknown, at = ""): Difference[] {
    if (a === b) return [];
    const isObj = (v: unknown) => v !== null && typeof v === "object";
    if (!isObj(a) || !isObj(b) || Array.isArray(a) !== Array.isArray(b)) return [{ path: at || "(root)", from: a, to: b }];
    if (Array.isArray(a)) {
        const other = b as unknown[];
        return Array.from({ length: Math.max(a.length, other.length) }, (_, i) => differences(a[i], other[i], `${at}[${i}]`)).flat();
    }
    const keys = [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])].sort();
    return keys.flatMap((k) => differences((a as any)[k], (b as any)[k], at ? `${at}.${k}` : k));
}

/** Paths (a.b[0].c) whose values differ between two JSON-like values, keys in sorted order. */
export function differingPaths(a: unknown, b: unknown): string[] {
    return differences(a, b).map((d) => d.path);
}
