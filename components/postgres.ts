// In-cluster PostgreSQL (k3d, existing, hetzner): one StatefulSet on a retained volume, one
// generated password per role kept in the stack's state, and an idempotent bootstrap Job that
// re-asserts every role's password on every run, so no restart or re-created cluster can leave
// a role with a password the Secrets no longer hold.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { NodeSize } from "../config";
import type { DatabaseEndpoint, ServiceDatabase } from "./database-types";
import { bootstrapSql, passwordEnvName, ServiceRole } from "./postgres-sql";
import {
    commonLabels,
    contentHash,
    generatedPassword,
    NamespacedArgs,
    probes,
    resourcesFor,
    restrictedContainerSecurity,
    restrictedPodSecurity,
    retainedDataVolume,
    selectorLabels,
    TMP_MOUNT,
    TMP_VOLUME,
} from "./workload";

/** Official postgres images pinned per major (Debian bookworm variants). */
export const POSTGRES_IMAGES: Record<string, string> = {
    "14": "postgres:14.20-bookworm",
    "15": "postgres:15.15-bookworm",
    "16": "postgres:16.11-bookworm",
    "17": "postgres:17.7-bookworm",
};
/** Image the bootstrap Job's psql runs from, whatever the server's major. */
export const BOOTSTRAP_IMAGE = POSTGRES_IMAGES["17"];
/** The official image's postgres user and group. */
export const POSTGRES_UID = 999;
export const POSTGRES_PORT = 5432;
/** Label on pods allowed to reach Postgres directly (pooler, bootstrap and backup Jobs). */
export const POSTGRES_CLIENT_LABEL = "slipway.dev/postgres-client";
const DATA_MOUNT = "/var/lib/postgresql/data";

export interface InClusterPostgresArgs extends NamespacedArgs {
    /** Major version: "14".."17". */
    readonly version: string;
    readonly size: NodeSize;
    readonly storageGb: number;
    /** One database and owning role per service. */
    readonly services: readonly ServiceRole[];
    /** Server connection limit; see postgresMaxConnections. */
    readonly maxConnections: number;
}

/** Connections kept free for the bootstrap and backup Jobs and an admin session. */
const RESERVED_CONNECTIONS = 10;

/**
 * max_connections that the pooler can never exhaust: each PgBouncer replica may open
 * `defaultPoolSize` server connections per database. Never below Postgres' own default of 100.
 */
export function postgresMaxConnections(pool: { defaultPoolSize: number; replicas: number } | undefined, databases: number): number {
    return Math.max(100, pool ? pool.defaultPoolSize * pool.replicas * databases + RESERVED_CONNECTIONS : 0);
}

/** shared_buffers at a quarter of the container's memory limit (Postgres' 128MB default overflows `small`). */
export const SHARED_BUFFERS: Record<NodeSize, string> = { small: "64MB", medium: "256MB", large: "1GB" };

export class InClusterPostgres extends pulumi.ComponentResource {
    /** Service DNS name of the server. */
    public readonly host: pulumi.Output<string>;
    public readonly endpoint: DatabaseEndpoint;
    /** Secret with the superuser password (key POSTGRES_PASSWORD), for the backup Job. */
    public readonly superuserSecretName: pulumi.Output<string>;
    /** Completes once every role and database exists with its current password. */
    public readonly bootstrap: k8s.batch.v1.Job;
    public readonly image: string;

