// PgBouncer in front of Postgres (managed or in-cluster). Its config and auth file are generated
// from the same passwords the database roles get, so a restart on either side can never leave the
// pooler holding a stale password (the users' `server_login_retry` outage).
import * as appsv1 from "@pulumi/kubernetes/apps/v1";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import * as pulumi from "@pulumi/pulumi";
import { PGBOUNCER_IMAGE } from "../../versions";
import type { DatabaseEndpoint } from "../../lib/database-types";
import { authFileContent, pgbouncerIni } from "./pgbouncer-config";
import { awaitAnnotations, commonLabels, checksumOf, CONFIG_CHECKSUM_ANNOTATION, ConfigFile, configFileMounts, disruptionBudget, NamespacedArgs, probes, resourcesFor, restrictedContainerSecurity, restrictedPodSecurity, selectorLabels, spreadConstraints, TMP_MOUNT, TMP_VOLUME } from "../../lib/workload";
import { POSTGRES_CLIENT_LABEL } from "../../lib/labels";

/** The image's pgbouncer user and group. */
export const PGBOUNCER_UID = 998;
export const PGBOUNCER_GID = 996;
export const PGBOUNCER_LISTEN_PORT = 6432;
/** Apps connect to the pooler's Service on the usual Postgres port. */
export const PGBOUNCER_SERVICE_PORT = 5432;

export interface PgbouncerArgs extends NamespacedArgs {
    readonly server: DatabaseEndpoint;
    /** The server's CA bundle (managed servers), which PgBouncer verifies the server against. */
    readonly serverCa?: ConfigFile;
    readonly pool: { mode: "transaction" | "session" | "statement"; defaultPoolSize: number; maxClientConn: number; replicas: number };
}

export class Pgbouncer extends pulumi.ComponentResource {
    /** Service DNS name apps connect to. */
    public readonly host: pulumi.Output<string>;
    public readonly port = PGBOUNCER_SERVICE_PORT;

    constructor(name: string, args: PgbouncerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:database:Pgbouncer", name, args, opts);
        const childOpts = { parent: this, provider: args.provider };
        const app = "pgbouncer";
        const labels = commonLabels(app, "pooler");
        const services = Object.values(args.server.services);

        // pgbouncer.ini holds no credential (ConfigMap, readable in preview diffs); the auth file does (Secret).
        const ini = pulumi.output(args.server.host).apply((serverHost) =>
            pgbouncerIni({
                serverHost,
                serverPort: args.server.port,
                databases: services.map((s) => s.database),
                listenPort: PGBOUNCER_LISTEN_PORT,
                authFile: "/etc/pgbouncer/auth/userlist.txt",
                poolMode: args.pool.mode,
                defaultPoolSize: args.pool.defaultPoolSize,
                maxClientConn: args.pool.maxClientConn,
                serverTlsSslmode: args.server.sslMode === "disable" ? "prefer" : args.server.sslMode,
                serverTlsCaFile: args.serverCa?.path,
            }),
        );
        const authFile = pulumi
            .all(services.map((s) => pulumi.all([s.user, s.password])))
            .apply((pairs) => authFileContent(pairs.map(([user, password]) => ({ user, password }))));

        const config = new corev1.ConfigMap(`${name}-config`, { metadata: { name: "pgbouncer-config", namespace: args.namespace, labels }, data: { "pgbouncer.ini": ini } }, childOpts);
        const auth = new corev1.Secret(
            `${name}-auth`,
            { metadata: { name: "pgbouncer-auth", namespace: args.namespace, labels }, type: "Opaque", stringData: { "userlist.txt": pulumi.secret(authFile) } },
            childOpts,
        );
        // Pods roll when the config or a password changes; the hash reveals nothing of the passwords.
        // A rotated server CA bundle too: PgBouncer reads server_tls_ca_file at start.
        const checksum = checksumOf([ini, authFile, args.server.caCertificate ?? ""]);

        const check = { tcpSocket: { port: "pgbouncer" } };
        const ca = configFileMounts(args.serverCa ? [args.serverCa] : [], "server-ca");
        new appsv1.Deployment(
            `${name}-deployment`,
            {
                metadata: { name: app, namespace: args.namespace, labels, annotations: awaitAnnotations() },
                spec: {
                    replicas: args.pool.replicas,
                    selector: { matchLabels: selectorLabels(app) },
                    strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
                    template: {
                        metadata: { labels: { ...labels, [POSTGRES_CLIENT_LABEL]: "true" }, annotations: { [CONFIG_CHECKSUM_ANNOTATION]: checksum } },
                        spec: {
                            securityContext: restrictedPodSecurity(PGBOUNCER_UID, PGBOUNCER_GID),
                            automountServiceAccountToken: false,
                            enableServiceLinks: false,
                            topologySpreadConstraints: spreadConstraints(app, args.pool.replicas),
                            containers: [
                                {
                                    name: "pgbouncer",
                                    image: PGBOUNCER_IMAGE,
                                    imagePullPolicy: "IfNotPresent",
                                    command: ["/usr/bin/pgbouncer", "/etc/pgbouncer/pgbouncer.ini"],
                                    ports: [{ name: "pgbouncer", containerPort: PGBOUNCER_LISTEN_PORT, protocol: "TCP" }],
                                    resources: resourcesFor("small"),
                                    securityContext: restrictedContainerSecurity(true),
                                    volumeMounts: [
                                        TMP_MOUNT,
                                        { name: "config", mountPath: "/etc/pgbouncer/pgbouncer.ini", subPath: "pgbouncer.ini", readOnly: true },
                                        { name: "auth", mountPath: "/etc/pgbouncer/auth", readOnly: true },
                                        ...ca.volumeMounts,
                                    ],
                                    ...probes(check, 60),
                                },
                            ],
                            volumes: [
                                TMP_VOLUME,
                                { name: "config", configMap: { name: config.metadata.name } },
                                { name: "auth", secret: { secretName: auth.metadata.name, defaultMode: 0o440 } },
                                ...ca.volumes,
                            ],
                        },
                    },
                },
            },
            { ...childOpts, dependsOn: args.dependsOn },
        );
        const service = new corev1.Service(
            `${name}-service`,
            {
                metadata: { name: app, namespace: args.namespace, labels, annotations: awaitAnnotations() },
                spec: { selector: selectorLabels(app), ports: [{ name: "postgres", port: PGBOUNCER_SERVICE_PORT, targetPort: "pgbouncer" }] },
            },
            childOpts,
        );
        disruptionBudget(`${name}-pdb`, { app, namespace: args.namespace, replicas: args.pool.replicas, component: "pooler" }, childOpts);
        this.host = service.metadata.name;
        this.registerOutputs({ host: this.host });
    }
}
