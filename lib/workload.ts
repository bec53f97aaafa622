// Pod-level building blocks shared by every workload Slipway runs (apps, Postgres, PgBouncer,
// Redis, Jobs), so the security, sizing and placement rules are written once.
import type * as k8s from "@pulumi/kubernetes";
import * as appsv1 from "@pulumi/kubernetes/apps/v1";
import * as policyv1 from "@pulumi/kubernetes/policy/v1";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as crypto from "crypto";
import type { NodeSize } from "../config";
import type { PodSecurityContext, PodSpec, Probe, ResourceRequirements, SecurityContext, TopologySpreadConstraint, Volume, VolumeMount } from "./k8s-types";


/** Requests and memory limit per size. No CPU limit: throttling hurts latency more than it protects. */
export const SIZES: Record<NodeSize, { cpu: string; memory: string; memoryLimit: string }> = {
    small: { cpu: "50m", memory: "128Mi", memoryLimit: "256Mi" },
    medium: { cpu: "250m", memory: "512Mi", memoryLimit: "1Gi" },
    large: { cpu: "1", memory: "2Gi", memoryLimit: "4Gi" },
};

export function resourcesFor(size: NodeSize): ResourceRequirements {
    const s = SIZES[size];
    return { requests: { cpu: s.cpu, memory: s.memory }, limits: { memory: s.memoryLimit } };
}

/** Labels that select one workload's pods. */
export function selectorLabels(app: string): Record<string, string> {
    return { "app.kubernetes.io/name": app, "app.kubernetes.io/part-of": "slipway" };
}

/** Labels every object Slipway creates carries. */
export function commonLabels(app: string, component: string): Record<string, string> {
    return { ...selectorLabels(app), "app.kubernetes.io/component": component, "app.kubernetes.io/managed-by": "pulumi" };
}

/** Pod securityContext meeting Pod Security "restricted". fsGroup makes mounted volumes writable. */
export function restrictedPodSecurity(runAsUser: number, fsGroup = runAsUser): PodSecurityContext {
    return {
        runAsNonRoot: true,
        runAsUser,
        runAsGroup: fsGroup,
        fsGroup,
        fsGroupChangePolicy: "OnRootMismatch",
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/** Container securityContext meeting Pod Security "restricted". */
export function restrictedContainerSecurity(readOnlyRootFilesystem: boolean): SecurityContext {
    return {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem,
        capabilities: { drop: ["ALL"] },
    };
}

export type ProbeAction = Partial<Pick<Probe, "httpGet" | "tcpSocket" | "exec">>;

/**
 * Startup, readiness and liveness probes from one check. The startup probe gives a slow start
 * (migrations, crash recovery) `startupSeconds` before liveness can restart the container.
 */
export function probes(action: ProbeAction, startupSeconds: number) {
    const period = 5;
    return {
        startupProbe: { ...action, periodSeconds: period, failureThreshold: Math.ceil(startupSeconds / period), timeoutSeconds: 3 },
        readinessProbe: { ...action, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 3 },
        livenessProbe: { ...action, periodSeconds: 20, failureThreshold: 3, timeoutSeconds: 5 },
    };
}

/** Spread replicas over nodes (and zones where the cluster has them) so one node loss keeps the service up. */
export function spreadConstraints(app: string, replicas: number): TopologySpreadConstraint[] | undefined {
    if (replicas <= 1) return undefined;
    return ["kubernetes.io/hostname", "topology.kubernetes.io/zone"].map((topologyKey) => ({
        maxSkew: 1,
        topologyKey,
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels: selectorLabels(app) },
    }));
}

/** A PodDisruptionBudget for workloads with more than one replica: drains take one pod at a time. */
export function disruptionBudget(
    name: string,
    args: { app: string; namespace: pulumi.Input<string>; replicas: number; component: string },
    opts: pulumi.CustomResourceOptions,
): k8s.policy.v1.PodDisruptionBudget | undefined {
    if (args.replicas <= 1) return undefined;
    return new policyv1.PodDisruptionBudget(
        name,
        {
            metadata: { name: args.app, namespace: args.namespace, labels: commonLabels(args.app, args.component) },
            spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(args.app) } },
        },
        opts,
    );
}

