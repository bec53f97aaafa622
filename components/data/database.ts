// The stack's Postgres, whatever runs it: in-cluster (StatefulSet + bootstrap Job + backups) or a
// target's managed service. Either way each service gets one Kubernetes Secret with DATABASE_URL
// and its parts, pointing at PgBouncer when the pooler is on, so apps never change between stacks.
import type * as k8s from "@pulumi/kubernetes";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import * as networkingv1 from "@pulumi/kubernetes/networking/v1";
import * as pulumi from "@pulumi/pulumi";
import type { DatabaseConfig } from "../../config";
import { type OffsiteBackup, PostgresBackup } from "./backup";
import { databaseUrl } from "./connection";
import type { DatabaseEndpoint, ManagedDatabaseFactory, ServiceDatabase } from "../../lib/database-types";
import type { ManagedAccess } from "./managed-egress";
import { Pgbouncer, PGBOUNCER_LISTEN_PORT } from "./pgbouncer";
import { DatabaseBootstrap } from "./bootstrap";
import { InClusterPostgres, postgresMaxConnections } from "./postgres";
import { POSTGRES_PORT } from "./postgres-common";
import { checksumOf, commonLabels, ConfigFile, NamespacedArgs, SecretRef, selectorLabels } from "../../lib/workload";
import { DATABASE_CLIENT_LABEL, MIGRATE_CLIENT_LABEL, POSTGRES_CLIENT_LABEL } from "../../lib/labels";

export interface DatabaseArgs extends NamespacedArgs {
    readonly config: DatabaseConfig;
    /** The target's managed Postgres, required when `config.mode` is "managed". */
    readonly managed?: ManagedDatabaseFactory;
    /** Provider for objects kept through destroy (the backups' claim). */
    readonly retainedProvider: k8s.Provider;
    /** Where backups are copied off the cluster, with the key pair resolved from secret config. */
    readonly offsite?: OffsiteBackup;
}

/** Name of the Secret holding one service's connection (DATABASE_URL, PGHOST...). */
export function connectionSecretName(database: string): string {
    return `db-${database.replace(/_/g, "-")}`;
}

export class Database extends pulumi.ComponentResource {
    /** The server itself (host, port, per-service roles and passwords). */
    public readonly server: DatabaseEndpoint;
    /** Host and port apps connect to: the pooler when on, else the server. */
    public readonly clientHost: pulumi.Output<string>;
    public readonly clientPort: number;
    /** Resources that must exist before apps (and their migrate Jobs) start. */
    public readonly ready: pulumi.Resource[];
    /** Databases by name, each with its connection Secret's name. */
    public readonly connectionSecrets: Record<string, pulumi.Output<string>> = {};
    /** Per database, the Secret apps read (through the pooler when on), with its checksum. */
    public readonly connections: Record<string, SecretRef> = {};
    /**
     * Per database, the Secret a migrate Job reads: the server itself, never the pooler. Django,
     * Rails and Prisma migrations take advisory locks and session state that PgBouncer's
     * transaction mode would hand to another client mid-migration.
     */
    public readonly migrations: Record<string, SecretRef> = {};
    /** A managed server and the pod labels of its clients, for the namespace's egress guard. */
    public readonly managedAccess?: ManagedAccess;

    constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:database:Database", name, args, opts);
        const { config } = args;
        const childOpts = { parent: this, provider: args.provider };
        const services = config.databases.map((d) => ({ database: d.name, user: d.user ?? d.name }));
        const ready: pulumi.Resource[] = [];

