// Cloud SQL for PostgreSQL (`database.mode: managed` on GKE): private IP only, TLS required,
// backups with point-in-time recovery, deletion protection in GCP and in Pulumi. It yields the same
// DatabaseEndpoint as in-cluster Postgres, so PgBouncer and the apps never know which one runs.
import * as sql from "@pulumi/gcp/sql";
import * as pulumi from "@pulumi/pulumi";
import type { DatabaseConfig, NodeSize } from "../../config";
import { ConfigError } from "../../config";
import type { DatabaseEndpoint, ServiceDatabase } from "../../lib/database-types";
import type { PrivateServiceArgs } from "./private-service";
import { backupStartTime, managedPostgresProblems, maxStorageGb } from "../../lib/managed-postgres";
import { generatedPassword } from "../../lib/workload";

export { backupStartTime };

/**
 * `slipway:database.size` -> Cloud SQL tier. Dedicated-core custom machines (shared-core tiers have
 * no SLA and cannot be REGIONAL), 3.75 GiB per vCPU as GCP's standard shapes.
 */
export const CLOUD_SQL_TIERS: Record<NodeSize, string> = {
    small: "db-custom-1-3840",
    medium: "db-custom-2-7680",
    large: "db-custom-4-15360",
};
export const CLOUD_SQL_PORT = 5432;
/** Slipway's admin role (a cloudsqlsuperuser member) for creating, dumping and restoring databases. */
export const CLOUD_SQL_ADMIN_USER = "slipway_admin";
/** Days of write-ahead log kept for point-in-time recovery (Enterprise edition allows 1-7). */
export const MAX_PITR_DAYS = 7;

/**
 * Flags CIS GCP Benchmark 6.2 asks of Cloud SQL Postgres: an audit trail of sessions, lock waits
 * and checkpoints in Cloud Logging.
 */
export const CLOUD_SQL_FLAGS = [
    { name: "log_checkpoints", value: "on" },
    { name: "log_connections", value: "on" },
    { name: "log_disconnections", value: "on" },
    { name: "log_lock_waits", value: "on" },
];

/**
 * Days of write-ahead log and backups to keep. Cloud SQL refuses a retention that does not exceed
 * the log days ("backup retention should be > transaction log retention", API error seen in
 * terraform-google-sql-db PR #785): a point-in-time restore needs the backup before the window's
 * start. So `keep` sets the log window (at most 7 days on Enterprise) and one more backup is kept.
 */
export function backupRetention(keep: number): { transactionLogRetentionDays: number; backupRetentionSettings: { retainedBackups: number; retentionUnit: "COUNT" } } {
    const logDays = Math.min(MAX_PITR_DAYS, keep);
    return { transactionLogRetentionDays: logDays, backupRetentionSettings: { retainedBackups: Math.max(keep, logDays + 1), retentionUnit: "COUNT" } };
}

/** What Cloud SQL cannot honour in a database config; empty when it can. */
export function cloudSqlProblems(db: DatabaseConfig): string[] {
    return managedPostgresProblems(db, { service: "Cloud SQL", adminUser: CLOUD_SQL_ADMIN_USER });
}

/** The instance's settings, from the stack's database config. */
export function cloudSqlSettings(db: DatabaseConfig, network: pulumi.Input<string>, allocatedIpRange: pulumi.Input<string>, deletionProtection = true) {
    return {
        tier: CLOUD_SQL_TIERS[db.size],
        // Pinned: the API's default edition differs by version, and custom tiers need ENTERPRISE.
        edition: "ENTERPRISE",
        // A standby in a second zone with synchronous replication and automatic failover.
        availabilityType: db.highAvailability ? "REGIONAL" : "ZONAL",
        diskType: "PD_SSD",
        diskSize: db.storageGb,
        // Grows by itself when nearly full, up to a cap, so a runaway table cannot run up the bill forever.
        diskAutoresize: true,
        diskAutoresizeLimit: maxStorageGb(db),
        deletionProtectionEnabled: deletionProtection,
        // Backups outlive the instance: a deleted instance can still be restored.
        retainBackupsOnDelete: true,
        backupConfiguration: {
            enabled: true,
            pointInTimeRecoveryEnabled: true,
            startTime: backupStartTime(db.backup.schedule),
            ...backupRetention(db.backup.keep),
        },
        ipConfiguration: {
            // No public IPv4 at all: reachable only from the VPC, through private services access.
            ipv4Enabled: false,
            privateNetwork: network,
            allocatedIpRange,
            // Non-TLS connections are refused. The instance's own CA signs its certificate (named for the
            // instance, not its IP), so clients verify the chain (verify-ca) against getCaCerts' bundle.
            sslMode: "ENCRYPTED_ONLY",
            serverCaMode: "GOOGLE_MANAGED_INTERNAL_CA",
        },
        insightsConfig: { queryInsightsEnabled: true, queryStringLength: 1024, recordApplicationTags: true, recordClientAddress: true },
        // Sunday 04:00 UTC, on the stable track: patches land after they have run elsewhere.
        maintenanceWindow: { day: 7, hour: 4, updateTrack: "stable" },
        databaseFlags: CLOUD_SQL_FLAGS,
    };
}