/**
 * How long Pulumi waits for a Deployment, StatefulSet or Service to become ready. pulumi-kubernetes
 * gives up after 10 minutes unless the `pulumi.com/timeoutSeconds` annotation says otherwise
 * (provider/pkg/await: customTimeouts, then that annotation, then the default). A first `up` on a
 * fresh laptop pulls images in a chain (Postgres, then the bootstrap Job, PgBouncer, then the
 * apps), which a home connection can stretch past 10 minutes; 30 leaves room without hiding a
 * workload that will never start for long.
 */
export const READY_TIMEOUT_SECONDS = 1800;
/** A Job's await outlasts its own activeDeadlineSeconds by this much, so the Job's deadline decides, never Pulumi's clock. */
const JOB_AWAIT_SLACK_SECONDS = 60;

/** Annotations giving an awaited object `seconds` (READY_TIMEOUT_SECONDS by default). */
export function awaitAnnotations(seconds = READY_TIMEOUT_SECONDS): Record<string, string> {
    return { "pulumi.com/timeoutSeconds": String(seconds) };
}

/**
 * Annotations for a Job: awaited until just after its own deadline (which counts pending image
 * pulls too), and replaced when a previous run failed. Without replaceUnready the engine only
 * re-awaits a failed Job of the same name, which fails at once, on every later `up`
 * (pulumi-kubernetes provider.go Diff: `case newInputs.GetKind() == "Job"` with pulumi.com/replaceUnready).
 */
export function jobAwaitAnnotations(activeDeadlineSeconds: number): Record<string, string> {
    return { "pulumi.com/timeoutSeconds": String(activeDeadlineSeconds + JOB_AWAIT_SLACK_SECONDS), "pulumi.com/replaceUnready": "true" };
}

/** A short, stable hash used to give immutable objects (Jobs) a new name when their content changes. */
export function contentHash(...parts: unknown[]): string {
    return crypto.createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 8);
}

/** A writable /tmp for containers with a read-only root filesystem (scratch space, never data). */
export const TMP_VOLUME: Volume = { name: "tmp", emptyDir: { sizeLimit: "256Mi" } };
export const TMP_MOUNT: VolumeMount = { name: "tmp", mountPath: "/tmp" };

/** A file from a ConfigMap (a server's CA bundle), mounted read-only at `path`, alone in its folder. */
export interface ConfigFile {
    readonly configMap: pulumi.Input<string>;
    readonly key: string;
    /** Absolute path of the file in the container. */
    readonly path: string;
}

/** A Secret a pod reads (whole, by envFrom), with a hash of its content: a pod template carrying the hash rolls when the Secret changes. */
export interface SecretRef {
    readonly name: pulumi.Input<string>;
    /** Reveals nothing of the content (a short hash), so it may sit in a pod template annotation. */
    readonly checksum: pulumi.Input<string>;
    /** Files the Secret's values point at (e.g. sslrootcert in DATABASE_URL): pods reading it mount them. */
    readonly files?: readonly ConfigFile[];
}

/** Volumes and mounts for ConfigFiles: each file alone in its folder (one volume per folder). */
export function configFileMounts(files: readonly ConfigFile[], prefix = "file"): { volumes: Volume[]; volumeMounts: VolumeMount[] } {
    const byDir = new Map<string, ConfigFile>();
    for (const f of files) byDir.set(f.path.slice(0, f.path.lastIndexOf("/")), f);
    const entries = [...byDir.entries()];
    return {
        volumes: entries.map(([, f], i) => ({ name: `${prefix}-${i}`, configMap: { name: f.configMap, items: [{ key: f.key, path: f.path.slice(f.path.lastIndexOf("/") + 1) }] } })),
        volumeMounts: entries.map(([dir], i) => ({ name: `${prefix}-${i}`, mountPath: dir, readOnly: true })),
    };
}

