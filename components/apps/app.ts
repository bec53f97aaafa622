// One application of the stack (`slipway:apps[]`): a web app, a worker, or a stateful service.
// It knows nothing of clouds: it gets a provider, a namespace, a storage class and Secret names.
import type * as k8s from "@pulumi/kubernetes";
import { CustomResource } from "@pulumi/kubernetes/apiextensions";
import * as appsv1 from "@pulumi/kubernetes/apps/v1";
import * as batchv1 from "@pulumi/kubernetes/batch/v1";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import * as networkingv1 from "@pulumi/kubernetes/networking/v1";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { AppConfig } from "../../config";
import type { GatewayRef } from "../../lib/contracts";
import type { Container, PodSpec, PodTemplateSpec, Volume, VolumeMount } from "../../lib/k8s-types";
import { MIGRATE_CLIENT_LABEL } from "../../lib/labels";
import {
    awaitAnnotations,
    checksumOf,
    commonLabels,
    CONFIG_CHECKSUM_ANNOTATION,
    configFileMounts,
    contentHash,
    disruptionBudget,
    jobAwaitAnnotations,
    NamespacedArgs,
    restrictedPodSecurity,
    retainedDataVolume,
    SecretRef,
    selectorLabels,
    spreadConstraints,
    STATEFUL_SET_OPTIONS,
    TMP_VOLUME,
} from "../../lib/workload";
import { appContainer, appIngressRules, ciliumGatewayIngress, clientLabels, gatewayHealthCheck } from "./container";


export interface AppArgs extends NamespacedArgs {
    /** The app's validated config. */
    readonly app: AppConfig;
    readonly gateway: GatewayRef;
    /** Names of the apps that call this one (their `connectsTo` names it). */
    readonly clients: readonly string[];
    /** Secrets injected whole as env (database connection, cache URL), read by reference. */
    readonly envFrom: readonly SecretRef[];
    /** What the migrate Job reads instead: the database's direct connection (never the pooler). */
    readonly migrateEnvFrom: readonly SecretRef[];
    /** Resolves a secret config key named by `secretEnv.<NAME>.config`. */
    readonly secretConfig: (key: string) => pulumi.Output<string>;
}

const DEFAULT_STORAGE = { size: "1Gi", mountPath: "/data" };
/** How long a migration may run, image pull included, before Kubernetes stops it. */
const MIGRATE_DEADLINE_SECONDS = 1800;

/** The Service port apps and the gateway use; the container port stays the app's own. */
export const SERVICE_PORT = 80;

export class App extends pulumi.ComponentResource {
    /** DNS name of the app's Service inside the namespace (undefined for workers). */
    public readonly serviceName?: pulumi.Output<string>;
    /** Name of the Secret holding the app's secretEnv values. */
    public readonly envSecretName?: pulumi.Output<string>;
    /** The migrate Job, when the app has one; the workload rolls only after it succeeds. */
    public readonly migrateJob?: k8s.batch.v1.Job;

