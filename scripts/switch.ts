// What switching a product from one stack to another changes, as data (printed by switch-format.ts
// as text or Markdown, or as JSON): each Kubernetes object that differs with its before -> after
// values, what exists in only one stack grouped by kind, how many app objects are identical, the
// cloud resources on each side, the data services side by side, and the cost.
import type { CostEstimate } from "../lib/cost-ledger";
import { DATA_SETTINGS, DataService, dataServices } from "./data-settings";
import { Difference, differences, objectId } from "./diff";
import { isKubernetesObject, KubernetesObject } from "./manifests";
import type { ProgramRun, RecordedResource } from "./offline";
import { maskSecrets } from "./plan-format";


export interface SwitchReport {
    readonly from: string;
    readonly to: string;
    /** Kubernetes objects in both stacks whose content differs, with values (secrets masked). */
    readonly changed: { id: string; app: string | null; changes: Difference[] }[];
    /** `kind -> names` of objects only in one stack. */
    readonly onlyIn: { from: Record<string, string[]>; to: Record<string, string[]> };
    readonly unchanged: { appObjects: number; otherObjects: number };
    /** App objects only one stack has (e.g. GKE's load-balancer health check of a routed app). */
    readonly appObjectsOnlyIn: { from: number; to: number };
    /** Cloud (non-Kubernetes) resources by type, with counts. */
    readonly cloud: { from: Record<string, number>; to: Record<string, number> };
    readonly data: { role: string; setting: string; from: string; to: string }[];
    readonly cost: { from: number; to: number; currency: "USD" };
}

interface Tracked {
    readonly object: KubernetesObject;
    /** The app this object belongs to (a child of slipway:app:App), or null. */
    readonly app: string | null;
}

function appOf(r: RecordedResource, byUrn: Map<string, RecordedResource>): string | null {
    for (let p = byUrn.get(r.parent); p; p = byUrn.get(p.parent)) if (p.type === "slipway:app:App") return p.name;
    return null;
}

function tracked(run: ProgramRun): Map<string, Tracked> {
    const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
    const objects = new Map<string, Tracked>();
    for (const r of run.resources.filter(isKubernetesObject)) {
        const { apiVersion, kind, ...rest } = maskSecrets(r.inputs, r.secretPaths);
        const object = { apiVersion, kind, ...rest } as KubernetesObject;
        objects.set(objectId(object), { object, app: appOf(r, byUrn) });
    }
    return objects;
}

const byKind = (ids: string[]) =>
    ids.reduce<Record<string, string[]>>((groups, id) => {
        const [kind, namespace, name] = id.split("/");
        (groups[kind] ??= []).push(namespace ? `${namespace}/${name}` : name);
        return groups;
    }, {});

function cloudTypes(run: ProgramRun): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of run.resources) if (r.custom && !r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:providers:")) counts[r.type] = (counts[r.type] ?? 0) + 1;
    return counts;
}

function dataRows(from: DataService[], to: DataService[]): SwitchReport["data"] {
    const roles = [...new Set([...from, ...to].map((s) => s.role))];
    return roles.flatMap((role) => {
        const a = from.find((s) => s.role === role);
        const b = to.find((s) => s.role === role);
        return DATA_SETTINGS.map((setting) => ({ role, setting, from: a?.[setting] ?? "(none)", to: b?.[setting] ?? "(none)" }));
    });
}

export function switchReport(from: ProgramRun, to: ProgramRun): SwitchReport {
    const before = tracked(from);
    const after = tracked(to);
    const changed: SwitchReport["changed"] = [];
    let appObjects = 0;
    let otherObjects = 0;
    for (const [id, a] of before) {
        const b = after.get(id);
        if (!b) continue;
        const changes = differences(a.object, b.object);
        if (changes.length === 0) {
            if (a.app) appObjects++;
            else otherObjects++;
            continue;
        }
        changed.push({ id, app: a.app, changes });
    }
    const cost = (run: ProgramRun) => (run.outputs.costEstimate as CostEstimate | undefined)?.monthlyTotal ?? 0;
    return {
        from: from.stack,
        to: to.stack,
        changed,
        onlyIn: { from: byKind([...before.keys()].filter((id) => !after.has(id))), to: byKind([...after.keys()].filter((id) => !before.has(id))) },
        unchanged: { appObjects, otherObjects },
        appObjectsOnlyIn: { from: [...before].filter(([id, t]) => t.app && !after.has(id)).length, to: [...after].filter(([id, t]) => t.app && !before.has(id)).length },
        cloud: { from: cloudTypes(from), to: cloudTypes(to) },
        data: dataRows(dataServices(from), dataServices(to)),
        cost: { from: cost(from), to: cost(to), currency: "USD" },
    };
}
