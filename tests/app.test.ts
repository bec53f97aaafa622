// The app layer's actual inputs and options: the dev stack end to end under mocks, plus a few
// single-App runs for the cases the stack file does not happen to contain.
import type { AppConfig, SlipwayConfig } from "../config";
import { isPinnedImage, parseConfig } from "../config";
import type { ProgramRun, RecordedResource } from "../scripts/offline";
import { allStrings, find, findAll, isSecretPath, maybeFind, parsedStackConfig, podSpec, runComponents, runStack, stackConfig } from "./helpers";
import { dataKeptProblems } from "./helpers";
import { gatewayHealthCheck } from "../components/apps/container";

const RETAINED_CLASS = "local-path-retain";

let dev: ProgramRun;
let cfg: SlipwayConfig;

beforeAll(async () => {
    cfg = parsedStackConfig("dev");
    dev = await runStack("dev");
});

const workloadOf = (run: ProgramRun, app: AppConfig): RecordedResource =>
    app.kind === "stateful" ? find(run, "StatefulSet", `${app.name}-statefulset`) : find(run, "Deployment", `${app.name}-deployment`);
const mainContainer = (r: RecordedResource, app: AppConfig) => podSpec(r).containers.find((c: any) => c.name === app.name);
const selectorOf = (r: RecordedResource): Record<string, string> => r.inputs.spec.selector.matchLabels;
const matchesSelector = (labels: Record<string, string> | undefined, selector: Record<string, string>) =>
    Object.entries(selector).every(([k, v]) => labels?.[k] === v);

describe("every app's workload (dev stack)", () => {
    test("the dev stack has web, worker and stateful apps to check", () => {
        expect(new Set(cfg.apps.map((a) => a.kind))).toEqual(new Set(["web", "worker", "stateful"]));
    });

    test("pod and container securityContext meet Pod Security restricted", () => {
        for (const app of cfg.apps) {
            const workload = workloadOf(dev, app);
            const pod = podSpec(workload);
            expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: app.runAsUser, seccompProfile: { type: "RuntimeDefault" } });
            expect(pod.automountServiceAccountToken).toBe(false);
            for (const c of pod.containers) {
                expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
                expect(c.securityContext.privileged).not.toBe(true);
            }
        }
    });

    test("requests for cpu and memory and a memory limit", () => {
        for (const app of cfg.apps) {
            const { resources } = mainContainer(workloadOf(dev, app), app);
            expect(resources.requests.cpu).toMatch(/^\d+m?$/);
            expect(resources.requests.memory).toMatch(/^\d+(Mi|Gi)$/);
            expect(resources.limits.memory).toMatch(/^\d+(Mi|Gi)$/);
        }
    });

    test("startup, readiness and liveness probes check the app's own port", () => {
        for (const app of cfg.apps.filter((a) => a.port !== undefined)) {
            const c = mainContainer(workloadOf(dev, app), app);
            const port = c.ports.find((p: any) => p.containerPort === app.port);
            expect(port).toBeDefined();
            for (const probe of [c.startupProbe, c.readinessProbe, c.livenessProbe]) {
                const target = probe.httpGet?.port ?? probe.tcpSocket?.port;
                expect([port.name, app.port]).toContain(target);
                if (app.health.path) expect(probe.httpGet.path).toBe(app.health.path);
            }
            // A slow start gets `startupSeconds` before liveness may restart the container.
            expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBeGreaterThanOrEqual(app.health.startupSeconds);
        }
    });

    test("the image is the configured, pinned one", () => {
        for (const app of cfg.apps) {
            const image = mainContainer(workloadOf(dev, app), app).image;
            expect(image).toBe(app.image);
            expect(isPinnedImage(image)).toBe(true);
        }
    });

    test("replicas > 1 get topology spread and a PDB; one replica gets neither", () => {
        const many = cfg.apps.filter((a) => a.replicas > 1);
        const one = cfg.apps.filter((a) => a.replicas <= 1);
        expect(many.length).toBeGreaterThan(0);
        expect(one.length).toBeGreaterThan(0);
        for (const app of many) {
            const workload = workloadOf(dev, app);
            const spread = podSpec(workload).topologySpreadConstraints;
            expect(spread.map((s: any) => s.topologyKey)).toContain("kubernetes.io/hostname");
            for (const s of spread) expect(s.labelSelector.matchLabels).toEqual(selectorOf(workload));
            const pdb = find(dev, "PodDisruptionBudget", `${app.name}-pdb`);
            expect(pdb.inputs.spec.selector.matchLabels).toEqual(selectorOf(workload));
            expect(pdb.inputs.spec.maxUnavailable).toBe(1);
        }
        for (const app of one) {
            expect(podSpec(workloadOf(dev, app)).topologySpreadConstraints).toBeUndefined();
            expect(maybeFind(dev, "PodDisruptionBudget", `${app.name}-pdb`)).toBeUndefined();
        }
    });

    test("Deployments roll without ever dropping below the desired count", () => {
        for (const app of cfg.apps.filter((a) => a.kind !== "stateful")) {
            const workload = workloadOf(dev, app);
            expect(workload.inputs.spec.replicas).toBe(app.replicas);
            expect(workload.inputs.spec.strategy).toMatchObject({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0 } });
        }
    });

    test("the selector matches the pod template", () => {
        for (const app of cfg.apps) {
            const workload = workloadOf(dev, app);
            expect(matchesSelector(workload.inputs.spec.template.metadata.labels, selectorOf(workload))).toBe(true);
        }
    });
});

