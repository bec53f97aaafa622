// Scheduled logical backups of in-cluster Postgres: `pg_dump -Fc` per database onto a retained
// volume of its own, keeping the newest N dumps per database.
import type * as k8s from "@pulumi/kubernetes";
import * as batchv1 from "@pulumi/kubernetes/batch/v1";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import * as pulumi from "@pulumi/pulumi";
import { retainedObjectOptions } from "../../lib/contracts";
import { assertIdentifier } from "./postgres-sql";
import { POSTGRES_PORT, POSTGRES_UID } from "./postgres-common";
import { commonLabels, NamespacedArgs, resourcesFor, restrictedContainerSecurity, restrictedPodSecurity, TMP_MOUNT, TMP_VOLUME } from "../../lib/workload";
import { POSTGRES_CLIENT_LABEL } from "../../lib/labels";
import { RCLONE_IMAGE } from "../../versions";

/**
 * The backup Job's shell script. Each dump is written to a temporary name and renamed only when
 * complete, so a failed run never counts toward `keep` and never pushes out a good dump.
 */
export function backupScript(databases: readonly string[], keep: number, dir = "/backups"): string {
    databases.forEach((db) => assertIdentifier("database", db));
    if (!Number.isInteger(keep) || keep < 1) throw new Error(`keep must be a positive integer, got ${keep}`);
    // The trap removes a half-written dump whatever fails.
    const lines = ["set -eu", `trap 'rm -f "${dir}"/*.partial' EXIT`, 'stamp="$(date -u +%Y%m%dT%H%M%SZ)"'];
    for (const db of databases) {
        lines.push(
            `echo "dumping ${db}"`,
            `pg_dump -Fc -d ${db} -f "${dir}/${db}-$stamp.dump.partial"`,
            `mv "${dir}/${db}-$stamp.dump.partial" "${dir}/${db}-$stamp.dump"`,
            // Names sort by time (UTC stamp), so everything after the newest `keep` goes.
            `ls -1 "${dir}"/${db}-*.dump | sort -r | tail -n +${keep + 1} | while read -r old; do rm -f -- "$old"; done`,
        );
    }
    lines.push('echo "backups done"');
    return lines.join("\n");
}

/** Where the dumps are copied after each run, and the key pair (secrets) that may write there. */
export interface OffsiteBackup {
    readonly endpoint: string;
    readonly bucket: string;
    readonly region: string;
    readonly accessKey: pulumi.Output<string>;
    readonly secretKey: pulumi.Output<string>;
}

/**
 * The rclone remote `offsite`, defined by environment (rclone docs "Config file": RCLONE_CONFIG_<REMOTE>_<OPTION>),
 * so no config file holds the keys. Path-style addressing, which every S3-compatible store takes.
 */
export function offsiteRemoteEnv(o: { endpoint: string; region: string }): Record<string, string> {
    return {
        RCLONE_CONFIG_OFFSITE_TYPE: "s3",
        RCLONE_CONFIG_OFFSITE_PROVIDER: "Other",
        RCLONE_CONFIG_OFFSITE_ENDPOINT: o.endpoint,
        RCLONE_CONFIG_OFFSITE_REGION: o.region,
        RCLONE_CONFIG_OFFSITE_FORCE_PATH_STYLE: "true",
        // No config file to read or write; a writable cache under /tmp.
        RCLONE_CONFIG: "/tmp/rclone.conf",
        XDG_CACHE_HOME: "/tmp",
    };
}

/**
 * Copies every dump to `<bucket>/<namespace>/postgres/`. `copy`, never `sync`: a dump pruned here
 * (keep) stays in the bucket until its lifecycle rules say otherwise, so the cluster can never
 * delete the off-site history. The bucket must exist (no bucket creation with a write-only key).
 */
export function offsiteCopyArgs(bucket: string, namespace: string): string[] {
    return ["copy", "/backups", `offsite:${bucket}/${namespace}/postgres`, "--s3-no-check-bucket", "--include", "*.dump", "--verbose"];
}

export interface PostgresBackupArgs extends NamespacedArgs {
    readonly image: string;
    readonly host: pulumi.Input<string>;
    readonly superuserSecretName: pulumi.Input<string>;
    readonly databases: readonly string[];
    readonly schedule: string;
    readonly keep: number;
    readonly storageGb: number;
    /** Provider for objects kept through destroy (the dumps' claim); see providers/kubernetes.ts. */
    readonly retainedProvider: k8s.Provider;
    readonly offsite?: OffsiteBackup;
}

