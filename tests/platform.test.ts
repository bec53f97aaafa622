// The platform under the apps (dev stack): namespace, default deny, the Gateway API and Traefik, and
// the rule that every Kubernetes object goes through the stack's own provider under a parent.
import type { SlipwayConfig } from "../config";
import type { ProgramRun } from "../scripts/offline";
import { find, findAll, kubernetesProviderOf, onWrongKubernetesProvider, retainedProviderOf, parsedStackConfig, runStack, stackConfig } from "./helpers";

let dev: ProgramRun;
let cfg: SlipwayConfig;

beforeAll(async () => {
    cfg = parsedStackConfig("dev");
    dev = await runStack("dev");
});

const platformChild = (type: string, role: string) => find(dev, type, `${cfg.cluster.name}-${role}`);

describe("the apps' namespace", () => {
    test("is the configured namespace, labelled Pod Security restricted, pinned to the cluster's minor", () => {
        const ns = platformChild("Namespace", "namespace");
        expect(ns.inputs.metadata.name).toBe(cfg.namespace);
        const version = `v${cfg.cluster.kubernetesVersion}`;
        for (const mode of ["enforce", "audit", "warn"]) {
            expect(ns.inputs.metadata.labels[`pod-security.kubernetes.io/${mode}`]).toBe("restricted");
            expect(ns.inputs.metadata.labels[`pod-security.kubernetes.io/${mode}-version`]).toBe(version);
        }
    });

    test("denies all ingress by default", () => {
        const deny = platformChild("NetworkPolicy", "default-deny");
        expect(deny.inputs.metadata.namespace).toBe(cfg.namespace);
        expect(deny.inputs.spec.podSelector).toEqual({});
        expect(deny.inputs.spec.policyTypes).toEqual(["Ingress"]);
        expect(deny.inputs.spec.ingress).toBeUndefined();
    });

    test("every namespaced object of the apps lands in it", () => {
        for (const app of cfg.apps) {
            const children = dev.resources.filter((r) => r.parent.endsWith(`slipway:app:App::${app.name}`) && r.inputs.metadata);
            expect(children.length).toBeGreaterThan(0);
            for (const r of children) expect(r.inputs.metadata.namespace).toBe(cfg.namespace);
        }
    });
});

