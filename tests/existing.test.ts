// The existing target: where data goes on a cluster Slipway did not make, and how Traefik is reached there.
import { notRetainedMessage } from "../providers/existing";
import type { ProgramRun } from "../scripts/offline";
import { find, findAll, runStack, stackConfig } from "./helpers";

const e2e = (edit: (existing: any) => void) => runStack("e2e", stackConfig("e2e", (v) => edit(v["slipway:existing"])));
const traefikValues = (run: ProgramRun) => find(run, "kubernetes:helm.sh/v4:Chart", "shop-traefik").inputs.values;

test("a provisioner gets a Retain class of Slipway's own, named for the stack's namespace, and every claim uses it", async () => {
    const run = await runStack("e2e");
    const [cls] = findAll(run, "StorageClass");
    expect(cls.inputs).toMatchObject({ metadata: { name: "slipway-retain-shop" }, provisioner: "rancher.io/local-path", reclaimPolicy: "Retain", volumeBindingMode: "WaitForFirstConsumer" });
    const claims = findAll(run, "StatefulSet").flatMap((s) => s.inputs.spec.volumeClaimTemplates);
    expect(claims.length).toBeGreaterThan(0);
    for (const c of claims) expect(c.spec.storageClassName).toBe("slipway-retain-shop");
});

test("a named Retain class is used, not created (preview reads it live and stops unless it retains)", async () => {
    const run = await e2e((x) => (x.storage = { retainedClass: "keep-forever" }));
    expect(findAll(run, "StorageClass")).toEqual([]);
    for (const c of findAll(run, "StatefulSet").flatMap((s) => s.inputs.spec.volumeClaimTemplates)) expect(c.spec.storageClassName).toBe("keep-forever");
    expect(notRetainedMessage("standard", "Delete")).toMatch(/^slipway:existing\.storage\.retainedClass: StorageClass "standard" reclaims with Delete/);
});

test("default exposure is NodePort: Traefik's Service type and ports, and the urls output on them", async () => {
    const run = await e2e((x) => delete x.gateway);
    const values = traefikValues(run);
    expect(values.service.spec.type).toBe("NodePort");
    expect([values.ports.web.nodePort, values.ports.websecure.nodePort]).toEqual([30080, 30443]);
    expect(Object.values(run.outputs.urls as Record<string, string>)[0]).toMatch(/^http:\/\/[^/]+:30080\//);
});

test("ClusterIP exposure: urls on the documented port-forward ports", async () => {
    const run = await runStack("e2e");
    expect(traefikValues(run).service.spec.type).toBe("ClusterIP");
    expect(Object.values(run.outputs.urls as Record<string, string>)[0]).toMatch(/:8080\//);
});

test("LoadBalancer exposure waits 10 minutes for an address, not the 30 minutes an image pull may take", async () => {
    const run = await e2e((x) => (x.gateway = { exposure: "LoadBalancer" }));
    const values = traefikValues(run);
    expect(values.service.spec.type).toBe("LoadBalancer");
    expect(values.service.annotations["pulumi.com/timeoutSeconds"]).toBe("600");
    expect(values.deployment.annotations["pulumi.com/timeoutSeconds"]).toBe("1800");
});

test("Jobs are replaced after a failed run; the adopted backups claim is not awaited and keeps its first size", async () => {
    const run = await runStack("e2e");
    for (const job of findAll(run, "Job")) expect(job.inputs.metadata.annotations["pulumi.com/replaceUnready"]).toBe("true");
    const claim = find(run, "PersistentVolumeClaim", "shop-db-backup-volume");
    expect(claim.inputs.metadata.annotations["pulumi.com/skipAwait"]).toBe("true");
    expect(claim.ignoreChanges).toEqual(["spec.resources"]);
    for (const sts of findAll(run, "StatefulSet")) expect(sts.ignoreChanges).toEqual(["spec.volumeClaimTemplates[*].spec.resources"]);
});