export class PostgresBackup extends pulumi.ComponentResource {
    constructor(name: string, args: PostgresBackupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:database:PostgresBackup", name, args, opts);
        const childOpts = { parent: this, provider: args.provider };
        const labels = commonLabels("postgres-backup", "backup");
        const claim = new corev1.PersistentVolumeClaim(
            `${name}-volume`,
            {
                metadata: {
                    name: "postgres-backups",
                    namespace: args.namespace,
                    labels,
                    // An adopted claim is Bound, and pulumi-kubernetes' PVC await on a create only accepts
                    // Pending for WaitForFirstConsumer classes (await/awaiters.go): it would time out. Its
                    // only consumer is the CronJob, which needs nothing from the await.
                    annotations: { "pulumi.com/skipAwait": "true" },
                },
                spec: { accessModes: ["ReadWriteOnce"], storageClassName: args.storageClass, resources: { requests: { storage: `${args.storageGb}Gi` } } },
            },
            // Dumps outlive the stack and a `backup.enabled: false`: never deleted by Pulumi, and
            // adopted again when backups come back (a plain create would fail with AlreadyExists).
            // The size applies when the claim is made: local-path cannot grow one at all, and the API
            // server refuses to shrink any (README: growing a volume).
            { parent: this, ...retainedObjectOptions(args.retainedProvider), ignoreChanges: ["spec.resources"] },
        );
        const dump = {
            name: "pg-dump",
            image: args.image,
            command: ["sh", "-c", backupScript(args.databases, args.keep)],
            env: [
                { name: "PGHOST", value: args.host },
                { name: "PGPORT", value: String(POSTGRES_PORT) },
                { name: "PGUSER", value: "postgres" },
                { name: "PGPASSWORD", valueFrom: { secretKeyRef: { name: args.superuserSecretName, key: "POSTGRES_PASSWORD" } } },
            ],
            resources: resourcesFor("small"),
            securityContext: restrictedContainerSecurity(true),
            volumeMounts: [TMP_MOUNT, { name: "backups", mountPath: "/backups" }],
        };
        const offsite = args.offsite && this.offsiteContainer(name, args, args.offsite);
        new batchv1.CronJob(
            `${name}-cronjob`,
            {
                metadata: { name: "postgres-backup", namespace: args.namespace, labels },
                spec: {
                    schedule: args.schedule,
                    timeZone: "Etc/UTC",
                    concurrencyPolicy: "Forbid",
                    successfulJobsHistoryLimit: 3,
                    failedJobsHistoryLimit: 3,
                    jobTemplate: {
                        spec: {
                            backoffLimit: 2,
                            activeDeadlineSeconds: 3600,
                            template: {
                                metadata: { labels: { ...labels, [POSTGRES_CLIENT_LABEL]: "true" } },
                                spec: {
                                    restartPolicy: "Never",
                                    securityContext: restrictedPodSecurity(POSTGRES_UID),
                                    automountServiceAccountToken: false,
                                    // With an off-site copy the dump runs first (an init container) and the copy only after it succeeds.
                                    ...(offsite ? { initContainers: [dump], containers: [offsite] } : { containers: [dump] }),
                                    volumes: [TMP_VOLUME, { name: "backups", persistentVolumeClaim: { claimName: claim.metadata.name } }],
                                },
                            },
                        },
                    },
                },
            },
            childOpts,
        );
        this.registerOutputs({});
    }

    private offsiteContainer(name: string, args: PostgresBackupArgs, o: OffsiteBackup) {
        const keys = new corev1.Secret(
            `${name}-offsite-keys`,
            {
                metadata: { name: "postgres-backup-offsite", namespace: args.namespace, labels: commonLabels("postgres-backup", "backup") },
                type: "Opaque",
                stringData: pulumi.secret({ RCLONE_CONFIG_OFFSITE_ACCESS_KEY_ID: o.accessKey, RCLONE_CONFIG_OFFSITE_SECRET_ACCESS_KEY: o.secretKey }),
            },
            { parent: this, provider: args.provider },
        );
        return {
            name: "offsite-copy",
            image: RCLONE_IMAGE,
            command: pulumi.output(args.namespace).apply((ns) => ["rclone", ...offsiteCopyArgs(o.bucket, ns)]),
            env: Object.entries(offsiteRemoteEnv(o)).map(([k, v]) => ({ name: k, value: v })),
            envFrom: [{ secretRef: { name: keys.metadata.name } }],
            resources: resourcesFor("small"),
            securityContext: restrictedContainerSecurity(true),
            volumeMounts: [TMP_MOUNT, { name: "backups", mountPath: "/backups", readOnly: true }],
        };
    }
}
