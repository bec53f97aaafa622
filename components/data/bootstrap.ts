// The Job that makes a Postgres server match the config: one role per service (its password
// re-asserted from the stack's state on every run), one database each, owned by that role and
// closed to everyone else. Serves in-cluster Postgres (as its superuser) and managed services (as
// their admin role, which is no superuser), so both kinds isolate services the same way.
import type * as k8s from "@pulumi/kubernetes";
import * as batchv1 from "@pulumi/kubernetes/batch/v1";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import * as pulumi from "@pulumi/pulumi";
import type { DatabaseEndpoint } from "../../lib/database-types";
import { POSTGRES_VERSIONS } from "../../versions";
import { POSTGRES_IMAGES, POSTGRES_UID } from "./postgres-common";
import { bootstrapSql, passwordEnvName } from "./postgres-sql";
import { commonLabels, ConfigFile, configFileMounts, contentHash, jobAwaitAnnotations, NamespacedArgs, resourcesFor, restrictedContainerSecurity, restrictedPodSecurity, TMP_MOUNT, TMP_VOLUME } from "../../lib/workload";
import { POSTGRES_CLIENT_LABEL } from "../../lib/labels";

/** Image the Job's psql runs from, whatever the server's major: the newest psql serves every older server. */
export const BOOTSTRAP_IMAGE = POSTGRES_IMAGES[POSTGRES_VERSIONS[POSTGRES_VERSIONS.length - 1]];

/** The Job's own deadline: its image pull and the wait for a server that is still starting included. */
const BOOTSTRAP_DEADLINE_SECONDS = 900;

export interface DatabaseBootstrapArgs extends NamespacedArgs {
    /** The server, its services (with their passwords) and the admin login the Job uses. */
    readonly server: DatabaseEndpoint;
    /** The server's CA bundle (managed servers): psql verifies the server against it. */
    readonly serverCa?: ConfigFile;
}

export class DatabaseBootstrap extends pulumi.ComponentResource {
    /** Completes once every role and database exists with its current password. */
    public readonly job: k8s.batch.v1.Job;

    constructor(name: string, args: DatabaseBootstrapArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:database:Bootstrap", name, args, opts);
        const childOpts = { parent: this, provider: args.provider };
        const labels = commonLabels("postgres-bootstrap", "bootstrap");
        const { server } = args;
        const services = Object.values(server.services);

        // The admin's password and every service's, as the env names the SQL reads with \getenv.
        const credentials = new corev1.Secret(
            `${name}-credentials`,
            {
                metadata: { name: "postgres-bootstrap", namespace: args.namespace, labels },
                type: "Opaque",
                stringData: pulumi.secret({
                    PGPASSWORD: server.admin.password,
                    ...Object.fromEntries(services.map((s) => [passwordEnvName(s.user), s.password])),
                }),
            },
            childOpts,
        );
        const sql = bootstrapSql(
            services.map((s) => ({ database: s.database, user: s.user })),
            server.admin.superuser ? "superuser" : "admin",
        );
        const script = new corev1.ConfigMap(
            `${name}-sql`,
            // SQL only: passwords reach psql by environment from the Secret above, never this text.
            { metadata: { name: `postgres-bootstrap-${contentHash(sql)}`, namespace: args.namespace, labels }, data: { "bootstrap.sql": sql } },
            childOpts,
        );
        // A new name per change of the SQL or of any password re-runs the Job (Jobs are immutable);
        // the hash reveals nothing of the passwords.
        const runId = pulumi.unsecret(
            pulumi.all([server.admin.password, ...services.map((s) => s.password)]).apply((pw) => contentHash(sql, BOOTSTRAP_IMAGE, pw)),
        );
        const ca = configFileMounts(args.serverCa ? [args.serverCa] : [], "server-ca");
        this.job = new batchv1.Job(
            `${name}-job`,
            {
                metadata: { name: pulumi.interpolate`postgres-bootstrap-${runId}`, namespace: args.namespace, labels, annotations: jobAwaitAnnotations(BOOTSTRAP_DEADLINE_SECONDS) },
                spec: {
                    backoffLimit: 6,
                    activeDeadlineSeconds: BOOTSTRAP_DEADLINE_SECONDS,
                    template: {
                        metadata: { labels: { ...labels, [POSTGRES_CLIENT_LABEL]: "true" } },
                        spec: {
                            restartPolicy: "OnFailure",
                            securityContext: restrictedPodSecurity(POSTGRES_UID),
                            automountServiceAccountToken: false,
                            containers: [
                                {
                                    name: "bootstrap",
                                    image: BOOTSTRAP_IMAGE,
                                    command: ["sh", "-c", "until pg_isready -q; do sleep 2; done; exec psql -v ON_ERROR_STOP=1 -f /bootstrap/bootstrap.sql"],
                                    env: [
                                        { name: "PGHOST", value: server.host },
                                        { name: "PGPORT", value: String(server.port) },
                                        { name: "PGUSER", value: server.admin.user },
                                        { name: "PGDATABASE", value: server.admin.database ?? "postgres" },
                                        // Managed servers: TLS verified against their CA; the in-cluster link stays inside the cluster network.
                                        { name: "PGSSLMODE", value: server.sslMode === "disable" ? "prefer" : server.sslMode },
                                        ...(args.serverCa ? [{ name: "PGSSLROOTCERT", value: args.serverCa.path }] : []),
                                    ],
                                    envFrom: [{ secretRef: { name: credentials.metadata.name } }],
                                    resources: resourcesFor("small"),
                                    securityContext: restrictedContainerSecurity(true),
                                    volumeMounts: [TMP_MOUNT, { name: "sql", mountPath: "/bootstrap", readOnly: true }, ...ca.volumeMounts],
                                },
                            ],
                            volumes: [TMP_VOLUME, { name: "sql", configMap: { name: script.metadata.name } }, ...ca.volumes],
                        },
                    },
                },
            },
            { ...childOpts, dependsOn: args.dependsOn },
        );
        this.registerOutputs({ jobName: this.job.metadata.name });
    }
}