describe("Traefik and the Gateway API", () => {
    test("Traefik is a helm v4 Chart at a pinned version from its https repo", () => {
        const chart = platformChild("kubernetes:helm.sh/v4:Chart", "traefik");
        expect(chart.inputs.chart).toBe("traefik");
        expect(chart.inputs.version).toMatch(/^\d+\.\d+\.\d+$/);
        expect(chart.inputs.repositoryOpts.repo).toBe("https://traefik.github.io/charts");
        expect(chart.inputs.namespace).toBe("traefik");
        // The Gateway API CRDs come from the pinned upstream manifest, not from the chart.
        expect(chart.inputs.skipCrds).toBe(true);
    });

    test("only Traefik's Gateway API provider is on", () => {
        const { providers, ingressClass } = platformChild("kubernetes:helm.sh/v4:Chart", "traefik").inputs.values;
        expect(providers.kubernetesGateway.enabled).toBe(true);
        expect(providers.kubernetesCRD.enabled).toBe(false);
        expect(providers.kubernetesIngress.enabled).toBe(false);
        expect(ingressClass?.enabled).not.toBe(true);
    });

    test("Traefik's namespace is restricted too", () => {
        const ns = platformChild("Namespace", "traefik-ns");
        expect(ns.inputs.metadata.name).toBe("traefik");
        expect(ns.inputs.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    });

    test("the shared Gateway listens on Traefik's web entryPoint port with Traefik's class", () => {
        const gateway = platformChild("Gateway", "gateway");
        const chart = platformChild("kubernetes:helm.sh/v4:Chart", "traefik");
        expect(gateway.inputs.metadata).toMatchObject({ name: "slipway", namespace: cfg.namespace });
        expect(gateway.inputs.spec.gatewayClassName).toBe("traefik");
        expect(chart.inputs.values.gatewayClass).toMatchObject({ enabled: true, name: "traefik" });
        const http = gateway.inputs.spec.listeners.find((l: any) => l.protocol === "HTTP");
        expect(http.port).toBe(8000);
        expect(http.port).toBe(chart.inputs.values.ports.web.port);
    });

    test("the Gateway API CRDs come from a pinned standard-channel release", () => {
        const crds = platformChild("kubernetes:yaml/v2:ConfigFile", "gateway-api-crds");
        expect(crds.inputs.file).toMatch(
            /^https:\/\/github\.com\/kubernetes-sigs\/gateway-api\/releases\/download\/v\d+\.\d+\.\d+\/standard-install\.yaml$/,
        );
    });

    test("Traefik and the Gateway wait for the CRDs", () => {
        const crds = platformChild("kubernetes:yaml/v2:ConfigFile", "gateway-api-crds");
        expect(platformChild("kubernetes:helm.sh/v4:Chart", "traefik").dependencies).toContain(crds.urn);
        expect(platformChild("Gateway", "gateway").dependencies).toContain(crds.urn);
    });
});

describe("providers and parents", () => {
    test("every Kubernetes resource uses one of the stack's providers, never a default one", () => {
        expect(dev.resources.filter((r) => r.type.startsWith("kubernetes:")).length).toBeGreaterThan(0);
        expect(onWrongKubernetesProvider(dev)).toEqual([]);
    });

    test("every resource but the top-level components has a recorded parent", () => {
        const urns = new Set(dev.resources.map((r) => r.urn));
        const topLevel = dev.resources.filter((r) => r.parent === "");
        expect(topLevel.filter((r) => r.custom || !r.type.startsWith("slipway:")).map((r) => r.type)).toEqual([]);
        const orphans = dev.resources.filter((r) => r.parent !== "" && !urns.has(r.parent)).map((r) => r.name);
        expect(orphans).toEqual([]);
    });

    test("component children are named after their component", () => {
        const byUrn = new Map(dev.resources.map((r) => [r.urn, r]));
        const misnamed = dev.resources
            .filter((r) => r.parent !== "" && !r.name.startsWith(byUrn.get(r.parent)!.name))
            .map((r) => `${r.name} under ${byUrn.get(r.parent)!.name}`);
        expect(misnamed).toEqual([]);
    });

    test("there are exactly two Kubernetes providers, the same cluster, and only one of them adopts existing objects", () => {
        const providers = findAll(dev, "pulumi:providers:kubernetes");
        expect(providers).toHaveLength(2);
        const [plain, retained] = [kubernetesProviderOf(dev).resource, retainedProviderOf(dev).resource];
        // Provider inputs travel as strings.
        expect(retained.inputs).toEqual({ ...plain.inputs, upsertExistingObjects: "true", enablePatchForce: "true" });
    });

    test("every object in the apps' namespace waits for the namespace", () => {
        const ns = platformChild("Namespace", "namespace");
        for (const r of dev.resources.filter((x) => x.inputs?.metadata?.namespace === cfg.namespace && x.custom)) {
            // Through the namespace's name output, not a hard-coded string.
            expect(r.dependencies).toContain(ns.urn);
        }
    });
});

describe("Traefik's pods under Pod Security restricted", () => {
    test("the chart values give Traefik the seccomp profile and securityContext restricted demands", () => {
        const values = find(dev, "kubernetes:helm.sh/v4:Chart", "shop-traefik").inputs.values;
        expect(values.podSecurityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
        expect(Number.isInteger(values.podSecurityContext.runAsUser) && values.podSecurityContext.runAsUser > 0).toBe(true);
        expect(values.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
        // ...and the namespace it lands in enforces exactly that level.
        expect(find(dev, "Namespace", "shop-traefik-ns").inputs.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    });
});

describe("an existing cluster with its own Gateway controller", () => {
    let e2e: ProgramRun;
    beforeAll(async () => {
        e2e = await runStack(
            "e2e",
            stackConfig("e2e", (v) => (v["slipway:existing"].gateway = { install: false, className: "cilium", namespace: "kube-system" })),
        );
    });

    test("installs neither Traefik nor the Gateway API CRDs (a shared cluster's are not Slipway's to own)", () => {
        expect(findAll(e2e, "kubernetes:helm.sh/v4:Chart")).toEqual([]);
        expect(findAll(e2e, "kubernetes:yaml/v2:ConfigFile")).toEqual([]);
        expect(findAll(e2e, "Namespace").map((n) => n.inputs.metadata.name)).toEqual(["shop"]);
    });

    test("the Gateway uses the cluster's class on ports 80/443 and routed apps admit its namespace", () => {
        const gateway = find(e2e, "kubernetes:gateway.networking.k8s.io/v1:Gateway", "shop-gateway").inputs.spec;
        expect(gateway.gatewayClassName).toBe("cilium");
        expect(gateway.listeners.map((l: any) => l.port)).toEqual([80]);
        const from = find(e2e, "NetworkPolicy", "web-ingress").inputs.spec.ingress[0].from;
        expect(from).toEqual([{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }]);
    });

    test("naming another controller while asking Slipway to install Traefik is refused, naming the key", async () => {
        const bad = stackConfig("e2e", (v) => (v["slipway:existing"].gateway = { install: true, className: "cilium" }));
        await expect(runStack("e2e", bad)).rejects.toThrow(/slipway:existing\.gateway: .*set install: false/);
    });
});