    constructor(name: string, args: AppArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:app:App", name, args, opts);
        const { app } = args;
        const childOpts: pulumi.CustomResourceOptions = { parent: this, provider: args.provider };
        const labels = commonLabels(app.name, app.kind);
        const metadata = (suffix = "") => ({ name: `${app.name}${suffix}`, namespace: args.namespace, labels });
        const awaited = (suffix = "") => ({ ...metadata(suffix), annotations: awaitAnnotations() });

        const envSecret = this.envSecret(name, args, metadata("-env"), childOpts);
        this.envSecretName = envSecret ? pulumi.output(envSecret.name) : undefined;
        // Pods roll when a Secret they read changes (a rotated password, a new database host).
        const checksum = checksumOf([...args.envFrom, ...(envSecret ? [envSecret] : [])].map((s) => s.checksum));

        const container = appContainer(app, args.envFrom.map((s) => s.name), envSecret?.name);
        const podLabels = clientLabels(app);
        // Files the Secrets point at (a managed server's CA bundle), mounted where their URLs say.
        const withFiles = (c: Container, refs: readonly SecretRef[]) => {
            const { volumes, volumeMounts } = configFileMounts(refs.flatMap((r) => r.files ?? []));
            const mounts = [...((c.volumeMounts as VolumeMount[]) ?? []), ...volumeMounts];
            return { container: { ...c, volumeMounts: mounts.length > 0 ? mounts : undefined }, volumes };
        };
        const podSpec = (containers: Container[], fileVolumes: Volume[], restartPolicy?: string): PodSpec => ({
            securityContext: restrictedPodSecurity(app.runAsUser),
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            containers,
            restartPolicy,
            volumes: app.readOnlyRootFilesystem || fileVolumes.length > 0 ? [...(app.readOnlyRootFilesystem ? [TMP_VOLUME] : []), ...fileVolumes] : undefined,
            topologySpreadConstraints: restartPolicy ? undefined : spreadConstraints(app.name, app.replicas),
            terminationGracePeriodSeconds: 30,
        });

        // Plain arrays, not Outputs: the SDK walks an Output's resolved value for unknowns
        // (output.ts containsUnknowns), which for resources means their whole object graph.
        const dependsOn = args.dependsOn ?? [];
        if (app.migrate) {
            const { startupProbe: _s, readinessProbe: _r, livenessProbe: _l, ...probed } = appContainer(app, args.migrateEnvFrom.map((s) => s.name), envSecret?.name);
            const job = withFiles({ ...probed, name: "migrate", command: app.migrate.command, args: [] }, args.migrateEnvFrom);
            // Jobs are immutable; a name from the image and command makes a new release run it again.
            this.migrateJob = new batchv1.Job(
                `${name}-migrate`,
                {
                    metadata: {
                        ...metadata(`-migrate-${contentHash(app.image, app.migrate.command)}`),
                        labels: commonLabels(app.name, "migrate"),
                        annotations: jobAwaitAnnotations(MIGRATE_DEADLINE_SECONDS),
                    },
                    spec: {
                        backoffLimit: 3,
                        activeDeadlineSeconds: MIGRATE_DEADLINE_SECONDS,
                        template: {
                            // Not the app's selector labels: a migrate pod must never join the Service or the PDB.
                            metadata: {
                                labels: {
                                    ...podLabels,
                                    ...(app.database ? { [MIGRATE_CLIENT_LABEL]: app.database } : {}),
                                    "app.kubernetes.io/name": `${app.name}-migrate`,
                                    "app.kubernetes.io/part-of": "slipway",
                                },
                            },
                            spec: podSpec([job.container], job.volumes, "Never"),
                        },
                    },
                },
                { ...childOpts, dependsOn },
            );
        }
        const rolloutAfter = this.migrateJob ? [this.migrateJob] : dependsOn;

        const mounts = app.kind === "stateful" ? [{ name: "data", mountPath: (app.storage ?? DEFAULT_STORAGE).mountPath }] : [];
        const main = withFiles({ ...container, volumeMounts: [...((container.volumeMounts as VolumeMount[]) ?? []), ...mounts] }, args.envFrom);
        const podTemplate = {
            metadata: {
                labels: { ...selectorLabels(app.name), ...podLabels, "app.kubernetes.io/component": app.kind },
                annotations: { [CONFIG_CHECKSUM_ANNOTATION]: checksum },
            },
            spec: podSpec([main.container], main.volumes),
        };
        if (app.kind === "stateful") {
            this.statefulSet(name, args, awaited(), podTemplate, { ...childOpts, dependsOn: rolloutAfter });
        } else {
            new appsv1.Deployment(
                `${name}-deployment`,
                {
                    metadata: awaited(),
                    spec: {
                        replicas: app.replicas,
                        revisionHistoryLimit: 5,
                        selector: { matchLabels: selectorLabels(app.name) },
                        // Never drop below the desired count during a rollout.
                        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
                        template: podTemplate,
                    },
                },
                { ...childOpts, dependsOn: rolloutAfter },
            );
        }

        if (app.kind === "web") {
            const service = new corev1.Service(
                `${name}-service`,
                {
                    metadata: awaited(),
                    spec: {
                        type: "ClusterIP",
                        selector: selectorLabels(app.name),
                        ports: [{ name: "http", port: SERVICE_PORT, targetPort: "http", protocol: "TCP" }],
                    },
                },
                childOpts,
            );
            this.serviceName = service.metadata.name;
            // The route needs the Gateway (and the Gateway API CRDs) to exist first.
            if (app.ingress) this.route(name, args, metadata(), service, { ...childOpts, dependsOn });
        }
        if (app.kind === "stateful") this.serviceName = pulumi.output(app.name);

        disruptionBudget(`${name}-pdb`, { app: app.name, namespace: args.namespace, replicas: app.replicas, component: app.kind }, childOpts);
        this.networkPolicy(name, args, metadata("-ingress"), childOpts);

        this.registerOutputs({ serviceName: this.serviceName, envSecretName: this.envSecretName });
    }