/** The hash of a Secret's data for SecretRef.checksum and pod template annotations. */
export function checksumOf<T>(data: pulumi.Input<T>): pulumi.Output<string> {
    return pulumi.unsecret(pulumi.output(data).apply((d) => contentHash(d)));
}

/** The pod template annotation that rolls pods when anything they read changes (config, passwords). */
export const CONFIG_CHECKSUM_ANNOTATION = "slipway.dev/config-checksum";

/** What every in-namespace component takes: where it goes and what it waits for. */
export interface NamespacedArgs {
    readonly namespace: pulumi.Input<string>;
    readonly provider: k8s.Provider;
    /** StorageClass for volumes; undefined uses the cluster default. */
    readonly storageClass?: pulumi.Input<string>;
    readonly dependsOn?: pulumi.Resource[];
}

/**
 * The `data` volume claim template of a StatefulSet and the retention policy that keeps it:
 * deleting or scaling down the StatefulSet never deletes the claim (or its data). The template
 * only sizes new claims; STATEFUL_SET_OPTIONS keeps a later size change from replacing the set.
 */
export function retainedDataVolume(app: string, storageClass: pulumi.Input<string> | undefined, size: string) {
    return {
        volumeClaimTemplates: [
            {
                metadata: { name: "data", labels: selectorLabels(app) },
                spec: { accessModes: ["ReadWriteOnce"], storageClassName: storageClass, resources: { requests: { storage: size } } },
            },
        ],
        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
    };
}

/**
 * Options every data-holding StatefulSet takes. A changed claim template would replace the set
 * (pulumi-kubernetes diff.go lists spec.volumeClaimTemplates) and still leave the existing claims
 * at their old size, so its size is ignored after creation; existing claims grow by patching the
 * claim itself where the class allows expansion (README: growing a volume).
 */
export const STATEFUL_SET_OPTIONS: pulumi.CustomResourceOptions = { ignoreChanges: ["spec.volumeClaimTemplates[*].spec.resources"] };

/**
 * A single-replica data server (in-cluster Postgres, Redis) as a StatefulSet on a retained claim:
 * awaited like every workload, rolled when `checksum` changes, its claim kept by the retention
 * policy. Not retained itself: a retained object left in the cluster would block its own re-creation.
 */
export function dataServerStatefulSet(
    name: string,
    args: {
        app: string;
        namespace: pulumi.Input<string>;
        labels: Record<string, string>;
        /** Rolls the pod when anything it reads at start changes (config, a password). */
        checksum: pulumi.Input<string>;
        podSpec: PodSpec;
        storageClass: pulumi.Input<string> | undefined;
        storageGb: number;
    },
    opts: pulumi.CustomResourceOptions,
): k8s.apps.v1.StatefulSet {
    return new appsv1.StatefulSet(
        name,
        {
            metadata: { name: args.app, namespace: args.namespace, labels: args.labels, annotations: awaitAnnotations() },
            spec: {
                serviceName: args.app,
                replicas: 1,
                selector: { matchLabels: selectorLabels(args.app) },
                template: { metadata: { labels: args.labels, annotations: { [CONFIG_CHECKSUM_ANNOTATION]: args.checksum } }, spec: args.podSpec },
                ...retainedDataVolume(args.app, args.storageClass, `${args.storageGb}Gi`),
            },
        },
        { ...opts, ...STATEFUL_SET_OPTIONS },
    );
}

/** A generated password kept in the stack's state; URL-safe so it can travel inside connection URLs. */
export function generatedPassword(name: string, parent: pulumi.Resource, length = 32): pulumi.Output<string> {
    return new random.RandomPassword(name, { length, special: false }, { parent, additionalSecretOutputs: ["result"] }).result;
}