    constructor(name: string, args: InClusterPostgresArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:database:InClusterPostgres", name, args, opts);
        const childOpts = { parent: this, provider: args.provider };
        const app = "postgres";
        const labels = commonLabels(app, "database");
        this.image = POSTGRES_IMAGES[args.version];

        const password = (role: string) => generatedPassword(`${name}-${role}-password`, this);
        const superuserPassword = password("superuser");
        const services: Record<string, ServiceDatabase> = {};
        for (const s of args.services) services[s.database] = { database: s.database, user: s.user, password: password(s.user) };

        const superuser = new k8s.core.v1.Secret(
            `${name}-superuser`,
            { metadata: { name: "postgres-superuser", namespace: args.namespace, labels }, type: "Opaque", stringData: { POSTGRES_PASSWORD: superuserPassword } },
            childOpts,
        );
        this.superuserSecretName = superuser.metadata.name;
        const roles = new k8s.core.v1.Secret(
            `${name}-roles`,
            {
                metadata: { name: "postgres-roles", namespace: args.namespace, labels },
                type: "Opaque",
                stringData: Object.fromEntries(Object.values(services).map((s) => [passwordEnvName(s.user), s.password])),
            },
            childOpts,
        );

        const service = new k8s.core.v1.Service(
            `${name}-service`,
            {
                metadata: { name: app, namespace: args.namespace, labels },
                spec: { selector: selectorLabels(app), ports: [{ name: "postgres", port: POSTGRES_PORT, targetPort: "postgres" }] },
            },
            childOpts,
        );
        this.host = service.metadata.name;

        const statefulSet = new k8s.apps.v1.StatefulSet(
            `${name}-statefulset`,
            {
                metadata: { name: app, namespace: args.namespace, labels },
                spec: {
                    serviceName: app,
                    replicas: 1,
                    selector: { matchLabels: selectorLabels(app) },
                    template: {
                        metadata: { labels: { ...labels } },
                        spec: {
                            securityContext: restrictedPodSecurity(POSTGRES_UID),
                            automountServiceAccountToken: false,
                            enableServiceLinks: false,
                            // A fast shutdown flushes WAL cleanly; a kill mid-write means crash recovery on start.
                            terminationGracePeriodSeconds: 60,
                            containers: [postgresContainer(this.image, args.size, superuser.metadata.name, args.maxConnections)],
                            volumes: [TMP_VOLUME, { name: "run", emptyDir: {} }],
                        },
                    },
                    ...retainedDataVolume(app, args.storageClass, `${args.storageGb}Gi`),
                },
            },
            // The database outlives `pulumi destroy` and any removal from config.
            { ...childOpts, dependsOn: args.dependsOn, retainOnDelete: true },
        );

        const sql = bootstrapSql(args.services);
        const script = new k8s.core.v1.ConfigMap(
            `${name}-bootstrap-sql`,
            // SQL only: passwords reach psql by environment from the roles Secret, never this text.
            { metadata: { name: `postgres-bootstrap-${contentHash(sql)}`, namespace: args.namespace, labels }, data: { "bootstrap.sql": sql } },
            childOpts,
        );
        // A new name per change of the SQL or of any password re-runs the Job (Jobs are immutable).
        const runId = pulumi.unsecret(
            pulumi.all(Object.values(services).map((s) => s.password)).apply((pw) => contentHash(sql, this.image, pw)),
        );
        this.bootstrap = new k8s.batch.v1.Job(
            `${name}-bootstrap`,
            {
                metadata: { name: pulumi.interpolate`postgres-bootstrap-${runId}`, namespace: args.namespace, labels: commonLabels(app, "bootstrap") },
                spec: {
                    backoffLimit: 6,
                    activeDeadlineSeconds: 900,
                    template: {
                        metadata: { labels: { ...commonLabels("postgres-bootstrap", "bootstrap"), [POSTGRES_CLIENT_LABEL]: "true" } },
                        spec: {
                            restartPolicy: "OnFailure",
                            securityContext: restrictedPodSecurity(POSTGRES_UID),
                            automountServiceAccountToken: false,
                            containers: [
                                {
                                    name: "bootstrap",
                                    // The script reads passwords with \getenv (psql 15+); psql 17 serves servers 14-17.
                                    image: BOOTSTRAP_IMAGE,
                                    command: ["sh", "-c", `until pg_isready -q; do sleep 2; done; exec psql -v ON_ERROR_STOP=1 -f /bootstrap/bootstrap.sql`],
                                    env: [
                                        { name: "PGHOST", value: app },
                                        { name: "PGPORT", value: String(POSTGRES_PORT) },
                                        { name: "PGUSER", value: "postgres" },
                                        { name: "PGDATABASE", value: "postgres" },
                                        { name: "PGPASSWORD", valueFrom: { secretKeyRef: { name: superuser.metadata.name, key: "POSTGRES_PASSWORD" } } },
                                    ],
                                    envFrom: [{ secretRef: { name: roles.metadata.name } }],
                                    resources: resourcesFor("small"),
                                    securityContext: restrictedContainerSecurity(true),
                                    volumeMounts: [TMP_MOUNT, { name: "sql", mountPath: "/bootstrap", readOnly: true }],
                                },
                            ],
                            volumes: [TMP_VOLUME, { name: "sql", configMap: { name: script.metadata.name } }],
                        },
                    },
                },
            },
            { ...childOpts, dependsOn: [statefulSet] },
        );

        this.endpoint = { host: this.host, port: POSTGRES_PORT, services, sslMode: "disable", admin: { user: "postgres", password: superuserPassword } };
        this.registerOutputs({ host: this.host, superuserSecretName: this.superuserSecretName });
    }
}

