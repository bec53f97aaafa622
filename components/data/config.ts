// `slipway:database` and `slipway:cache`: the data layer's sections of the stack config (composed into config.ts).
import { z } from "zod";
import { NODE_SIZES } from "../../lib/schema";
import { POSTGRES_VERSIONS, PostgresMajor } from "../../versions";

// Postgres identifiers are interpolated into bootstrap SQL, so only this safe subset is accepted.
const PG_IDENTIFIER = /^[a-z][a-z0-9_]*$/;
const pgIdentifier = z
    .string()
    .max(63, "must be at most 63 characters")
    .regex(PG_IDENTIFIER, "must be lower-case letters, digits and '_', starting with a letter");

const databaseEntry = z
    .object({
        name: pgIdentifier,
        /** Role that owns the database; defaults to the database name. */
        user: pgIdentifier.optional(),
    })
    .strict();

/** Copies of the dumps off the cluster, to S3-compatible storage (Hetzner Object Storage, R2, S3...). */
const offsiteSchema = z
    .object({
        /** e.g. https://fsn1.your-objectstorage.com (Hetzner: `https://<location>.your-objectstorage.com`). */
        endpoint: z.string().regex(/^https:\/\/[a-z0-9.-]+(:\d+)?$/, "must be an https:// endpoint such as https://fsn1.your-objectstorage.com"),
        bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name (3-63 lower-case letters, digits, '.' and '-')"),
        region: z.string().min(1).default("us-east-1"),
        /** Names of secret config keys (`pulumi config set --secret <key> ...`) holding the key pair. */
        accessKeyConfig: z.string().min(1),
        secretKeyConfig: z.string().min(1),
    })
    .strict();

const backupSchema = z
    .object({
        enabled: z.boolean().default(true),
        schedule: z
            .string()
            .regex(/^(\S+\s+){4}\S+$/, "must be a five-field cron expression")
            .default("0 3 * * *"),
        /** How many dumps to keep. */
        keep: z.number().int().min(1).max(365).default(7),
        storageGb: z.number().int().min(1).max(16384).default(10),
        /** After each run, the dumps are copied to a bucket (kept there until its lifecycle rules remove them). */
        offsite: offsiteSchema.optional(),
    })
    .strict();

const poolSchema = z
    .object({
        mode: z.enum(["transaction", "session", "statement"]).default("transaction"),
        defaultPoolSize: z.number().int().min(1).max(1000).default(20),
        maxClientConn: z.number().int().min(1).max(100000).default(500),
        replicas: z.number().int().min(1).max(10).default(2),
    })
    .strict();

export const databaseSchema = z
    .object({
        mode: z.enum(["managed", "in-cluster"]).optional(),
        version: z.enum(POSTGRES_VERSIONS as [PostgresMajor, ...PostgresMajor[]]).default("16"),
        /** Server size: pod resources in-cluster, machine tier when managed. */
        size: z.enum(NODE_SIZES).default("small"),
        storageGb: z.number().int().min(1).max(65536).default(10),
        /** Managed: the disk grows by itself up to this (default 4 x storageGb). */
        maxStorageGb: z.number().int().min(1).max(65536).optional(),
        highAvailability: z.boolean().default(false),
        pooler: z.boolean().default(true),
        pool: poolSchema.default({}),
        databases: z.array(databaseEntry).min(1),
        backup: backupSchema.default({}),
    })
    .strict();

export const cacheSchema = z
    .object({
        mode: z.enum(["managed", "in-cluster"]).default("in-cluster"),
        version: z.enum(["7"]).default("7"),
        storageGb: z.number().int().min(1).max(1024).default(1),
        memoryMb: z.number().int().min(64).max(65536).default(256),
    })
    .strict();