        if (config.mode === "managed") {
            if (!args.managed) throw new Error(`slipway:database.mode: "managed" but the target offers no managed Postgres`);
            this.server = args.managed(`${name}-managed`, config, { parent: this });
            // PgBouncer and Slipway's Jobs carry POSTGRES_CLIENT_LABEL; migrate Jobs theirs; apps only without a pooler.
            if (this.server.hostIsPrivateAddress) {
                this.managedAccess = { name: "postgres", host: this.server.host, clientLabels: [POSTGRES_CLIENT_LABEL, MIGRATE_CLIENT_LABEL, ...(config.pooler ? [] : [DATABASE_CLIENT_LABEL])] };
            }
        } else {
            const postgres = new InClusterPostgres(
                `${name}-postgres`,
                { namespace: args.namespace, provider: args.provider, storageClass: args.storageClass, version: config.version, size: config.size, storageGb: config.storageGb, services, dependsOn: args.dependsOn,
                  maxConnections: postgresMaxConnections(config.pooler ? config.pool : undefined, services.length) },
                { parent: this },
            );
            this.server = postgres.endpoint;
            if (config.backup.enabled) {
                new PostgresBackup(
                    `${name}-backup`,
                    {
                        namespace: args.namespace,
                        provider: args.provider,
                        storageClass: args.storageClass,
                        image: postgres.image,
                        host: postgres.host,
                        superuserSecretName: postgres.superuserSecretName,
                        databases: services.map((s) => s.database),
                        schedule: config.backup.schedule,
                        keep: config.backup.keep,
                        storageGb: config.backup.storageGb,
                        retainedProvider: args.retainedProvider,
                        offsite: args.offsite,
                    },
                    { parent: this },
                );
            }
            // Only the pooler and Slipway's own Jobs reach Postgres; without a pooler, the database's apps do.
            // Migrate Jobs connect directly too (their sessions must not be pooled).
            const from: k8s.types.input.networking.v1.NetworkPolicyPeer[] = [
                { podSelector: { matchLabels: { [POSTGRES_CLIENT_LABEL]: "true" } } },
                { podSelector: { matchExpressions: [{ key: MIGRATE_CLIENT_LABEL, operator: "Exists" }] } },
            ];
            if (!config.pooler) from.push(databaseClients());
            networkPolicy(`${name}-postgres-ingress`, "postgres", POSTGRES_PORT, from, args.namespace, childOpts);
        }

        // A managed server's CA bundle, as a file every client that verifies it mounts (public data: a ConfigMap).
        const serverCa = this.server.caCertificate ? serverCaFile(name, this.server.caCertificate, args.namespace, childOpts) : undefined;

        // Roles and databases for both kinds of server: in-cluster as its superuser, managed as its admin.
        const bootstrap = new DatabaseBootstrap(
            `${name}-bootstrap`,
            { namespace: args.namespace, provider: args.provider, server: this.server, serverCa, dependsOn: [...(args.dependsOn ?? []), ...this.server.ready] },
            { parent: this },
        );
        ready.push(bootstrap.job);

        if (config.pooler) {
            const pooler = new Pgbouncer(
                `${name}-pgbouncer`,
                { namespace: args.namespace, provider: args.provider, server: this.server, serverCa, pool: config.pool, dependsOn: [...(args.dependsOn ?? []), ...ready] },
                { parent: this },
            );
            this.clientHost = pooler.host;
            this.clientPort = pooler.port;
            networkPolicy(`${name}-pgbouncer-ingress`, "pgbouncer", PGBOUNCER_LISTEN_PORT, [databaseClients()], args.namespace, childOpts);
            ready.push(pooler);
        } else {
            this.clientHost = pulumi.output(this.server.host);
            this.clientPort = this.server.port;
        }

        // In the cluster the pooler link is plain TCP behind NetworkPolicies; a managed server needs TLS.
        const pooledSslMode = config.pooler ? "disable" : this.server.sslMode;
        for (const service of Object.values(this.server.services)) {
            const pooled = connectionSecret(
                `${name}-${service.database}-connection`,
                { secretName: connectionSecretName(service.database), host: this.clientHost, port: this.clientPort, sslmode: pooledSslMode, ca: config.pooler ? undefined : serverCa, service, namespace: args.namespace },
                childOpts,
            );
            this.connections[service.database] = pooled;
            this.connectionSecrets[service.database] = pulumi.output(pooled.name);
            this.migrations[service.database] = config.pooler
                ? connectionSecret(
                      `${name}-${service.database}-direct`,
                      { secretName: `${connectionSecretName(service.database)}-direct`, host: this.server.host, port: this.server.port, sslmode: this.server.sslMode, ca: serverCa, service, namespace: args.namespace },
                      childOpts,
                  )
                : pooled;
        }
        this.ready = ready;
        this.registerOutputs({ clientHost: this.clientHost, connectionSecrets: this.connectionSecrets });
    }
}