    // Generated values live in the stack's state (RandomPassword), so they are stable across updates.
    private envSecret(name: string, args: AppArgs, metadata: object, opts: pulumi.CustomResourceOptions): SecretRef | undefined {
        const entries = Object.entries(args.app.secretEnv);
        if (entries.length === 0) return undefined;
        const stringData: Record<string, pulumi.Output<string>> = {};
        for (const [envName, source] of entries) {
            if ("generate" in source) {
                const generated = new random.RandomPassword(
                    `${name}-${envName.toLowerCase().replace(/_/g, "-")}`,
                    { length: source.generate.length, special: true, overrideSpecial: "!#%*()-_=+[]{}<>:?" },
                    { parent: this, additionalSecretOutputs: ["result"] },
                );
                stringData[envName] = generated.result;
            } else {
                stringData[envName] = pulumi.secret(args.secretConfig(source.config));
            }
        }
        const secret = new corev1.Secret(`${name}-env`, { metadata, type: "Opaque", stringData }, opts);
        return { name: secret.metadata.name, checksum: checksumOf(stringData) };
    }

    private statefulSet(
        name: string,
        args: AppArgs,
        metadata: { name: string; namespace: pulumi.Input<string>; labels: Record<string, string>; annotations: Record<string, string> },
        template: PodTemplateSpec,
        opts: pulumi.CustomResourceOptions,
    ) {
        const { app } = args;
        const storage = app.storage ?? DEFAULT_STORAGE;
        // Peers find each other by stable DNS names (<pod>.<service>), ready or not.
        new corev1.Service(
            `${name}-headless`,
            {
                metadata,
                spec: {
                    clusterIP: "None",
                    publishNotReadyAddresses: true,
                    selector: selectorLabels(app.name),
                    ports: [{ name: "main", port: app.port!, targetPort: "main", protocol: "TCP" }],
                },
            },
            { parent: this, provider: args.provider },
        );
        return new appsv1.StatefulSet(
            `${name}-statefulset`,
            {
                metadata,
                spec: {
                    serviceName: app.name,
                    replicas: app.replicas,
                    // All members start together after a node restart instead of waiting one by one.
                    podManagementPolicy: "Parallel",
                    updateStrategy: { type: "RollingUpdate" },
                    selector: { matchLabels: selectorLabels(app.name) },
                    template,
                    ...retainedDataVolume(app.name, args.storageClass, storage.size),
                },
            },
            // Removing the app from config (or `pulumi destroy`) stops it; its claims and data stay
            // (retention policy Retain), and re-adding the app binds them again.
            { ...opts, ...STATEFUL_SET_OPTIONS },
        );
    }

    private route(
        name: string,
        args: AppArgs,
        metadata: object,
        service: k8s.core.v1.Service,
        opts: pulumi.CustomResourceOptions,
    ) {
        const ingress = args.app.ingress!;
        new CustomResource(
            `${name}-route`,
            {
                apiVersion: "gateway.networking.k8s.io/v1",
                kind: "HTTPRoute",
                metadata,
                spec: {
                    parentRefs: [{ name: args.gateway.name, namespace: args.gateway.namespace }],
                    hostnames: [ingress.host],
                    rules: [
                        {
                            matches: [{ path: { type: "PathPrefix", value: ingress.path } }],
                            backendRefs: [{ name: service.metadata.name, port: SERVICE_PORT }],
                        },
                    ],
                },
            },
            opts,
        );
        if (args.gateway.healthCheckPolicies) {
            new CustomResource(
                `${name}-healthcheck`,
                { apiVersion: "networking.gke.io/v1", kind: "HealthCheckPolicy", metadata, spec: gatewayHealthCheck(args.app, service.metadata.name) },
                opts,
            );
        }
    }

    // The namespace denies all ingress by default; this admits exactly the app's callers.
    private networkPolicy(name: string, args: AppArgs, metadata: object, opts: pulumi.CustomResourceOptions) {
        if (args.gateway.ciliumIngressIdentity && args.app.kind === "web" && args.app.ingress && args.app.port !== undefined) {
            new CustomResource(
                `${name}-gateway-ingress`,
                { apiVersion: "cilium.io/v2", kind: "CiliumNetworkPolicy", metadata: { ...metadata, name: `${args.app.name}-gateway` }, spec: ciliumGatewayIngress(args.app.name, args.app.port) },
                opts,
            );
        }
        const rules = appIngressRules(args.app, args.clients, args.gateway.sources);
        if (rules.length === 0) return;
        new networkingv1.NetworkPolicy(
            `${name}-ingress`,
            { metadata, spec: { podSelector: { matchLabels: selectorLabels(args.app.name) }, policyTypes: ["Ingress"], ingress: rules } },
            opts,
        );
    }
}
