// What protects a stack's data, read from the resources it would create: the database and cache,
// in the cluster or managed, with the settings a reviewer signs off on when switching stacks (size,
// HA, backups, point-in-time recovery, network exposure, deletion protection). Side by side for two
// stacks, this is where dev's pg_dump CronJob "went" on prod.
import type { ProgramRun, RecordedResource } from "./offline";

export type DataRole = "database" | "cache";
export const DATA_SETTINGS = ["service", "size", "highAvailability", "backups", "pointInTimeRecovery", "network", "deletionProtection"] as const;
export type DataSetting = (typeof DATA_SETTINGS)[number];
export type DataService = { role: DataRole; resource: string } & Record<DataSetting, string>;

const onOff = (on: unknown, detail = "") => (on ? `on${detail}` : "off");
const pulumiGuard = (r: RecordedResource) => (r.protect ? "Pulumi protect" : r.retainOnDelete ? "Pulumi retainOnDelete" : "none in Pulumi");

/** One reader per managed-service type: its settings from its own inputs (and its sibling resources). */
const MANAGED: Record<string, (r: RecordedResource, run: ProgramRun) => DataService> = {
    "gcp:sql/databaseInstance:DatabaseInstance": (r) => {
        const s = r.inputs.settings ?? {};
        const b = s.backupConfiguration ?? {};
        return {
            role: "database",
            resource: r.name,
            service: `Cloud SQL ${r.inputs.databaseVersion}`,
            size: `${s.tier}, ${s.diskSize} GB ${s.diskType ?? ""}${s.diskAutoresize ? ` (grows to ${s.diskAutoresizeLimit} GB)` : ""}`.trim(),
            highAvailability: s.availabilityType === "REGIONAL" ? "regional (standby in another zone)" : "zonal",
            backups: b.enabled ? `daily at ${b.startTime} UTC, ${b.backupRetentionSettings?.retainedBackups ?? 7} kept${s.retainBackupsOnDelete ? ", kept after the instance is deleted" : ""}` : "off",
            pointInTimeRecovery: onOff(b.pointInTimeRecoveryEnabled, `, ${b.transactionLogRetentionDays} days of logs`),
            network: s.ipConfiguration?.ipv4Enabled === false ? `private IP only (${s.ipConfiguration?.sslMode ?? "TLS"})` : "public IP",
            deletionProtection: `${r.inputs.deletionProtection ? "Pulumi provider" : ""}${s.deletionProtectionEnabled ? " + GCP API" : ""}, ${pulumiGuard(r)}`.replace(/^, /, ""),
        };
    },
    "gcp:redis/instance:Instance": (r) => ({
        role: "cache",
        resource: r.name,
        service: `Memorystore ${r.inputs.redisVersion}`,
        size: `${r.inputs.memorySizeGb} GB`,
        highAvailability: r.inputs.tier === "STANDARD_HA" ? "replica with automatic failover" : "single node",
        backups: r.inputs.persistenceConfig?.persistenceMode === "RDB" ? `RDB snapshots every ${String(r.inputs.persistenceConfig.rdbSnapshotPeriod).toLowerCase().replace(/_/g, " ")}` : "none",
        pointInTimeRecovery: "n/a",
        network: r.inputs.connectMode === "PRIVATE_SERVICE_ACCESS" ? `private service access${r.inputs.authEnabled ? ", AUTH" : ""}${r.inputs.transitEncryptionMode === "SERVER_AUTHENTICATION" ? ", TLS" : ""}` : "direct peering",
        deletionProtection: `${r.inputs.deletionProtection ? "GCP API, " : ""}${pulumiGuard(r)}`,
    }),
    "aws:rds/instance:Instance": (r) => ({
        role: "database",
        resource: r.name,
        service: `RDS ${r.inputs.engine} ${r.inputs.engineVersion}`,
        size: `${r.inputs.instanceClass}, ${r.inputs.allocatedStorage} GB ${r.inputs.storageType ?? ""}${r.inputs.maxAllocatedStorage ? ` (grows to ${r.inputs.maxAllocatedStorage} GB)` : ""}`,
        highAvailability: r.inputs.multiAz ? "Multi-AZ standby" : "single AZ",
        backups: r.inputs.backupRetentionPeriod > 0 ? `daily in ${r.inputs.backupWindow} UTC, ${r.inputs.backupRetentionPeriod} days${r.inputs.skipFinalSnapshot === false ? ", final snapshot on delete" : ""}` : "off",
        // RDS restores to any second inside the backup retention period whenever backups are on.
        pointInTimeRecovery: r.inputs.backupRetentionPeriod > 0 ? `on, ${r.inputs.backupRetentionPeriod} days` : "off",
        network: r.inputs.publiclyAccessible ? "public" : "private subnets, security group",
        deletionProtection: `${r.inputs.deletionProtection ? "AWS API, " : ""}${pulumiGuard(r)}`,
    }),
    "aws:elasticache/replicationGroup:ReplicationGroup": (r) => ({
        role: "cache",
        resource: r.name,
        service: `ElastiCache ${r.inputs.engine} ${r.inputs.engineVersion}`,
        size: `${r.inputs.numCacheClusters} x ${r.inputs.nodeType}`,
        highAvailability: r.inputs.automaticFailoverEnabled ? `automatic failover${r.inputs.multiAzEnabled ? ", Multi-AZ" : ""}` : "single node",
        backups: r.inputs.snapshotRetentionLimit > 0 ? `daily snapshots, ${r.inputs.snapshotRetentionLimit} kept${r.inputs.finalSnapshotIdentifier ? ", final snapshot on delete" : ""}` : "none",
        pointInTimeRecovery: "n/a",
        network: `security group${r.inputs.transitEncryptionEnabled ? ", TLS" : ""}${r.inputs.atRestEncryptionEnabled ? ", encrypted at rest" : ""}`,
        deletionProtection: pulumiGuard(r),
    }),
    "digitalocean:index/databaseCluster:DatabaseCluster": (r, run) => {
        const pg = r.inputs.engine === "pg";
        const config = run.resources.find((c) => c.type === "digitalocean:index/databasePostgresqlConfig:DatabasePostgresqlConfig" && c.inputs.clusterId === `${r.name}-id`);
        return {
            role: pg ? "database" : "cache",
            resource: r.name,
            service: `DO Managed ${pg ? "PostgreSQL" : r.inputs.engine} ${r.inputs.version}`,
            size: `${r.inputs.size}${r.inputs.storageAutoscale?.enabled ? ", storage autoscale" : ""}`,
            highAvailability: r.inputs.nodeCount > 1 ? `${r.inputs.nodeCount - 1} standby` : "single node",
            // docs.digitalocean.com/products/databases/postgresql/how-to/restore-from-backups (edited
            // 2026-05-28): "backups run automatically once per day and are retained for seven days";
            // a restore picks the latest transaction or a point in time. The hour is the one the
            // cluster's DatabasePostgresqlConfig asks for (openapi postgres_advanced_config backup_hour).
            backups: pg ? `daily${config ? ` at ${String(config.inputs.backupHour).padStart(2, "0")}:${String(config.inputs.backupMinute ?? 0).padStart(2, "0")} UTC` : ""}, 7 days (DO)` : "none",
            pointInTimeRecovery: pg ? "on, 7 days (DO)" : "n/a",
            network: r.inputs.privateNetworkUuid ? "private network (VPC), firewall" : "public",
            deletionProtection: pulumiGuard(r),
        };
    },
};