/** One service's connection as a Secret (DATABASE_URL and libpq's PG* variables), pointing at `host`. */
function connectionSecret(
    resourceName: string,
    args: {
        secretName: string;
        host: pulumi.Input<string>;
        port: number;
        sslmode: DatabaseEndpoint["sslMode"];
        /** The server's CA bundle, for verify-ca. */
        ca?: ConfigFile;
        service: ServiceDatabase;
        namespace: pulumi.Input<string>;
    },
    opts: pulumi.CustomResourceOptions,
): SecretRef {
    const { service } = args;
    const sslrootcert = args.sslmode === "verify-ca" ? args.ca?.path : undefined;
    const stringData = pulumi.all([args.host, service.password]).apply(([host, password]) => ({
        DATABASE_URL: databaseUrl({ host, port: args.port, database: service.database, user: service.user, password, sslmode: args.sslmode, sslrootcert }),
        PGHOST: host,
        PGPORT: String(args.port),
        PGDATABASE: service.database,
        PGUSER: service.user,
        PGPASSWORD: password,
        PGSSLMODE: args.sslmode,
        ...(sslrootcert ? { PGSSLROOTCERT: sslrootcert } : {}),
    }));
    const secret = new corev1.Secret(
        resourceName,
        {
            metadata: { name: args.secretName, namespace: args.namespace, labels: commonLabels(`db-${service.database}`, "connection") },
            type: "Opaque",
            stringData: pulumi.secret(stringData),
        },
        opts,
    );
    return { name: secret.metadata.name, checksum: checksumOf(stringData), files: sslrootcert && args.ca ? [args.ca] : undefined };
}

/** Where clients find a managed Postgres server's CA bundle. */
export const POSTGRES_CA_PATH = "/etc/slipway/postgres/ca.pem";

/** The CA bundle as a ConfigMap file. The kubelet refreshes it in place when the CAs rotate; libpq reads it per connection. */
function serverCaFile(name: string, pem: pulumi.Input<string>, namespace: pulumi.Input<string>, opts: pulumi.CustomResourceOptions): ConfigFile {
    const map = new corev1.ConfigMap(
        `${name}-server-ca`,
        { metadata: { name: "postgres-server-ca", namespace, labels: commonLabels("postgres", "server-ca") }, data: { "ca.pem": pem } },
        opts,
    );
    return { configMap: map.metadata.name, key: "ca.pem", path: POSTGRES_CA_PATH };
}

/** Pods of apps that declared a database (and their migrate Jobs). */
function databaseClients() {
    return { podSelector: { matchExpressions: [{ key: DATABASE_CLIENT_LABEL, operator: "Exists" }] } } as k8s.types.input.networking.v1.NetworkPolicyPeer;
}

function networkPolicy(
    resourceName: string,
    app: string,
    port: number,
    from: k8s.types.input.networking.v1.NetworkPolicyPeer[],
    namespace: pulumi.Input<string>,
    opts: pulumi.CustomResourceOptions,
) {
    return new networkingv1.NetworkPolicy(
        resourceName,
        {
            metadata: { name: `${app}-ingress`, namespace, labels: commonLabels(app, "network-policy") },
            spec: { podSelector: { matchLabels: selectorLabels(app) }, policyTypes: ["Ingress"], ingress: [{ from, ports: [{ port, protocol: "TCP" }] }] },
        },
        opts,
    );
}
