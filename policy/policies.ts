// Slipway's policies: what must never reach production (mandatory) and what a reviewer should look
// at (advisory). Pure functions of a resource's type, inputs and options, so the same code runs under
// `pulumi preview --policy-pack policy` and over the resources every stack file records offline
// (scripts/policy-run.ts, `npm test`, `npm run plan`).
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { credentialReason } from "../credentials";
import { LOAD_BALANCER_OPT_IN } from "../lib/labels";

type Report = (message: string) => void;
type Props = Record<string, any>;

/** A managed service or cluster whose loss is data loss or an outage: Pulumi must refuse to delete it. */
export const STATEFUL_TYPES = [
    "gcp:sql/databaseInstance:DatabaseInstance",
    "gcp:redis/instance:Instance",
    "gcp:container/cluster:Cluster",
    "aws:rds/instance:Instance",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:eks/cluster:Cluster",
    "aws:kms/key:Key",
    "digitalocean:index/databaseCluster:DatabaseCluster",
    "digitalocean:index/kubernetesCluster:KubernetesCluster",
];

/** Pod templates of the workload kinds, wherever they sit in the object. */
export function podSpecs(type: string, props: Props): Props[] {
    const spec = props.spec ?? {};
    if (/:(apps\/v1:(Deployment|StatefulSet|DaemonSet|ReplicaSet)|batch\/v1:Job)$/.test(type)) return spec.template?.spec ? [spec.template.spec] : [];
    if (type.endsWith("batch/v1:CronJob")) return spec.jobTemplate?.spec?.template?.spec ? [spec.jobTemplate.spec.template.spec] : [];
    if (type.endsWith("core/v1:Pod")) return [spec];
    return [];
}

const containersOf = (pod: Props): Props[] => [...(pod.initContainers ?? []), ...(pod.containers ?? [])];

/** An image reference with a tag other than `latest`, or a digest. */
export function isPinnedImage(image: string): boolean {
    if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
    const last = image.split("/").pop() ?? "";
    const tag = last.includes(":") ? last.split(":").pop()! : "";
    return tag !== "" && tag !== "latest";
}


/**
 * Objects a chart or a manifest renders at deploy time (Traefik, Hetzner's CCM and CSI driver, the
 * Cluster Autoscaler, the Gateway API CRDs) are their authors' design, pinned by version in
 * versions.ts: a CSI node plugin must run privileged as root. Pod-level policies judge what Slipway
 * writes; the chart's own resource is checked on the values Slipway gives it (load-balancer-opt-in).
 */
// The parent's URN ends in its qualified type (`<parent types>$kubernetes:helm.sh/v4:Chart`) and `::<name>`.
const RENDERED_BY = /(::|\$)kubernetes:(helm\.sh\/v[34]:Chart|yaml\/v2:ConfigFile|yaml\/v2:ConfigGroup|kustomize\/v2:Directory)::[^:]+$/;
export const renderedByChart = (parentUrn: string | undefined) => parentUrn !== undefined && RENDERED_BY.test(parentUrn);

const resource = (
    name: string,
    description: string,
    enforcementLevel: "mandatory" | "advisory",
    check: (type: string, props: Props, opts: Props, provider: string | undefined, report: Report) => void,
    scope: "own" | "all" = "own",
): ResourceValidationPolicy => ({
    name,
    description,
    enforcementLevel,
    validateResource: (args, report) => {
        if (scope === "own" && renderedByChart(args.opts?.parent)) return;
        check(args.type, args.props, args.opts ?? {}, args.provider?.name, report);
    },
});

