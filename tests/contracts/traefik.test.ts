// What Traefik (chart 41.3.0, Traefik v3.7) requires of the values and Gateways Slipway gives it.
import { gatewayListeners, GATEWAY_API_CRDS_URL, traefikValues } from "../../components/platform/platform";
import { existingGateway } from "../../providers/existing";
import { parseConfig } from "../../config";
import { GATEWAY_API_VERSION, TRAEFIK_CHART } from "../../versions";
import { findAll, runStack } from "../helpers";
import { traefikGateway } from "../../providers/traefik/gateway";

test("Gateway listeners use Traefik's entryPoint ports: its Gateway provider attaches a listener to the entryPoint of that port (Traefik docs, kubernetes-gateway provider)", () => {
    const values = traefikValues();
    const listeners = gatewayListeners(traefikGateway, ["shop.example.com"], { certificateRefs: [{ name: "tls" }] });
    expect(listeners.map((l) => l.port)).toEqual([values.ports.web.port, values.ports.websecure.port]);
    // ...and clients reach them on the usual ports through the Service.
    expect([values.ports.web.exposedPort, values.ports.websecure.exposedPort]).toEqual([80, 443]);
});

test("the Service type sits where chart 41.3.0's templates read it (service.spec), not as a top-level service.type the chart ignores", () => {
    for (const type of ["LoadBalancer", "ClusterIP"] as const) {
        const values: any = traefikValues({ type });
        expect(values.service.spec.type).toBe(type);
        expect(values.service.type).toBeUndefined();
    }
});

test("NodePort exposure sets ports.<entryPoint>.nodePort inside Kubernetes' default NodePort range", () => {
    const existing = parseConfig(
        { target: "existing", cluster: { name: "shop" }, existing: { context: "kind", storage: { provisioner: "rancher.io/local-path" } } },
        { stack: "t", secretKeys: new Set() },
    ).existing!;
    const values: any = traefikValues(existingGateway(existing.gateway).exposure);
    expect(values.service.spec.type).toBe("NodePort");
    for (const p of [values.ports.web.nodePort, values.ports.websecure.nodePort]) expect(p >= 30000 && p <= 32767).toBe(true);
});

test("the GatewayClass the chart creates is the one Slipway's Gateway names", () => {
    expect(traefikValues().gatewayClass).toEqual({ enabled: true, name: traefikGateway.className });
    expect(traefikValues().providers.kubernetesGateway.enabled).toBe(true);
});

test("the Gateway API CRDs installed are the release Traefik v3.7 implements (v1.5.1, traefik go.mod), since chart 41 no longer ships them", () => {
    expect(GATEWAY_API_VERSION).toBe("v1.5.1");
    expect(TRAEFIK_CHART.version).toBe("41.3.0");
    expect(GATEWAY_API_CRDS_URL).toBe(`https://github.com/kubernetes-sigs/gateway-api/releases/download/${GATEWAY_API_VERSION}/standard-install.yaml`);
});

test.each(["dev", "e2e"])("stack %s installs the pinned chart with its CRDs skipped (they come from the pinned manifest)", async (stack) => {
    const run = await runStack(stack);
    const [chart] = findAll(run, "kubernetes:helm.sh/v4:Chart");
    expect(chart.inputs).toMatchObject({ chart: "traefik", version: TRAEFIK_CHART.version, skipCrds: true, repositoryOpts: { repo: TRAEFIK_CHART.repo } });
});
