// Schema check of everything a stack would create (DESIGN.md "How we verify" 2): every Kubernetes
// object of every stack file against the Kubernetes / Gateway API schemas, the k3d cluster config
// against k3d's own JSON schema, and proof that the validators catch what they claim to catch.
import Ajv from "ajv";
import addFormats from "ajv-formats";
import * as fs from "fs";
import * as path from "path";
import { KUBERNETES_VERSIONS, readStackConfig } from "../config";
import { GATEWAY_API_CRDS_URL, GATEWAY_API_VERSION, TRAEFIK_CHART } from "../components/platform/platform";
import { deployTimeExpansions, kubernetesObjects } from "../scripts/manifests";
import { loadStackConfig, ProgramRun } from "../scripts/offline";
import { k3dClusterConfig, resolveDataDir } from "../providers/k3d";
import { reportLines, schemaSourcesLine, stackKubernetesVersion } from "../scripts/validate-report";
import { gatewayApiSchemaReleases, SCHEMA_KUBERNETES_VERSION, stripUndefined, validateObjects, ValidationResult } from "../scripts/validate";
import { findAll, runStack, stackConfig, stackNames } from "./helpers";

/**
 * Per stack, kinds it creates that no model covers ("apiVersion/kind"), each an object nothing checks;
 * a stack not listed must have none.
 */
// GKE's HealthCheckPolicy is a GKE CRD that kubernetes-models does not know: listed, not passed.
// DOKS's CiliumNetworkPolicy is Cilium's CRD (tests/contracts/cilium.test.ts checks it against Cilium's rules).
const EXPECTED_UNKNOWN_KINDS: Record<string, string[]> = { prod: ["networking.gke.io/v1/HealthCheckPolicy"], doks: ["cilium.io/v2/CiliumNetworkPolicy"] };

/** Targets whose cluster brings its own Gateway API implementation (GKE's own; DOKS's Cilium). */
const MANAGED_GATEWAY_TARGETS = ["gke", "doks"];

// k3d's own schema, kept in the repository (tests/reference/README.md names its source).
const K3D_SCHEMA = path.resolve(__dirname, "reference/k3d/config-v1alpha5.schema.json");

const STACKS = stackNames();
const report: string[] = [];

afterAll(() => {
    if (report.length > 0) console.log([schemaSourcesLine(), ...report].join("\n"));
});

test("the project has stack files to check", () => {
    expect(STACKS).toContain("dev");
});

