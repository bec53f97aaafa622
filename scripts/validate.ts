// Validates the Kubernetes objects a stack would apply, offline: against the Kubernetes OpenAPI
// schema (kubernetes-models) and the Gateway API CRD schema (@kubernetes-models/gateway-api),
// plus the few API-server rules those schemas cannot express. A kind without a model is reported,
// never passed silently: a CRD we cannot check is a gap the report must show.
import * as fs from "fs";
import * as path from "path";
import type { KubernetesObject } from "./manifests";

/**
 * Kubernetes release whose OpenAPI kubernetes-models 4.5.1 was generated from. The package's README
 * badge says 1.27.1, but it is stale: the schemas know 1.33 fields (Lifecycle.stopSignal,
 * PodStatus.observedGeneration) and no 1.34 field (Container.restartPolicyRules, PodSpec.hostnameOverride).
 * tests/schema.test.ts probes those markers, so a package upgrade cannot leave this wrong.
 */
export const SCHEMA_KUBERNETES_VERSION = "1.33";

/** Packages holding models, tried in order; the module path is `<package>/<apiVersion>/<Kind>`. */
const MODEL_PACKAGES = ["kubernetes-models", "@kubernetes-models/gateway-api"];

/**
 * Group/versions the package still models but the API server no longer serves, with the first
 * minor that dropped them (kubernetes.io "Deprecated API Migration Guide"). Every beta group/version
 * kubernetes-models 4.5.1 ships is one of these; a current beta it does not model is an unknown kind.
 */
export const REMOVED_API_VERSIONS: Readonly<Record<string, string>> = {
    "apps/v1beta1": "1.16",
    "apps/v1beta2": "1.16",
    "extensions/v1beta1": "1.22",
    "admissionregistration.k8s.io/v1beta1": "1.22",
    "apiextensions.k8s.io/v1beta1": "1.22",
    "apiregistration.k8s.io/v1beta1": "1.22",
    "authentication.k8s.io/v1beta1": "1.22",
    "authorization.k8s.io/v1beta1": "1.22",
    "certificates.k8s.io/v1beta1": "1.22",
    "coordination.k8s.io/v1beta1": "1.22",
    "networking.k8s.io/v1beta1": "1.22",
    "rbac.authorization.k8s.io/v1beta1": "1.22",
    "scheduling.k8s.io/v1beta1": "1.22",
    "autoscaling/v2beta1": "1.25",
    "batch/v1beta1": "1.25",
    "discovery.k8s.io/v1beta1": "1.25",
    "events.k8s.io/v1beta1": "1.25",
    "node.k8s.io/v1beta1": "1.25",
    "policy/v1beta1": "1.25",
    "autoscaling/v2beta2": "1.26",
    "flowcontrol.apiserver.k8s.io/v1beta1": "1.26",
    "storage.k8s.io/v1beta1": "1.27",
    "flowcontrol.apiserver.k8s.io/v1beta2": "1.29",
    "flowcontrol.apiserver.k8s.io/v1beta3": "1.32",
};

export interface InvalidObject {
    readonly kind: string;
    readonly name: string;
    readonly namespace: string;
    readonly error: string;
}

export interface UnknownKind {
    readonly apiVersion: string;
    readonly kind: string;
    readonly name: string;
}

export interface ValidationResult {
    /** Objects that had a model and passed every check. */
    readonly validated: number;
    readonly invalid: InvalidObject[];
    /** Objects no model covers (CRDs such as cert-manager's ClusterIssuer): unchecked, so listed. */
    readonly unknownKinds: UnknownKind[];
}

interface ModelClass {
    new (data: object): { validate(): void; toJSON(): object };
    readonly apiVersion: string;
    readonly kind: string;
    readonly prototype: { validate(): void };
}

/** The model class for an apiVersion/kind, found by module path; undefined when no package models it. */
export function modelFor(apiVersion: string, kind: string): ModelClass | undefined {
    // Both parts become a module path, so only API-shaped names may get that far.
    if (!/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?v[0-9]+((alpha|beta)[0-9]+)?$/.test(apiVersion) || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) {
        return undefined;
    }
    for (const pkg of MODEL_PACKAGES) {
        let mod: Record<string, unknown>;
        try {
            mod = require(`${pkg}/${apiVersion}/${kind}`);
        } catch (e: any) {
            if (e?.code === "MODULE_NOT_FOUND" || e?.code === "ERR_PACKAGE_PATH_NOT_EXPORTED") continue;
            throw e;
        }
        const model = mod[kind] as ModelClass | undefined;
        // Nested types (apps/v1/StatefulSetSpec) are modules too, but have no apiVersion of their own.
        if (typeof model === "function" && model.apiVersion === apiVersion && model.kind === kind) return model;
    }
    return undefined;
}

/** The Gateway API releases @kubernetes-models/gateway-api was generated from (its own build input). */
export function gatewayApiSchemaReleases(): string[] {
    const dir = path.dirname(require.resolve("@kubernetes-models/gateway-api"));
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    const inputs: string[] = pkg["crd-generate"]?.input ?? [];
    return inputs.map((url) => /\/download\/(v[^/]+)\/([a-z]+)-install\.yaml$/.exec(url)).filter((m) => m !== null).map((m) => `${m![1]} ${m![2]}`);
}