/**
 * Shell run after every Postgres start: sets the superuser's password to $POSTGRES_PASSWORD over
 * the local socket (trusted), reading it with \\getenv so it never appears in SQL text or argv.
 * Retries while the server (or the image's temporary init server) is coming up.
 */
export const SYNC_SUPERUSER_PASSWORD = [
    'sock="${PGSOCKET:-/var/run/postgresql}"',
    // As long as the startup probe allows (crash recovery can take minutes): a failed postStart
    // hook kills the container, which would restart recovery from the beginning, forever.
    'for i in $(seq 1 "${SYNC_ATTEMPTS:-300}"); do',
    '  if pg_isready -q -h "$sock" && printf \'%s\\n\' \'\\getenv pw POSTGRES_PASSWORD\' "ALTER ROLE postgres WITH PASSWORD :\'pw\';" |',
    '     psql -q -X -h "$sock" -U postgres -d postgres -v ON_ERROR_STOP=1 >/dev/null; then exit 0; fi',
    "  sleep 2",
    "done",
    // Giving up leaves the server running; the bootstrap Job then reports the password mismatch.
    'echo "warning: could not sync the postgres password; the bootstrap Job will fail until it is" >&2; exit 0',
].join("\n");

/** The postgres container: data under a subdirectory of the volume, pg_isready probes, a slow-start allowance. */
export function postgresContainer(image: string, size: NodeSize, superuserSecret: pulumi.Input<string>, maxConnections: number) {
    const ready = { exec: { command: ["pg_isready", "-q", "-h", "127.0.0.1", "-p", String(POSTGRES_PORT), "-U", "postgres"] } };
    return {
        name: "postgres",
        image,
        imagePullPolicy: "IfNotPresent",
        // The image's entrypoint runs `postgres` with these settings on every start.
        args: ["postgres", "-c", `max_connections=${maxConnections}`, "-c", `shared_buffers=${SHARED_BUFFERS[size]}`],
        ports: [{ name: "postgres", containerPort: POSTGRES_PORT, protocol: "TCP" }],
        env: [
            // A subdirectory, because a volume's root may hold lost+found, which initdb refuses.
            { name: "PGDATA", value: `${DATA_MOUNT}/pgdata` },
            { name: "POSTGRES_USER", value: "postgres" },
            { name: "POSTGRES_PASSWORD", valueFrom: { secretKeyRef: { name: superuserSecret, key: "POSTGRES_PASSWORD" } } },
            { name: "POSTGRES_INITDB_ARGS", value: "--auth-host=scram-sha-256 --auth-local=trust" },
        ],
        resources: resourcesFor(size),
        securityContext: restrictedContainerSecurity(true),
        volumeMounts: [
            TMP_MOUNT,
            { name: "run", mountPath: "/var/run/postgresql" },
            { name: "data", mountPath: DATA_MOUNT },
        ],
        // The image applies POSTGRES_PASSWORD only at first init. Re-applying it over the local
        // socket on every start means a kept volume always accepts the Secret's current password.
        // The image applies POSTGRES_PASSWORD only at first init. Re-applying it over the local
        // socket on every start means a kept volume always accepts the Secret's current password.
        lifecycle: { postStart: { exec: { command: ["sh", "-c", SYNC_SUPERUSER_PASSWORD] } } },
        // Crash recovery after an unclean stop can take minutes; liveness waits for it.
        ...probes(ready, 600),
    };
}