describe.each(STACKS)("stack %s", (stack) => {
    let run: ProgramRun;
    let result: ValidationResult;
    let version: string;

    beforeAll(async () => {
        run = await runStack(stack);
        version = stackKubernetesVersion(stack);
        result = validateObjects(kubernetesObjects(run), version);
        report.push(...reportLines(stack, version, run, result));
    });

    test("every Kubernetes object is valid against its schema", () => {
        const first = result.invalid[0];
        if (first) {
            throw new Error(
                `stack ${stack}: ${first.kind} ${first.namespace}/${first.name} is invalid: ${first.error}` +
                    (result.invalid.length > 1 ? ` (and ${result.invalid.length - 1} more invalid objects)` : ""),
            );
        }
        expect(result.validated).toBeGreaterThan(0);
        expect(result.validated).toBe(kubernetesObjects(run).length - result.unknownKinds.length);
    });

    test("no object escapes validation except the expected unknown kinds", () => {
        const kinds = [...new Set(result.unknownKinds.map((u) => `${u.apiVersion}/${u.kind}`))].sort();
        expect(kinds).toEqual([...(EXPECTED_UNKNOWN_KINDS[stack] ?? [])].sort());
    });

    test("deploy-time expansions are listed, each pinned to a version", () => {
        const expansions = deployTimeExpansions(run);
        for (const r of expansions) {
            if (r.type === "kubernetes:helm.sh/v4:Chart") expect(`${r.name}: ${r.inputs.version}`).toMatch(/: \d+\.\d+\.\d+$/);
            else expect(`${r.name}: ${r.inputs.file}`).toMatch(/\/v\d+\.\d+\.\d+\//);
        }
        const target = loadStackConfig(stack).config["slipway:target"];
        if (MANAGED_GATEWAY_TARGETS.includes(target)) return;
        const charts = findAll(run, "kubernetes:helm.sh/v4:Chart").filter((r) => r.inputs.chart === TRAEFIK_CHART.chart);
        expect(charts.map((r) => r.inputs.version)).toEqual([TRAEFIK_CHART.version]);
        const crds = findAll(run, "kubernetes:yaml/v2:ConfigFile").filter((r) => r.inputs.file === GATEWAY_API_CRDS_URL);
        expect(crds).toHaveLength(1);
        expect(crds[0].inputs.file).toContain(`/${GATEWAY_API_VERSION}/`);
        expect(expansions).toEqual(expect.arrayContaining([charts[0], crds[0]]));
    });
});

// A valid object of each kind the negative tests break; each negative changes exactly one thing.
const deployment = () => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "shop" },
    spec: {
        replicas: 2 as unknown,
        selector: { matchLabels: { app: "web" } },
        template: {
            metadata: { labels: { app: "web" } },
            spec: { containers: [{ name: "web", image: "ghcr.io/stefanprodan/podinfo:6.7.1", ports: [{ name: "http", containerPort: 9898 }] }] as any[] },
        },
    } as Record<string, any>,
});
const service = () => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "web", namespace: "shop" },
    spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80 as number, targetPort: "http" }] },
});
const httpRoute = () => ({
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name: "web", namespace: "shop" },
    spec: {
        parentRefs: [{ name: "slipway", namespace: "shop" }],
        hostnames: ["shop.localtest.me"],
        rules: [{ matches: [{ path: { type: "PathPrefix", value: "/" } }], backendRefs: [{ name: "web", port: 80 }] }],
    } as Record<string, any>,
});

/** The one invalid report for a single object, asserting it names the object. */
function invalidOne(object: any, version = "1.31"): string {
    const result = validateObjects([object], version);
    expect(result.validated).toBe(0);
    expect(result.unknownKinds).toEqual([]);
    expect(result.invalid).toHaveLength(1);
    expect(result.invalid[0]).toMatchObject({ kind: object.kind, name: object.metadata.name, namespace: object.metadata.namespace ?? "" });
    return result.invalid[0].error;
}

