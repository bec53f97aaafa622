// DO Managed PostgreSQL (`database.mode: managed` on DOKS): in the stack's VPC, reached on its
// private host, a database firewall that admits only the cluster, a standby when highly available,
// daily backups at the configured hour, a maintenance window, storage that grows, TLS verified
// against the project's CA. It yields the same DatabaseEndpoint as Cloud SQL and RDS.
import { DatabasePostgresqlConfig } from "@pulumi/digitalocean/databasePostgresqlConfig";
import { getDatabaseCaOutput } from "@pulumi/digitalocean/getDatabaseCa";
import { type DatabasePlacement, privateDatabase } from "./private-database";
import * as pulumi from "@pulumi/pulumi";
import type { DatabaseConfig } from "../../config";
import type { DatabaseEndpoint, ServiceDatabase } from "../../lib/database-types";
import { backupStartTime, managedPostgresProblems } from "../../lib/managed-postgres";
import { generatedPassword } from "../../lib/workload";
import { DO_POSTGRES_SLUGS, DO_POSTGRES_VERSIONS, DO_STANDBY_MIN_MEMORY_GB } from "./settings";

/** The admin DO creates with every cluster (CREATEROLE, CREATEDB, REPLICATION, BYPASSRLS; no superuser). */
export const DO_ADMIN_USER = "doadmin";
/** The database DO creates and the admin logs in to. */
export const DO_ADMIN_DATABASE = "defaultdb";
/** Direct connections (25061 is DO's own pooler, which Slipway does not use: README). */
export const DO_POSTGRES_PORT = 25060;

export function doPostgresProblems(db: DatabaseConfig): string[] {
    const problems = managedPostgresProblems(db, { service: "DO Managed PostgreSQL", adminUser: DO_ADMIN_USER });
    if (!DO_POSTGRES_VERSIONS.includes(db.version)) {
        problems.push(`slipway:database.version: got "${db.version}", which DO Managed PostgreSQL does not offer; allowed on doks: ${DO_POSTGRES_VERSIONS.join(", ")}`);
    }
    const plan = DO_POSTGRES_SLUGS[db.size];
    if (db.highAvailability && plan.memoryGb < DO_STANDBY_MIN_MEMORY_GB) {
        problems.push(`slipway:database.size: got "${db.size}" (${plan.slug}) with highAvailability; DO gives a standby only to plans of ${DO_STANDBY_MIN_MEMORY_GB} GB or more, allowed: medium or large (or highAvailability: false)`);
    }
    if (db.pooler) {
        const limit = doConnectionLimit(plan.memoryGb);
        const pooled = db.pool.defaultPoolSize * db.databases.length * db.pool.replicas;
        if (pooled + DIRECT_HEADROOM > limit) {
            problems.push(
                `slipway:database.pool.defaultPoolSize: got ${db.pool.defaultPoolSize}; PgBouncer may open ${db.pool.defaultPoolSize} x ${db.databases.length} databases x ${db.pool.replicas} replicas = ${pooled} server connections, and ${plan.slug} takes ${limit} (${DIRECT_HEADROOM} kept for migrations, the bootstrap and backups); allowed: at most ${Math.max(0, Math.floor((limit - DIRECT_HEADROOM) / (db.databases.length * db.pool.replicas)))}, or a larger database.size`,
            );
        }
    }
    return problems;
}

/** Connections DO allows: "25 backend server connections for every 1 GB of RAM. Three are reserved" (openapi connection_pool.yml). */
export function doConnectionLimit(memoryGb: number): number {
    return 25 * memoryGb - 3;
}

/** Server connections kept free of PgBouncer's pools: migrate Jobs, the bootstrap, migrate-data. */
const DIRECT_HEADROOM = 5;

/** A weekly maintenance hour two hours after the daily backup starts, so the two never meet. */
export function doMaintenanceHour(backupHour: number): string {
    return `${String((backupHour + 2) % 24).padStart(2, "0")}:00`;
}

export interface DoPostgresArgs extends DatabasePlacement {
    readonly database: DatabaseConfig;
}

export class DoPostgres extends pulumi.ComponentResource {
    public readonly endpoint: DatabaseEndpoint;

    constructor(name: string, args: DoPostgresArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:database:DoPostgres", name, args, opts);
        const o = { parent: this, provider: args.provider };
        const { database: db, ...placement } = args;
        // doPostgresProblems refused anything but a daily schedule before any resource.
        const backupHour = Number((backupStartTime(db.backup.schedule) ?? "03:00").slice(0, 2));
        const { cluster, firewall } = privateDatabase(
            name,
            {
                ...placement,
                suffix: "postgres",
                nodeCount: db.highAvailability ? 2 : 1,
                engine: {
                    engine: "pg",
                    // A new major upgrades in place (DO's upgrade API), never replaces.
                    version: db.version,
                    size: DO_POSTGRES_SLUGS[db.size].slug,
                    maintenanceWindows: [{ day: "sunday", hour: doMaintenanceHour(backupHour) }],
                    // The plan's disk grows by itself before it fills: 10 GiB whenever 80% is used.
                    storageAutoscale: { enabled: true, thresholdPercent: 80, incrementGib: 10 },
                },
            },
            this,
        );
        new DatabasePostgresqlConfig(`${name}-config`, { clusterId: cluster.id, backupHour, backupMinute: 0 }, o);

        const services: Record<string, ServiceDatabase> = {};
        for (const entry of db.databases) {
            const user = entry.user ?? entry.name;
            services[entry.name] = { database: entry.name, user, password: generatedPassword(`${name}-${user}-password`, this) };
        }
        this.endpoint = {
            host: cluster.privateHost,
            port: DO_POSTGRES_PORT,
            services,
            // The server certificate comes from the project's private CA; its name for the private host is unconfirmed.
            sslMode: "verify-ca",
            caCertificate: getDatabaseCaOutput({ clusterId: cluster.id }, { provider: args.provider, parent: this }).certificate,
            admin: { user: DO_ADMIN_USER, password: pulumi.secret(cluster.password), superuser: false, database: DO_ADMIN_DATABASE },
            ready: [cluster, firewall],
        };
        this.registerOutputs({ host: this.endpoint.host });
    }
}