export const RESOURCE_POLICIES: ResourceValidationPolicy[] = [
    resource("stateful-resource-protected", "Managed databases, caches, clusters and keys are `protect`ed, so no `pulumi destroy` or replacement deletes them.", "mandatory", (type, _p, opts, _pr, report) => {
        if (STATEFUL_TYPES.includes(type) && !opts.protect) report(`${type} is not protected: set protect: true`);
    }),
    resource("database-not-public", "Managed databases have no public address.", "mandatory", (type, p, _o, _pr, report) => {
        if (type === "gcp:sql/databaseInstance:DatabaseInstance" && p.settings?.ipConfiguration?.ipv4Enabled !== false) report("Cloud SQL has a public IPv4 address: settings.ipConfiguration.ipv4Enabled must be false");
        if (type === "aws:rds/instance:Instance" && p.publiclyAccessible !== false) report("RDS instance is publicly accessible: publiclyAccessible must be false");
        if (type === "digitalocean:index/databaseCluster:DatabaseCluster" && !p.privateNetworkUuid) report("DO database cluster is not in a VPC: set privateNetworkUuid");
    }),
    resource("database-backups", "Managed Postgres keeps automated backups (and Cloud SQL point-in-time recovery).", "mandatory", (type, p, _o, _pr, report) => {
        if (type === "gcp:sql/databaseInstance:DatabaseInstance" && !(p.settings?.backupConfiguration?.enabled && p.settings?.backupConfiguration?.pointInTimeRecoveryEnabled)) report("Cloud SQL without backups and point-in-time recovery");
        if (type === "aws:rds/instance:Instance" && !(p.backupRetentionPeriod >= 1)) report("RDS without automated backups: backupRetentionPeriod must be at least 1");
    }),
    resource("container-resource-limits", "Every container has a memory limit (one runaway pod cannot starve its node).", "mandatory", (type, p, _o, _pr, report) => {
        for (const pod of podSpecs(type, p)) for (const c of containersOf(pod)) if (!c.resources?.limits?.memory) report(`container ${c.name} has no memory limit`);
    }),
    resource("runs-as-non-root", "Pods run as a non-root user.", "mandatory", (type, p, _o, _pr, report) => {
        for (const pod of podSpecs(type, p)) {
            if (pod.securityContext?.runAsNonRoot === true) continue;
            for (const c of containersOf(pod)) if (c.securityContext?.runAsNonRoot !== true) report(`container ${c.name} may run as root: set runAsNonRoot: true`);
        }
    }),
    resource("image-pinned", "Images name a tag other than `latest`, or a digest.", "mandatory", (type, p, _o, _pr, report) => {
        for (const pod of podSpecs(type, p)) for (const c of containersOf(pod)) if (typeof c.image === "string" && !isPinnedImage(c.image)) report(`container ${c.name} uses ${c.image}: pin a tag or digest`);
    }),
    resource("load-balancer-opt-in", `A Service of type LoadBalancer (a public address and a bill) carries ${LOAD_BALANCER_OPT_IN}: intended.`, "mandatory", (type, p, _o, _pr, report) => {
        const intended = (annotations?: Props) => annotations?.[LOAD_BALANCER_OPT_IN] === "intended";
        if (type === "kubernetes:core/v1:Service" && p.spec?.type === "LoadBalancer" && !intended(p.metadata?.annotations)) report(`Service ${p.metadata?.name} is a LoadBalancer without ${LOAD_BALANCER_OPT_IN}: intended`);
        // Charts render their Services at deploy time. The CLI checks each rendered Service itself (the
        // chart component reaches policies with no inputs); offline only the values show what they will be.
        const svc = type === "kubernetes:helm.sh/v4:Chart" ? p.values?.service : undefined;
        if (svc && (svc.spec?.type ?? svc.type) === "LoadBalancer" && !intended(svc.annotations)) report(`chart ${p.chart} renders a LoadBalancer Service without ${LOAD_BALANCER_OPT_IN}: intended`);
    }, "all"),
    resource("no-credential-literals", "No credential in a ConfigMap or a container's env literal (they belong in Secrets, read by reference).", "mandatory", (type, p, _o, _pr, report) => {
        if (type === "kubernetes:core/v1:ConfigMap") {
            for (const [key, value] of Object.entries(p.data ?? {})) {
                const why = typeof value === "string" ? credentialReason(key, value) : undefined;
                if (why) report(`ConfigMap ${p.metadata?.name} key ${key}: ${why}`);
            }
        }
        for (const pod of podSpecs(type, p)) {
            for (const c of containersOf(pod)) {
                for (const e of c.env ?? []) {
                    const why = typeof e.value === "string" ? credentialReason(e.name, e.value) : undefined;
                    if (why) report(`container ${c.name} env ${e.name}: ${why}; use a Secret reference`);
                }
            }
        }
    }),
    resource("kubernetes-explicit-provider", "Kubernetes objects use the stack's own provider, never the default one (which deploys to whatever kubeconfig is current).", "mandatory", (type, _p, _o, provider, report) => {
        // Custom resources always have a provider (the default one unless given); components have none.
        if (type.startsWith("kubernetes:") && provider?.startsWith("default")) report(`${type} uses the default Kubernetes provider`);
    }, "all"),
    resource("workload-readiness-probe", "Long-running containers have a readiness probe (a rollout waits for it).", "advisory", (type, p, _o, _pr, report) => {
        if (!/apps\/v1:(Deployment|StatefulSet)$/.test(type)) return;
        for (const pod of podSpecs(type, p)) for (const c of pod.containers ?? []) if (!c.readinessProbe) report(`container ${c.name} has no readiness probe`);
    }),
];

/** Classes known to delete their volumes with the claim: a data claim must not use one. */
export const DELETE_CLASSES = ["standard", "standard-rwo", "premium-rwo", "local-path", "gp2", "gp3", "do-block-storage", "hcloud-volumes"];

export const STACK_POLICIES: StackValidationPolicy[] = [
    {
        name: "data-claims-retained",
        description: "Data claims use a StorageClass that retains volumes (reclaimPolicy Retain), so a deleted claim keeps its data.",
        enforcementLevel: "mandatory",
        validateStack: (args, report) => {
            const classes = new Map(args.resources.filter((r) => r.type === "kubernetes:storage.k8s.io/v1:StorageClass").map((r) => [r.props.metadata?.name, r.props.reclaimPolicy ?? "Delete"]));
            const check = (what: string, className: string | undefined) => {
                const policy = className === undefined ? undefined : classes.get(className);
                if (className === undefined || policy === "Delete" || (policy === undefined && DELETE_CLASSES.includes(className))) report(`${what} uses ${className ?? "the default class"}, which deletes its volume with the claim`);
            };
            for (const r of args.resources) {
                if (r.type === "kubernetes:apps/v1:StatefulSet") for (const t of r.props.spec?.volumeClaimTemplates ?? []) check(`StatefulSet ${r.props.metadata?.name} claim ${t.metadata?.name}`, t.spec?.storageClassName);
                if (r.type === "kubernetes:core/v1:PersistentVolumeClaim") check(`claim ${r.props.metadata?.name}`, r.props.spec?.storageClassName);
            }
        },
    },
    {
        name: "in-cluster-postgres-backed-up",
        description: "In-cluster Postgres has its scheduled pg_dump.",
        enforcementLevel: "advisory",
        validateStack: (args, report) => {
            const postgres = args.resources.some((r) => r.type === "kubernetes:apps/v1:StatefulSet" && r.props.metadata?.name === "postgres");
            const backup = args.resources.some((r) => r.type === "kubernetes:batch/v1:CronJob" && r.props.metadata?.name === "postgres-backup");
            if (postgres && !backup) report("in-cluster Postgres without the backup CronJob (database.backup.enabled is false)");
        },
    },
];