describe("validateObjects catches what the cluster would refuse", () => {
    test("the untouched objects are valid, so each failure below comes from its one change", () => {
        expect(validateObjects([deployment(), service(), httpRoute()], "1.31")).toEqual({ validated: 3, invalid: [], unknownKinds: [] });
    });

    test("a Deployment with replicas: \"two\"", () => {
        const d = deployment();
        d.spec.replicas = "two";
        expect(invalidOne(d)).toMatch(/spec\/replicas must be integer/);
    });

    test("a field the schema does not declare (a typo server-side apply would refuse)", () => {
        const d = deployment();
        d.spec.replica = 3;
        expect(invalidOne(d)).toMatch(/data\/spec\/replica is not a field of apps\/v1 Deployment/);
    });

    test("a container without an image", () => {
        const d = deployment();
        delete d.spec.template.spec.containers[0].image;
        expect(invalidOne(d)).toMatch(/containers\/0\/image is required/);
    });

    test("a Service port out of range", () => {
        const s = service();
        s.spec.ports[0].port = 70000;
        expect(invalidOne(s)).toMatch(/ports\/0\/port must be between 1 and 65535, got 70000/);
    });

    test("an HTTPRoute with a misspelt field, and one with a value outside its enum", () => {
        const misspelt = httpRoute();
        misspelt.spec.hostname = misspelt.spec.hostnames;
        delete misspelt.spec.hostnames;
        expect(invalidOne(misspelt)).toMatch(/data\/spec\/hostname is not a field of gateway.networking.k8s.io\/v1 HTTPRoute/);

        const badEnum = httpRoute();
        badEnum.spec.rules[0].matches[0].path.type = "Prefix";
        expect(invalidOne(badEnum)).toMatch(/rules\/0\/matches\/0\/path\/type must be equal to one of the allowed values/);
    });

    test("every invalid object is reported, not only the first", () => {
        const bad = deployment();
        bad.spec.replicas = "two";
        const result = validateObjects([service(), bad, { ...httpRoute(), spec: { ...httpRoute().spec, parentRefs: "slipway" } }], "1.31");
        expect(result.validated).toBe(1);
        expect(result.invalid.map((i) => i.kind)).toEqual(["Deployment", "HTTPRoute"]);
    });

    test("a kind without a model is listed as unknown, never passed", () => {
        const issuer = { apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", metadata: { name: "letsencrypt" }, spec: { acme: {} } };
        expect(validateObjects([issuer], "1.31")).toEqual({
            validated: 0,
            invalid: [],
            unknownKinds: [{ apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", name: "letsencrypt" }],
        });
        // A nested type is a module too, but not an object kind.
        expect(validateObjects([{ apiVersion: "apps/v1", kind: "DeploymentSpec", metadata: { name: "x" } }], "1.31").unknownKinds).toHaveLength(1);
    });

    test("an apiVersion the stack's Kubernetes no longer serves is invalid for that version only", () => {
        const pdb = { apiVersion: "policy/v1beta1", kind: "PodDisruptionBudget", metadata: { name: "web", namespace: "shop" }, spec: { maxUnavailable: 1 } };
        expect(invalidOne(pdb)).toMatch(/policy\/v1beta1 is not served by Kubernetes 1.31 \(removed in 1.25\)/);
        const flowSchema = { apiVersion: "flowcontrol.apiserver.k8s.io/v1beta3", kind: "FlowSchema", metadata: { name: "f" }, spec: { priorityLevelConfiguration: { name: "p" } } };
        expect(validateObjects([flowSchema], "1.31").validated).toBe(1);
        expect(invalidOne(flowSchema, "1.32")).toMatch(/removed in 1.32/);
    });

    test("undefined inputs (which Pulumi drops) are not fields", () => {
        const d = deployment();
        d.spec.paused = undefined;
        d.spec.template.spec.containers[0].command = undefined;
        expect(stripUndefined(d).spec).not.toHaveProperty("paused");
        expect(validateObjects([d], "1.31")).toEqual({ validated: 1, invalid: [], unknownKinds: [] });
    });

    test("a malformed kubernetesVersion is refused", () => {
        expect(() => validateObjects([deployment()], "v1.31")).toThrow(/kubernetesVersion must look like "1.31"/);
    });
});

describe("the schema versions the validator checks against", () => {
    const podSpecWith = (extra: Record<string, unknown>) => {
        const d = deployment();
        Object.assign(d.spec.template.spec, extra);
        return d;
    };

    test(`kubernetes-models' schemas are Kubernetes ${SCHEMA_KUBERNETES_VERSION}: its fields are known, the next release's are not`, () => {
        // 1.33 added Lifecycle.stopSignal; 1.34 added PodSpec.hostnameOverride.
        const d133 = deployment();
        d133.spec.template.spec.containers[0].lifecycle = { stopSignal: "SIGTERM" };
        expect(validateObjects([d133], "1.31").invalid).toEqual([]);
        expect(invalidOne(podSpecWith({ hostnameOverride: "web" }))).toMatch(/hostnameOverride is not a field/);
        expect(SCHEMA_KUBERNETES_VERSION).toBe("1.33");
    });

    test("the schema is older than every minor a stack may pick, so objects are checked against the oldest rules", () => {
        // kubernetes-models 4.5.1 (1.33) is the newest that loads on Node 20 from CommonJS. An object
        // valid against 1.33 is accepted by 1.35-1.37 as long as its API versions are GA ones, which
        // Kubernetes never removes within v1 (kubernetes.io/docs/reference/using-api/deprecation-policy/,
        // rule 1); the stack tests check that every object uses such an API version.
        const minor = (v: string) => Number(v.split(".")[1]);
        expect(KUBERNETES_VERSIONS.filter((v) => minor(v) < minor(SCHEMA_KUBERNETES_VERSION))).toEqual([]);
    });

    test("the Gateway API releases behind the gateway models are read from the package", () => {
        const releases = gatewayApiSchemaReleases();
        expect(releases.length).toBeGreaterThan(0);
        for (const r of releases) expect(r).toMatch(/^v\d+\.\d+\.\d+ (standard|experimental)$/);
    });
});

describe("k3d cluster config against k3d's own schema (config-v1alpha5)", () => {
    const validator = () => {
        if (!fs.existsSync(K3D_SCHEMA)) {
            const shown = path.relative(path.resolve(__dirname, ".."), K3D_SCHEMA);
            throw new Error(`k3d's schema is missing: expected ${shown} (relative to the project root); the k3d config cannot be checked without it`);
        }
        // Strict: a schema keyword ajv does not understand must fail loudly, not be skipped.
        const ajv = new Ajv({ allErrors: true, strict: true });
        addFormats(ajv);
        return ajv.compile(JSON.parse(fs.readFileSync(K3D_SCHEMA, "utf8")));
    };
    const errorsOf = (config: unknown): string => {
        const validate = validator();
        return validate(config) ? "" : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`).join("; ");
    };
    /** The k3d config a stack's config yields, with `edit` applied to the stack's values first. */
    const configFor = (stack: string, edit: (values: Record<string, any>) => void = () => undefined, dataDir?: string) => {
        const { config, secretKeys } = stackConfig(stack, edit);
        const cfg = readStackConfig(stack, config, (k) => secretKeys.includes(k));
        return k3dClusterConfig(cfg.cluster.name, cfg.cluster.kubernetesVersion, cfg.k3d!, dataDir ?? resolveDataDir(cfg.k3d!, cfg.cluster.name));
    };
    const k3dStacks = STACKS.filter((s) => loadStackConfig(s).config["slipway:target"] === "k3d");

    test("the project has a k3d stack (dev)", () => {
        expect(k3dStacks).toContain("dev");
    });

    test.each(k3dStacks)("stack %s: the config the cluster resource hands to `k3d cluster create` is valid", async (stack) => {
        const run = await runStack(stack);
        const clusters = findAll(run, "pulumi-nodejs:dynamic/slipway:K3dCluster");
        expect(clusters).toHaveLength(1);
        const config = JSON.parse(clusters[0].inputs.config);
        expect(config).toEqual(configFor(stack, undefined, "~/.slipway/shop/data"));
        expect(errorsOf(config)).toBe("");
    });

    test("a multi-server cluster with agents is valid", () => {
        const config = configFor("dev", (v) => (v["slipway:k3d"] = { ...v["slipway:k3d"], servers: 3, agents: 2, dataDir: "/srv/slipway" }));
        expect(config).toMatchObject({ servers: 3, agents: 2 });
        expect(errorsOf(config)).toBe("");
    });

    test("the schema refuses servers: 0, an unknown key, and a cluster name that is no hostname", () => {
        const base = configFor("dev");
        expect(errorsOf({ ...base, servers: 0 })).toMatch(/\/servers must be >= 1/);
        expect(errorsOf({ ...base, workers: 2 })).toMatch(/must NOT have additional properties \{"additionalProperty":"workers"\}/);
        expect(errorsOf({ ...base, options: { ...base.options, k3s: { ...base.options.k3s, extraArg: [] } } })).toMatch(/\/options\/k3s must NOT have additional properties/);
        // Only ajv-formats makes `format: hostname` a check; without it this would pass.
        expect(errorsOf({ ...base, metadata: { name: "shop_cluster!" } })).toMatch(/\/metadata\/name must match format "hostname"/);
    });
});
