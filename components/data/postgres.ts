// In-cluster PostgreSQL (k3d, existing, hetzner): one StatefulSet on a retained volume and one
// generated password per role kept in the stack's state. The bootstrap Job (bootstrap.ts)
// re-asserts every role's password on every run, and the server re-applies the superuser's at
// every start, so no restart or re-created cluster can leave a password the Secrets no longer hold.
import * as corev1 from "@pulumi/kubernetes/core/v1";
import * as pulumi from "@pulumi/pulumi";
import type { NodeSize } from "../../config";
import type { PostgresMajor } from "../../versions";
import type { DatabaseEndpoint, ServiceDatabase } from "../../lib/database-types";
import { POSTGRES_IMAGES, POSTGRES_PORT, POSTGRES_UID } from "./postgres-common";
import type { ServiceRole } from "./postgres-sql";
import {
    awaitAnnotations,
    checksumOf,
    commonLabels,
    dataServerStatefulSet,
    generatedPassword,
    NamespacedArgs,
    probes,
    resourcesFor,
    restrictedContainerSecurity,
    restrictedPodSecurity,
    selectorLabels,
    TMP_MOUNT,
    TMP_VOLUME,
} from "../../lib/workload";

const DATA_MOUNT = "/var/lib/postgresql/data";

export interface InClusterPostgresArgs extends NamespacedArgs {
    /** Major version (versions.ts POSTGRES_MAJORS). */
    readonly version: PostgresMajor;
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

        const superuser = new corev1.Secret(
            `${name}-superuser`,
            { metadata: { name: "postgres-superuser", namespace: args.namespace, labels }, type: "Opaque", stringData: { POSTGRES_PASSWORD: superuserPassword } },
            childOpts,
        );
        this.superuserSecretName = superuser.metadata.name;
        const service = new corev1.Service(
            `${name}-service`,
            {
                metadata: { name: app, namespace: args.namespace, labels, annotations: awaitAnnotations() },
                spec: { selector: selectorLabels(app), ports: [{ name: "postgres", port: POSTGRES_PORT, targetPort: "postgres" }] },
            },
            childOpts,
        );
        this.host = service.metadata.name;

        // The data is in the claim, kept by the retention policy in a namespace that outlives
        // `pulumi destroy`, on a Retain class; the next StatefulSet binds the same claim.
        const statefulSet = dataServerStatefulSet(
            `${name}-statefulset`,
            {
                app,
                namespace: args.namespace,
                labels,
                // A new superuser password restarts the server, whose postStart hook then applies it.
                checksum: checksumOf(superuserPassword),
                podSpec: {
                    securityContext: restrictedPodSecurity(POSTGRES_UID),
                    automountServiceAccountToken: false,
                    enableServiceLinks: false,
                    // A fast shutdown flushes WAL cleanly; a kill mid-write means crash recovery on start.
                    terminationGracePeriodSeconds: 60,
                    initContainers: [majorVersionCheck(this.image)],
                    containers: [postgresContainer(this.image, args.size, superuser.metadata.name, args.maxConnections)],
                    volumes: [TMP_VOLUME, { name: "run", emptyDir: {} }],
                },
                storageClass: args.storageClass,
                storageGb: args.storageGb,
            },
            { ...childOpts, dependsOn: args.dependsOn },
        );

        this.endpoint = { host: this.host, port: POSTGRES_PORT, services, sslMode: "disable", admin: { user: "postgres", password: superuserPassword, superuser: true }, ready: [statefulSet] };
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

/**
 * Refuses to start a server on data of another major. With a custom PGDATA the image's entrypoint
 * skips its own old-data check (docker-library/postgres docker-entrypoint.sh only checks when
 * PGDATA is the default) and postgres then fails in a crash loop with a message few would find;
 * this stops first, saying what to do. PG_MAJOR is set by the official image.
 */
export const MAJOR_VERSION_CHECK = [
    'found=$(cat "$PGDATA/PG_VERSION" 2>/dev/null || true)',
    'if [ -n "$found" ] && [ "$found" != "$PG_MAJOR" ]; then',
    '  echo "this volume holds PostgreSQL $found data, but slipway:database.version is $PG_MAJOR." >&2',
    '  echo "Set it back to \"$found\", or move the data across majors first (README: Upgrade Postgres to a new major)." >&2',
    "  exit 1",
    "fi",
].join("\n");

function majorVersionCheck(image: string) {
    return {
        name: "check-major",
        image,
        imagePullPolicy: "IfNotPresent",
        command: ["sh", "-c", MAJOR_VERSION_CHECK],
        env: [{ name: "PGDATA", value: `${DATA_MOUNT}/pgdata` }],
        resources: resourcesFor("small"),
        securityContext: restrictedContainerSecurity(true),
        volumeMounts: [{ name: "data", mountPath: DATA_MOUNT, readOnly: true }],
    };
}

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
