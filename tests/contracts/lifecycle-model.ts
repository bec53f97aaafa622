// A small model of what `pulumi up` and `pulumi destroy` do to a cluster's objects, built only from
// the upstream rules below, and driven by the stack's real registrations. It answers: after this
// sequence of program runs, which `up` fails, and which data claims are still in the cluster?
//
// Rules (each from its source):
// - Create is a plain POST: an object already in the cluster fails with AlreadyExists, unless the
//   provider has upsertExistingObjects (pulumi-kubernetes >= 4.29, CHANGELOG 4.29.0 #2926;
//   provider/pkg/await/await.go Creation).
// - A change to a field in the provider's replace list is a replacement (provider/pkg/provider/diff.go),
//   unless the resource's ignoreChanges covers it (the engine drops ignored paths before the diff);
//   with an explicit, unchanged name it is delete-before-replace (provider.go Diff: deleteBeforeReplace
//   := len(replaces) > 0 && metadata.IsNamed(...) && names equal).
// - A resource with retainOnDelete is never deleted by the engine, on destroy, removal or replacement
//   (pulumi/pulumi pkg/resource/deploy/step.go DeleteStep: `else if s.old.RetainOnDelete`).
// - Creates and updates run in program order, deletes of what the program no longer declares last;
//   the first failure ends the `up` (the engine does not run the deletes).
// - Deleting a Namespace deletes everything in it, claims included (kubernetes.io docs,
//   "Namespaces": "This deletes everything under the namespace!").
// - Deleting a StatefulSet leaves its claims when persistentVolumeClaimRetentionPolicy.whenDeleted is
//   Retain (the StatefulSet API reference), and claims are named <template>-<set>-<ordinal>.
import { isKubernetesObject } from "../../scripts/manifests";
import type { ProgramRun, RecordedResource } from "../../scripts/offline";

/** provider/pkg/provider/diff.go: fields whose change replaces the object (name and namespace for every kind). */
const REPLACE_FIELDS: Record<string, string[]> = {
    StatefulSet: ["spec.podManagementPolicy", "spec.revisionHistoryLimit", "spec.selector", "spec.serviceName", "spec.volumeClaimTemplates"],
    PersistentVolumeClaim: ["spec.accessModes", "spec.selector", "spec.storageClassName", "spec.volumeName"],
    Job: ["spec.completions", "spec.parallelism", "spec.selector", "spec.template"],
    Deployment: ["spec.selector"],
    Service: ["spec.clusterIP"],
    StorageClass: ["parameters", "provisioner", "reclaimPolicy", "volumeBindingMode"],
};

const at = (o: any, dotted: string) => dotted.split(".").reduce((v, k) => (v == null ? undefined : v[k]), o);
const kindOf = (r: RecordedResource) => r.inputs.kind as string;
const objectKey = (r: RecordedResource) => `${kindOf(r)}/${r.inputs.metadata?.namespace ?? ""}/${r.inputs.metadata?.name}`;

export class ClusterModel {
    /** Live objects by kind/namespace/name. */
    readonly objects = new Map<string, RecordedResource>();
    /** Data claims (namespace/name), whoever made them. */
    readonly claims = new Set<string>();
}

export class StackModel {
    /** The stack's state: resources by URN. */
    state = new Map<string, RecordedResource>();
    /** Objects replaced (deleted and created again) by the last `up`. */
    replaced: string[] = [];
    constructor(private readonly cluster: ClusterModel) {}

    /** `pulumi up` with the program's registrations; returns the errors (empty when it succeeded). */
    up(run: ProgramRun): string[] {
        const upsert = upsertProviders(run);
        const next = run.resources.filter(isKubernetesObject);
        const wanted = new Set(next.map((r) => r.urn));
        const deferred: RecordedResource[] = [];
        this.replaced = [];
        for (const r of next) {
            const old = this.state.get(r.urn);
            if (old && !replaces(old, r)) {
                this.create(r); // an update in place
                continue;
            }
            if (old) this.replaced.push(objectKey(old));
            if (old && old.inputs.metadata?.name === r.inputs.metadata?.name) this.delete(old);
            else if (old) deferred.push(old); // create-before-delete: the old one goes at the end
            if (this.cluster.objects.has(objectKey(r)) && !upsert.has(r.provider)) return [`${objectKey(r)}: AlreadyExists`];
            this.create(r);
        }
        for (const old of deferred) this.delete(old);
        for (const [urn, old] of [...this.state]) if (!wanted.has(urn)) this.delete(old);
        return [];
    }