export interface CloudSqlPostgresArgs extends PrivateServiceArgs {
    readonly database: DatabaseConfig;
}

export class CloudSqlPostgres extends pulumi.ComponentResource {
    public readonly instance: sql.DatabaseInstance;
    public readonly endpoint: DatabaseEndpoint;
    /** The instance's private IP. */
    public readonly host: pulumi.Output<string>;
    /** `project:region:instance`, for the Cloud SQL Auth Proxy if a team prefers IAM auth. */
    public readonly connectionName: pulumi.Output<string>;

    constructor(name: string, args: CloudSqlPostgresArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:database:CloudSqlPostgres", name, args, opts);
        const problems = cloudSqlProblems(args.database);
        if (problems.length > 0) throw new ConfigError(problems);
        const childOpts = { parent: this, provider: args.provider };

        this.instance = new sql.DatabaseInstance(
            `${name}-instance`,
            {
                databaseVersion: `POSTGRES_${args.database.version}`,
                region: args.region,
                deletionProtection: args.deletionProtection,
                settings: cloudSqlSettings(args.database, args.network, args.privateRange, args.deletionProtection),
            },
            // protect: removing it from the program fails the update instead of dropping the data.
            { ...childOpts, protect: true, dependsOn: args.dependsOn },
        );
        this.host = this.instance.privateIpAddress;
        this.connectionName = this.instance.connectionName;

        const password = (user: string) => generatedPassword(`${name}-${user}-password`, this);
        // Only Slipway's admin is a Cloud SQL user: users made through the API join cloudsqlsuperuser
        // (CREATEROLE, CREATEDB, access to every database). The service roles are created by the
        // bootstrap Job as this admin instead, so each is a plain login that owns only its database.
        // ABANDON on the user and databases: Postgres refuses to drop a role that owns objects or a
        // database with sessions; removing an entry from config leaves both (and their data) in place.
        const adminPassword = password(CLOUD_SQL_ADMIN_USER);
        const admin = new sql.User(
            `${name}-user-${CLOUD_SQL_ADMIN_USER}`,
            { instance: this.instance.name, name: CLOUD_SQL_ADMIN_USER, type: "BUILT_IN", password: adminPassword, deletionPolicy: "ABANDON" },
            { ...childOpts, additionalSecretOutputs: ["password"] },
        );

        const services: Record<string, ServiceDatabase> = {};
        const ready: pulumi.Resource[] = [this.instance, admin];
        for (const entry of args.database.databases) {
            const user = entry.user ?? entry.name;
            // Created here so the database shows in the GCP console and plan; the bootstrap Job then
            // hands it from cloudsqlsuperuser to the service's role and closes it to everyone else.
            const database = new sql.Database(
                `${name}-db-${entry.name}`,
                { instance: this.instance.name, name: entry.name, charset: "UTF8", collation: "en_US.UTF8", deletionPolicy: "ABANDON" },
                childOpts,
            );
            ready.push(database);
            services[entry.name] = { database: entry.name, user, password: password(user) };
        }

        // Every CA the instance trusts (two while its server CA rotates), not just the active one
        // that serverCaCerts reports, so a rotation never breaks verification.
        const caCertificate = sql
            .getCaCertsOutput({ instance: this.instance.name }, { parent: this, provider: args.provider })
            .apply((r) => r.certs.map((c) => c.cert.trim()).join("\n") + "\n");
        this.endpoint = {
            host: this.host,
            port: CLOUD_SQL_PORT,
            services,
            sslMode: "verify-ca",
            caCertificate,
            hostIsPrivateAddress: true,
            admin: { user: CLOUD_SQL_ADMIN_USER, password: adminPassword, superuser: false },
            ready,
        };
        this.registerOutputs({ host: this.host, connectionName: this.connectionName });
    }
}
