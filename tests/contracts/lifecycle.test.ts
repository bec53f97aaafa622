// Lifecycle paths of every stack, through the model of pulumi-kubernetes' and the engine's rules in
// lifecycle-model.ts (each rule cited there): a second up, destroy then up, removing and re-adding a
// stateful app, growing the database's disk, turning backups off and on, and a rename without
// aliases. Each must leave every data claim in the cluster, and no `up` may fail on an object the
// previous step left behind.
import type { ProgramRun } from "../../scripts/offline";
import { onWrongKubernetesProvider, runStack, stackConfig, stackNames } from "../helpers";
import { ClusterModel, dataClaims, StackModel } from "./lifecycle-model";

const edited = (stack: string, edit: (v: Record<string, any>) => void) => runStack(stack, stackConfig(stack, edit));

describe.each(stackNames())("stack %s", (stack) => {
    let base: ProgramRun;
    let claims: string[];
    let cluster: ClusterModel;
    let model: StackModel;

    beforeAll(async () => {
        base = await runStack(stack);
        claims = dataClaims(base);
    });
    beforeEach(() => {
        cluster = new ClusterModel();
        model = new StackModel(cluster);
        expect(model.up(base)).toEqual([]);
    });
    const kept = () => claims.filter((c) => !cluster.claims.has(c));

    test("the stack has data claims to keep, and only retained objects sit on the adopting provider", () => {
        expect(claims.length).toBeGreaterThan(0);
        expect(onWrongKubernetesProvider(base)).toEqual([]);
    });

    test("a second up changes nothing and fails on nothing", () => {
        const before = new Map(cluster.objects);
        expect(model.up(base)).toEqual([]);
        expect([...cluster.objects.keys()]).toEqual([...before.keys()]);
    });

    test("destroy keeps every claim (and the namespace holding them); the next up succeeds and finds them", () => {
        model.destroy();
        expect(kept()).toEqual([]);
        expect([...cluster.objects.keys()].filter((k) => k.startsWith("Namespace/"))).not.toEqual([]);
        expect(model.up(base)).toEqual([]);
        expect(kept()).toEqual([]);
    });

    test("removing the stateful app keeps its claims; adding it back succeeds and binds them", async () => {
        const without = await edited(stack, (v) => {
            const stateful = new Set(v["slipway:apps"].filter((a: any) => a.kind === "stateful").map((a: any) => a.name));
            v["slipway:apps"] = v["slipway:apps"]
                .filter((a: any) => !stateful.has(a.name))
                .map((a: any) => ({ ...a, connectsTo: (a.connectsTo ?? []).filter((n: string) => !stateful.has(n)) }));
        });
        expect(model.up(without)).toEqual([]);
        expect(kept()).toEqual([]);
        expect(model.up(base)).toEqual([]);
        expect(kept()).toEqual([]);
    });

    test("a bigger database disk replaces nothing (no downtime) and keeps the data", async () => {
        const bigger = await edited(stack, (v) => (v["slipway:database"].storageGb += 5));
        const before = new Map(cluster.objects);
        expect(model.up(bigger)).toEqual([]);
        expect(kept()).toEqual([]);
        // Every StatefulSet is the same live object (an in-place update at most, never delete + create).
        for (const [key, o] of before) if (key.startsWith("StatefulSet/")) expect(model.state.get(o.urn)?.urn).toBe(o.urn);
        expect(model.replaced).toEqual([]);
    });

    test("backups off then on again succeeds (the kept dumps' claim is adopted, not created twice)", async () => {
        // Only in-cluster Postgres has a dumps claim; a managed database's backups are the service's.
        if (!claims.some((c) => c.endsWith("/postgres-backups"))) return;
        const off = await edited(stack, (v) => (v["slipway:database"].backup = { ...v["slipway:database"].backup, enabled: false }));
        expect(model.up(off)).toEqual([]);
        expect(kept()).toEqual([]);
        expect(model.up(base)).toEqual([]);
    });

    test("a rename without aliases (every URN new) never deletes an object: plain objects stop the up, retained ones are adopted", () => {
        const renamed: ProgramRun = { ...base, resources: base.resources.map((r) => ({ ...r, urn: r.urn.replace(/::([^:]+)$/, "::renamed-$1") })) };
        const errors = model.up(renamed);
        // The first object that is not retained stops the deployment before any delete runs.
        expect(errors).toHaveLength(1);
        expect(errors[0]).toMatch(/AlreadyExists/);
        expect(kept()).toEqual([]);
    });
});
