// Pod Security "restricted" (which every namespace Slipway creates enforces) applied to every pod
// template of every stack, and to the pod Traefik's chart renders from Slipway's values. A
// violation here is a pod the API server would refuse at `pulumi up`, after the preview passed.
import { traefikValues } from "../../components/platform/platform";
import { kubernetesObjects } from "../../scripts/manifests";
import type { ProgramRun } from "../../scripts/offline";
import { runStack, stackNames } from "../helpers";
import { restrictedViolations } from "./pod-security";

/** Every pod template a stack's objects carry, named by the object that holds it. */
function podTemplates(run: ProgramRun): { id: string; pod: any }[] {
    return kubernetesObjects(run).flatMap((o: any) => {
        const template = o.spec?.jobTemplate?.spec?.template ?? o.spec?.template;
        return template?.spec ? [{ id: `${o.kind}/${o.metadata.name}`, pod: template }] : [];
    });
}

describe.each(stackNames())("stack %s", (stack) => {
    let run: ProgramRun;
    beforeAll(async () => {
        run = await runStack(stack);
    });

    test("every pod template passes the restricted profile", () => {
        const templates = podTemplates(run);
        expect(templates.length).toBeGreaterThan(3);
        const violations = templates.flatMap(({ id, pod }) => restrictedViolations(pod).map((v) => `${id}: ${v}`));
        expect(violations).toEqual([]);
    });

    test("every namespace it creates enforces restricted", () => {
        const namespaces = kubernetesObjects(run).filter((o) => o.kind === "Namespace");
        expect(namespaces.length).toBeGreaterThan(0);
        for (const ns of namespaces) expect((ns.metadata as any).labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    });
});

test("the Traefik pod the chart renders from Slipway's values passes too (traefik-helm-chart templates/_podtemplate.tpl reads podSecurityContext and securityContext)", () => {
    const values = traefikValues();
    const pod = { spec: { securityContext: values.podSecurityContext, containers: [{ name: "traefik", securityContext: values.securityContext, ports: [{ containerPort: 8000 }, { containerPort: 8443 }] }] } };
    expect(restrictedViolations(pod)).toEqual([]);
});

test("the checker catches what the namespace would reject", () => {
    const bad = { spec: { hostNetwork: true, volumes: [{ name: "h", hostPath: { path: "/" } }], containers: [{ name: "c", securityContext: { privileged: true, runAsUser: 0 }, ports: [{ hostPort: 80 }] }] } };
    expect(restrictedViolations(bad)).toEqual([
        "host namespaces",
        "volume h: hostPath",
        "container c: privileged",
        "container c: allowPrivilegeEscalation is not false",
        "container c: capabilities do not drop ALL",
        "container c: runAsNonRoot is not true",
        "container c: runAsUser 0",
        "container c: no RuntimeDefault/Localhost seccomp profile",
        "container c: hostPort 80",
    ]);
});