describe("stateful apps", () => {
    const statefulApps = () => cfg.apps.filter((a) => a.kind === "stateful");

    test("volumes on the retained class, kept when the set is deleted or scaled", () => {
        expect(statefulApps().length).toBeGreaterThan(0);
        for (const app of statefulApps()) {
            const sts = find(dev, "StatefulSet", `${app.name}-statefulset`);
            const [claim] = sts.inputs.spec.volumeClaimTemplates;
            expect(claim.spec.storageClassName).toBe(RETAINED_CLASS);
            expect(claim.spec.accessModes).toEqual(["ReadWriteOnce"]);
            expect(claim.spec.resources.requests.storage).toBe(app.storage?.size ?? "1Gi");
            expect(sts.inputs.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
            expect(sts.inputs.spec.podManagementPolicy).toBe("Parallel");
            expect(dataKeptProblems(dev, sts)).toEqual([]);
            // The data volume is mounted where the app keeps its data, and is never an emptyDir.
            const mount = mainContainer(sts, app).volumeMounts.find((m: any) => m.name === claim.metadata.name);
            expect(mount.mountPath).toBe(app.storage?.mountPath ?? "/data");
            expect((podSpec(sts).volumes ?? []).map((v: any) => v.name)).not.toContain(claim.metadata.name);
        }
    });

    test("a headless Service gives members stable DNS names", () => {
        for (const app of statefulApps()) {
            const sts = find(dev, "StatefulSet", `${app.name}-statefulset`);
            const headless = find(dev, "Service", `${app.name}-headless`);
            expect(headless.inputs.spec.clusterIP).toBe("None");
            expect(headless.inputs.metadata.name).toBe(sts.inputs.spec.serviceName);
            expect(headless.inputs.spec.selector).toEqual(selectorOf(sts));
        }
    });
});

describe("secretEnv", () => {
    test("a generated value lives in a Secret, marked secret, read by reference", () => {
        const web = cfg.apps.find((a) => Object.values(a.secretEnv).some((s) => "generate" in s))!;
        const [envName] = Object.entries(web.secretEnv).find(([, s]) => "generate" in s)!;
        const password = find(dev, "RandomPassword", `${web.name}-${envName.toLowerCase().replace(/_/g, "-")}`);
        expect(password.additionalSecretOutputs).toContain("result");
        expect(password.inputs.length).toBe((web.secretEnv[envName] as any).generate.length);

        const secret = find(dev, "Secret", `${web.name}-env`);
        expect(isSecretPath(secret, `stringData.${envName}`)).toBe(true);
        const generated = secret.inputs.stringData[envName];
        expect(typeof generated).toBe("string");

        const env = mainContainer(workloadOf(dev, web), web).env.find((e: any) => e.name === envName);
        expect(env.value).toBeUndefined();
        expect(env.valueFrom.secretKeyRef).toEqual({ name: secret.inputs.metadata.name, key: envName });
        // The generated value appears nowhere but in secret inputs.
        for (const r of dev.resources) {
            const plain = r === secret ? { ...r.inputs, stringData: undefined } : r.inputs;
            expect(allStrings(plain)).not.toContain(generated);
        }
        expect(JSON.stringify(dev.outputs)).not.toContain(generated);
    });

    test("a value from a secret config key reaches the Secret, still secret, and nothing else", async () => {
        const value = "token-from-pulumi-config-secret";
        const loaded = stackConfig("dev", (v) => {
            v["slipway:apps"][0].secretEnv = { ...v["slipway:apps"][0].secretEnv, API_TOKEN: { config: "apiToken" } };
            v["slipway:apiToken"] = value;
        });
        const run = await runStack("dev", { config: loaded.config, secretKeys: [...loaded.secretKeys, "slipway:apiToken"] });
        const appName = JSON.parse(loaded.config["slipway:apps"])[0].name;
        const secret = find(run, "Secret", `${appName}-env`);
        expect(secret.inputs.stringData.API_TOKEN).toBe(value);
        expect(isSecretPath(secret, "stringData.API_TOKEN")).toBe(true);
        for (const r of run.resources.filter((x) => x !== secret)) expect(JSON.stringify(r.inputs)).not.toContain(value);
    });
});

describe("the migrate Job", () => {
    const migrating = () => cfg.apps.find((a) => a.migrate)!;
    const jobOf = (run: ProgramRun, app: AppConfig) => find(run, "Job", `${app.name}-migrate`);

    test("its name carries a content hash that changes with the image, and only then", async () => {
        const app = migrating();
        const name = jobOf(dev, app).inputs.metadata.name;
        expect(name).toMatch(new RegExp(`^${app.name}-migrate-[0-9a-f]{8}$`));

        const index = cfg.apps.indexOf(app);
        const newImage = stackConfig("dev", (v) => (v["slipway:apps"][index].image = app.image.replace(/:[^:/]+$/, ":9.9.9")));
        const scaled = stackConfig("dev", (v) => (v["slipway:apps"][index].replicas = app.replicas + 1));
        const [afterImage, afterScale] = [await runStack("dev", newImage), await runStack("dev", scaled)];
        expect(jobOf(afterImage, app).inputs.metadata.name).not.toBe(name);
        expect(jobOf(afterImage, app).inputs.spec.template.spec.containers[0].image).toMatch(/:9\.9\.9$/);
        expect(jobOf(afterScale, app).inputs.metadata.name).toBe(name);
    });

    test("the Deployment rolls only after the Job", () => {
        const app = migrating();
        expect(workloadOf(dev, app).dependencies).toContain(jobOf(dev, app).urn);
    });

    test("runs the migrate command once, with the app's image and restricted security", () => {
        const app = migrating();
        const spec = podSpec(jobOf(dev, app));
        expect(spec.restartPolicy).toBe("Never");
        expect(spec.containers).toHaveLength(1);
        expect(spec.containers[0].command).toEqual(app.migrate!.command);
        expect(spec.containers[0].image).toBe(app.image);
        expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
        expect(spec.containers[0].securityContext.capabilities.drop).toEqual(["ALL"]);
    });

    test("its pods never carry the app's selector labels (no Service, PDB or policy picks them up)", () => {
        const app = migrating();
        const labels = jobOf(dev, app).inputs.spec.template.metadata.labels;
        expect(matchesSelector(labels, selectorOf(workloadOf(dev, app)))).toBe(false);
        const service = maybeFind(dev, "Service", `${app.name}-service`);
        if (service) expect(matchesSelector(labels, service.inputs.spec.selector)).toBe(false);
    });
});

describe("web traffic", () => {
    test("each routed app gets an HTTPRoute on the shared Gateway for its host", () => {
        const routed = cfg.apps.filter((a) => a.ingress);
        expect(routed.length).toBeGreaterThan(0);
        const gateway = find(dev, "Gateway", `${cfg.cluster.name}-gateway`);
        for (const app of routed) {
            const route = find(dev, "HTTPRoute", `${app.name}-route`);
            expect(route.inputs.spec.parentRefs).toEqual([{ name: "slipway", namespace: gateway.inputs.metadata.namespace }]);
            expect(gateway.inputs.metadata.name).toBe("slipway");
            expect(route.inputs.spec.hostnames).toEqual([app.ingress!.host]);
            const service = find(dev, "Service", `${app.name}-service`);
            const [rule] = route.inputs.spec.rules;
            expect(rule.matches[0].path).toEqual({ type: "PathPrefix", value: app.ingress!.path });
            expect(rule.backendRefs).toEqual([{ name: service.inputs.metadata.name, port: service.inputs.spec.ports[0].port }]);
        }
    });

    test("an HTTPRoute waits for the Gateway (and so for the Gateway API CRDs)", () => {
        const gateway = find(dev, "Gateway", `${cfg.cluster.name}-gateway`);
        for (const app of cfg.apps.filter((a) => a.ingress)) {
            // Without it, on a fresh cluster the route races the CRDs (kubernetes:yaml/v2:ConfigFile) it needs.
            expect(find(dev, "HTTPRoute", `${app.name}-route`).dependencies).toContain(gateway.urn);
        }
    });

    test("a web app's Service targets its pods' named port", () => {
        for (const app of cfg.apps.filter((a) => a.kind === "web")) {
            const workload = workloadOf(dev, app);
            const service = find(dev, "Service", `${app.name}-service`);
            expect(service.inputs.spec.selector).toEqual(selectorOf(workload));
            const portName = service.inputs.spec.ports[0].targetPort;
            expect(mainContainer(workload, app).ports.find((p: any) => p.name === portName)?.containerPort).toBe(app.port);
        }
    });
});

describe("NetworkPolicies admit exactly the callers", () => {
    const policyOf = (app: AppConfig) => find(dev, "NetworkPolicy", `${app.name}-ingress`);
    const podSelectorsIn = (rule: any) => (rule.from ?? []).map((f: any) => f.podSelector?.matchLabels).filter(Boolean);

    test("web apps with a route are reachable from the traefik namespace on their port", () => {
        for (const app of cfg.apps.filter((a) => a.ingress)) {
            const policy = policyOf(app);
            expect(policy.inputs.spec.podSelector.matchLabels).toEqual(selectorOf(workloadOf(dev, app)));
            const fromGateway = policy.inputs.spec.ingress.find((r: any) =>
                r.from.some((f: any) => f.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === "traefik"),
            );
            expect(fromGateway.ports).toEqual([{ port: app.port, protocol: "TCP" }]);
        }
    });

    test("an app is reachable from each app that connectsTo it, on its port", () => {
        const kv = cfg.apps.find((a) => a.name === "kv")!;
        const callersOfKv = cfg.apps.filter((a) => a.connectsTo.includes("kv")).map((a) => a.name);
        expect(callersOfKv).toEqual(expect.arrayContaining(["web", "worker"]));
        for (const app of cfg.apps) {
            const callers = cfg.apps.filter((a) => a.connectsTo.includes(app.name));
            if (callers.length === 0) continue;
            const rules = policyOf(app).inputs.spec.ingress;
            for (const caller of callers) {
                const callerSelector = selectorOf(workloadOf(dev, caller));
                const rule = rules.find((r: any) => podSelectorsIn(r).some((s: any) => JSON.stringify(s) === JSON.stringify(callerSelector)));
                expect(rule).toBeDefined();
                expect(rule.ports).toEqual([{ port: app.port, protocol: "TCP" }]);
            }
        }
        expect(kv.kind).toBe("stateful");
    });

    test("a stateful app's members reach each other (peer traffic on any port)", () => {
        for (const app of cfg.apps.filter((a) => a.kind === "stateful")) {
            const own = selectorOf(workloadOf(dev, app));
            const peers = policyOf(app).inputs.spec.ingress.find((r: any) => podSelectorsIn(r).some((s: any) => JSON.stringify(s) === JSON.stringify(own)));
            expect(peers).toBeDefined();
            expect(peers.ports).toBeUndefined();
        }
    });

    test("no policy admits a caller that did not declare the app", () => {
        for (const app of cfg.apps) {
            const policy = maybeFind(dev, "NetworkPolicy", `${app.name}-ingress`);
            if (!policy) continue;
            const allowed = new Set([app.name, ...cfg.apps.filter((a) => a.connectsTo.includes(app.name)).map((a) => a.name)]);
            for (const rule of policy.inputs.spec.ingress) {
                for (const sel of podSelectorsIn(rule)) expect(allowed).toContain(sel["app.kubernetes.io/name"]);
            }
        }
    });
});

describe("a single App (component-level)", () => {
    function appConfig(app: Record<string, unknown>): AppConfig {
        return parseConfig({ target: "k3d", cluster: { name: "unit" }, apps: [app] }, { stack: "unit", secretKeys: new Set() }).apps[0];
    }

    function runApp(app: AppConfig): Promise<ProgramRun> {
        return runComponents((req, native) => {
            const k8s = req("@pulumi/kubernetes");
            const pulumi = req("@pulumi/pulumi");
            const { App } = req("../components/apps/app") as typeof import("../components/apps/app");
            const provider = new k8s.Provider("unit-k8s", { kubeconfig: "unit" });
            new App(app.name, native({
                app,
                namespace: "unit",
                provider,
                storageClass: RETAINED_CLASS,
                gateway: { name: "slipway", namespace: "unit", sources: [], healthCheckPolicies: false, ciliumIngressIdentity: false },
                clients: [],
                envFrom: [],
                migrateEnvFrom: [],
                secretConfig: (key: string) => pulumi.secret(`value-of-${key}`),
            }));
        });
    }

    test("one replica: no PDB, no spread; three replicas: both", async () => {
        const base = { name: "api", kind: "web", image: "ghcr.io/stefanprodan/podinfo:6.7.1", port: 9898 };
        const single = await runApp(appConfig({ ...base, replicas: 1 }));
        expect(findAll(single, "PodDisruptionBudget")).toHaveLength(0);
        expect(podSpec(find(single, "Deployment", "api-deployment")).topologySpreadConstraints).toBeUndefined();
        const triple = await runApp(appConfig({ ...base, replicas: 3 }));
        expect(find(triple, "PodDisruptionBudget", "api-pdb").inputs.spec.maxUnavailable).toBe(1);
        expect(podSpec(find(triple, "Deployment", "api-deployment")).topologySpreadConstraints.length).toBeGreaterThan(0);
    });

    test("every child of the App has it as parent and the given provider", async () => {
        const run = await runApp(appConfig({ name: "kv", kind: "stateful", image: "quay.io/coreos/etcd:v3.5.17", port: 2379, replicas: 3 }));
        const component = find(run, "slipway:app:App", "kv");
        const provider = find(run, "pulumi:providers:kubernetes", "unit-k8s");
        const children = run.resources.filter((r) => r.parent === component.urn);
        expect(children.length).toBeGreaterThan(0);
        for (const child of children.filter((r) => r.type.startsWith("kubernetes:"))) {
            expect(child.provider).toBe(`${provider.urn}::${provider.name}-id`);
        }
        expect(run.resources.filter((r) => r !== component && r !== provider && r.parent !== component.urn)).toEqual([]);
    });

    // Django answers 400 to a Host not in ALLOWED_HOSTS, and the kubelet sends the pod IP by default.
    test("HTTP probes send the ingress host as Host header, or health.host when set", async () => {
        const routed = await runApp(
            appConfig({ name: "site", kind: "web", image: "ghcr.io/stefanprodan/podinfo:6.7.1", port: 8000, health: { path: "/healthz" }, ingress: { host: "shop.example.com" } }),
        );
        const web = podSpec(find(routed, "Deployment", "site-deployment")).containers[0];
        for (const probe of [web.startupProbe, web.readinessProbe, web.livenessProbe]) expect(probe.httpGet.httpHeaders).toEqual([{ name: "Host", value: "shop.example.com" }]);
        const internal = await runApp(
            appConfig({ name: "api", kind: "web", image: "ghcr.io/stefanprodan/podinfo:6.7.1", port: 8000, health: { path: "/healthz", host: "localhost" } }),
        );
        const api = podSpec(find(internal, "Deployment", "api-deployment")).containers[0];
        expect(api.readinessProbe.httpGet.httpHeaders).toEqual([{ name: "Host", value: "localhost" }]);
        const bare = await runApp(appConfig({ name: "raw", kind: "web", image: "ghcr.io/stefanprodan/podinfo:6.7.1", port: 8000, health: { path: "/healthz" } }));
        expect(podSpec(find(bare, "Deployment", "raw-deployment")).containers[0].readinessProbe.httpGet.httpHeaders).toBeUndefined();
    });

    test("GKE's load-balancer health check sends the same Host", () => {
        const check = gatewayHealthCheck(appConfig({ name: "site", kind: "web", image: "x:1", port: 8000, health: { path: "/healthz" }, ingress: { host: "shop.example.com" } }), "site");
        expect(check.default.config.httpHealthCheck).toMatchObject({ requestPath: "/healthz", host: "shop.example.com" });
    });

    test("a worker with a health command and no port: exec probes, no Service, no route", async () => {
        const run = await runApp(
            appConfig({ name: "jobs", kind: "worker", image: "ghcr.io/stefanprodan/podinfo:6.7.1", health: { command: ["celery", "inspect", "ping"] } }),
        );
        const c = podSpec(find(run, "Deployment", "jobs-deployment")).containers[0];
        for (const probe of [c.startupProbe, c.readinessProbe, c.livenessProbe]) expect(probe.exec.command).toEqual(["celery", "inspect", "ping"]);
        expect(c.ports).toBeUndefined();
        expect(findAll(run, "Service")).toHaveLength(0);
        expect(findAll(run, "HTTPRoute")).toHaveLength(0);
    });
});
