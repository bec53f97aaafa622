// Turns a recorded program run into the Kubernetes objects it would apply, and lists what cannot
// be rendered offline (Helm charts and remote YAML are expanded by the provider at `pulumi up`).
import type { ProgramRun, RecordedResource } from "./offline";

export interface KubernetesObject {
    apiVersion: string;
    kind: string;
    metadata: { name?: string; namespace?: string; [k: string]: unknown };
    [k: string]: unknown;
}

/** Kubernetes resources the provider expands itself at deploy time. */
const EXPANDED_AT_DEPLOY = new Set(["kubernetes:helm.sh/v4:Chart", "kubernetes:yaml/v2:ConfigFile"]);

export function isKubernetesObject(r: RecordedResource): boolean {
    return r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:providers:") && !EXPANDED_AT_DEPLOY.has(r.type);
}

/** The objects a stack would create, in registration order. */
export function kubernetesObjects(run: ProgramRun): KubernetesObject[] {
    return run.resources.filter(isKubernetesObject).map((r) => {
        const { apiVersion, kind, ...rest } = r.inputs;
        return { apiVersion, kind, ...rest } as KubernetesObject;
    });
}

/** Chart and remote-manifest resources, with what they would install (for the plan and the schema report). */
export function deployTimeExpansions(run: ProgramRun): RecordedResource[] {
    return run.resources.filter((r) => EXPANDED_AT_DEPLOY.has(r.type));
}

/** File name for an object under out/<stack>/: <namespace>_<kind>_<name>.yaml. */
export function manifestFileName(o: KubernetesObject): string {
    return `${o.metadata.namespace ?? "_cluster"}_${o.kind}_${o.metadata.name}.yaml`.toLowerCase();
}