/** Pulumi drops undefined inputs before the provider sees them; so must the validator. */
export function stripUndefined<T>(value: T): T {
    if (Array.isArray(value)) return value.map(stripUndefined) as T;
    if (value && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, stripUndefined(v)])) as T;
    }
    return value;
}

function minor(version: string): number {
    const m = /^1\.(\d+)$/.exec(version);
    if (!m) throw new Error(`kubernetesVersion must look like "1.31", got ${JSON.stringify(version)}`);
    return Number(m[1]);
}

export function validateObjects(objects: readonly KubernetesObject[], kubernetesVersion: string): ValidationResult {
    const clusterMinor = minor(kubernetesVersion);
    const result = { validated: 0, invalid: [] as InvalidObject[], unknownKinds: [] as UnknownKind[] };
    for (const raw of objects) {
        const name = String(raw.metadata?.name ?? "");
        const model = modelFor(raw.apiVersion, raw.kind);
        if (!model) {
            result.unknownKinds.push({ apiVersion: raw.apiVersion, kind: raw.kind, name });
            continue;
        }
        const errors = objectErrors(model, stripUndefined(raw), clusterMinor);
        if (errors.length === 0) result.validated++;
        else result.invalid.push({ kind: raw.kind, name, namespace: String(raw.metadata?.namespace ?? ""), error: errors.join("; ") });
    }
    return result;
}

function objectErrors(model: ModelClass, data: KubernetesObject, clusterMinor: number): string[] {
    const removedIn = REMOVED_API_VERSIONS[data.apiVersion];
    if (removedIn !== undefined && clusterMinor >= minor(removedIn)) {
        return [`${data.apiVersion} is not served by Kubernetes 1.${clusterMinor} (removed in ${removedIn})`];
    }
    const instance = new model(data);
    try {
        instance.validate();
    } catch (e: any) {
        return [String(e?.message ?? e)];
    }
    // Only a valid object is walked completely by the schema, so unknown fields are judged after it.
    return [...unknownFields(model, instance.toJSON()), ...apiServerRuleErrors(data)];
}

/**
 * Fields the schema does not declare. The OpenAPI schemas allow extra properties, but the provider
 * applies server-side, which refuses them ("field not declared in schema"); a typo such as
 * `replica: 2` must fail here, not at `pulumi up`. The schema's own validator is run over a proxy
 * that records each property it reads: a declared field is always read, an undeclared one never.
 */
function unknownFields(model: ModelClass, json: object): string[] {
    const read = new Set<string>();
    const tracked = track(Object.assign(Object.create(model.prototype), json), "", read);
    model.prototype.validate.call(tracked);
    const unknown: string[] = [];
    const walk = (value: unknown, at: string) => {
        if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${at}/${i}`));
        else if (value && typeof value === "object") {
            for (const [k, v] of Object.entries(value)) {
                if (read.has(`${at}/${k}`)) walk(v, `${at}/${k}`);
                else unknown.push(`data${at}/${k} is not a field of ${model.apiVersion} ${model.kind}`);
            }
        }
    };
    walk(json, "");
    return unknown;
}

function track(value: any, at: string, read: Set<string>): any {
    if (value === null || typeof value !== "object") return value;
    return new Proxy(value, {
        get(target, key, receiver) {
            const v = Reflect.get(target, key, receiver);
            if (typeof key !== "string" || !Object.prototype.hasOwnProperty.call(target, key)) return v;
            if (!Array.isArray(target)) read.add(`${at}/${key}`);
            return track(v, `${at}/${key}`, read);
        },
    });
}

const PORT_FIELDS = new Set(["port", "containerPort", "targetPort", "nodePort", "hostPort", "endPort"]);

/** API-server validation the OpenAPI schema leaves out: container images, port ranges. */
export function apiServerRuleErrors(object: unknown): string[] {
    const errors: string[] = [];
    const walk = (value: unknown, at: string) => {
        if (Array.isArray(value)) return value.forEach((v, i) => walk(v, `${at}/${i}`));
        if (!value || typeof value !== "object") return;
        const obj = value as Record<string, unknown>;
        for (const list of ["containers", "initContainers"]) {
            if (!Array.isArray(obj[list])) continue;
            (obj[list] as any[]).forEach((c, i) => {
                if (typeof c?.image !== "string" || c.image.trim() === "") errors.push(`data${at}/${list}/${i}/image is required (API server rule)`);
            });
        }
        for (const [k, v] of Object.entries(obj)) {
            if (PORT_FIELDS.has(k) && typeof v === "number" && !(Number.isInteger(v) && v >= 1 && v <= 65535)) {
                errors.push(`data${at}/${k} must be between 1 and 65535, got ${v} (API server rule)`);
            }
            walk(v, `${at}/${k}`);
        }
    };
    walk(object, "");
    return errors;
}