/** In-cluster data: the StatefulSet of the database or cache (by its component label) and its backup CronJob. */
function inCluster(r: RecordedResource, run: ProgramRun): DataService | undefined {
    const component = r.inputs.metadata?.labels?.["app.kubernetes.io/component"];
    if (r.type !== "kubernetes:apps/v1:StatefulSet" || (component !== "database" && component !== "cache")) return undefined;
    const spec = r.inputs.spec ?? {};
    const claim = spec.volumeClaimTemplates?.[0]?.spec;
    const backup = run.resources.find((c) => c.type === "kubernetes:batch/v1:CronJob" && c.inputs.metadata?.labels?.["app.kubernetes.io/component"] === "backup");
    const offsite = JSON.stringify(backup?.inputs ?? {}).includes("rclone");
    return {
        role: component,
        resource: r.name,
        service: `in-cluster ${spec.template?.spec?.containers?.[0]?.image}`,
        size: `${claim?.resources?.requests?.storage} volume on ${claim?.storageClassName ?? "the default class"}`,
        highAvailability: `${spec.replicas} replica${spec.replicas === 1 ? "" : "s"}`,
        backups: component === "database" ? (backup ? `CronJob ${backup.inputs.metadata.name} "${backup.inputs.spec.schedule}" (pg_dump to a retained volume${offsite ? ", copied off-site" : ""})` : "none") : "AOF on its volume",
        pointInTimeRecovery: component === "database" ? "none (restore a dump)" : "n/a",
        network: "in the cluster, NetworkPolicy",
        deletionProtection: `claims ${spec.persistentVolumeClaimRetentionPolicy?.whenDeleted === "Retain" ? "kept" : "deleted"} with the StatefulSet, class ${claim?.storageClassName ?? "default"}`,
    };
}

/** The stack's data services, database first. */
export function dataServices(run: ProgramRun): DataService[] {
    const found = run.resources.map((r) => MANAGED[r.type]?.(r, run) ?? inCluster(r, run)).filter((s): s is DataService => s !== undefined);
    return found.sort((a, b) => a.role.localeCompare(b.role) * -1);
}