    /** `pulumi destroy`: every resource in state, in reverse order of creation. */
    destroy(): void {
        for (const r of [...this.state.values()].reverse()) this.delete(r);
    }

    private create(r: RecordedResource): void {
        this.cluster.objects.set(objectKey(r), r);
        this.state.set(r.urn, r);
        this.addClaims(r);
    }

    private addClaims(r: RecordedResource): void {
        const ns = r.inputs.metadata?.namespace;
        if (kindOf(r) === "PersistentVolumeClaim") this.cluster.claims.add(`${ns}/${r.inputs.metadata.name}`);
        if (kindOf(r) === "StatefulSet") {
            for (const t of r.inputs.spec.volumeClaimTemplates ?? []) {
                for (let i = 0; i < r.inputs.spec.replicas; i++) this.cluster.claims.add(`${ns}/${t.metadata.name}-${r.inputs.metadata.name}-${i}`);
            }
        }
    }

    private delete(r: RecordedResource): void {
        if (this.state.get(r.urn) === r) this.state.delete(r.urn);
        if (r.retainOnDelete) return;
        this.cluster.objects.delete(objectKey(r));
        const ns = r.inputs.metadata?.namespace;
        if (kindOf(r) === "Namespace") {
            const name = r.inputs.metadata.name;
            for (const [key, o] of [...this.cluster.objects]) if (o.inputs.metadata?.namespace === name) this.cluster.objects.delete(key);
            for (const c of [...this.cluster.claims]) if (c.startsWith(`${name}/`)) this.cluster.claims.delete(c);
        }
        if (kindOf(r) === "PersistentVolumeClaim") this.cluster.claims.delete(`${ns}/${r.inputs.metadata.name}`);
        if (kindOf(r) === "StatefulSet" && r.inputs.spec.persistentVolumeClaimRetentionPolicy?.whenDeleted !== "Retain") {
            for (const c of [...this.cluster.claims]) if (c.startsWith(`${ns}/`) && c.includes(`-${r.inputs.metadata.name}-`)) this.cluster.claims.delete(c);
        }
    }
}

function replaces(old: RecordedResource, next: RecordedResource): boolean {
    if (objectKey(old) !== objectKey(next)) return true;
    const [a, b] = [withoutIgnored(old.inputs, next.ignoreChanges), withoutIgnored(next.inputs, next.ignoreChanges)];
    return (REPLACE_FIELDS[kindOf(next)] ?? []).some((f) => JSON.stringify(at(a, f)) !== JSON.stringify(at(b, f)));
}

/** A copy of `inputs` without the ignoreChanges paths (`a.b[*].c` style). */
function withoutIgnored(inputs: any, paths: readonly string[]): any {
    const copy = JSON.parse(JSON.stringify(inputs));
    const drop = (node: any, parts: string[]): void => {
        if (node == null || parts.length === 0) return;
        const [head, ...rest] = parts;
        if (head === "*") return Array.isArray(node) ? node.forEach((n) => drop(n, rest)) : undefined;
        if (rest.length === 0) delete node[head];
        else drop(node[head], rest);
    };
    for (const p of paths) drop(copy, p.replace(/\[(\*|\d+)\]/g, ".$1").split("."));
    return copy;
}

/** Provider references (`<urn>::<id>`) of providers configured with upsertExistingObjects. */
function upsertProviders(run: ProgramRun): Set<string> {
    return new Set(
        run.resources
            .filter((r) => r.type === "pulumi:providers:kubernetes" && String(r.inputs.upsertExistingObjects) === "true")
            .map((r) => `${r.urn}::${r.name}-id`),
    );
}

/** The claims that hold data: everything a StatefulSet or a PVC of the run asks for. */
export function dataClaims(run: ProgramRun): string[] {
    const cluster = new ClusterModel();
    new StackModel(cluster).up(run);
    return [...cluster.claims].sort();
}
