// The stack config contract (DESIGN.md "The stack config"). Everything a stack file may say is
// declared here once: parsed, defaulted and cross-checked before any resource is registered.
import { z } from "zod";
import { appSchema, secretSource } from "./components/apps/config";
import { cacheSchema, databaseSchema } from "./components/data/config";
import { ConfigError, describe, didYouMean, formatIssue, keyPath, namingApp } from "./lib/config-issues";
import { dnsLabel, NODE_SIZES } from "./lib/schema";
import { doksSchema } from "./providers/doks/config";
import { eksSchema } from "./providers/eks/config";
import { existingSchema } from "./providers/existing/config";
import { gkeSchema } from "./providers/gke/config";
import { hetznerSchema } from "./providers/hetzner/config";
import { k3dSchema } from "./providers/k3d/config";
import { crossFieldProblems, IN_CLUSTER_ONLY_TARGETS, Target, TARGETS } from "./config-rules";
import { DEFAULT_KUBERNETES_VERSION, KUBERNETES_VERSIONS, KubernetesMinor, POSTGRES_VERSIONS } from "./versions";

export { KUBERNETES_VERSIONS, POSTGRES_VERSIONS };

export { IN_CLUSTER_ONLY_TARGETS, TARGETS };
export type { Target };

export { ConfigError, keyPath, NODE_SIZES };
export { isPinnedImage } from "./components/apps/config";
export type { NodeSize } from "./lib/schema";


const nodesSchema = z
    .object({
        /** Minimum node count (autoscaler floor). */
        min: z.number().int().min(1).default(1),
        /** Maximum node count (autoscaler ceiling). */
        max: z.number().int().min(1).max(100).default(3),
        /** Node size; each target maps it to a machine type. */
        size: z.enum(NODE_SIZES).default("medium"),
    })
    .strict()
    .refine((n) => n.min <= n.max, { message: "min must not exceed max", path: ["min"] });

const clusterSchema = z
    .object({
        name: dnsLabel(40),
        kubernetesVersion: z.enum(KUBERNETES_VERSIONS as [KubernetesMinor, ...KubernetesMinor[]]).default(DEFAULT_KUBERNETES_VERSION),
        nodes: nodesSchema.default({}),
    })
    .strict();

const rootSchema = z
    .object({
        target: z.enum(TARGETS),
        cluster: clusterSchema,
        namespace: dnsLabel(63).optional(),
        k3d: k3dSchema.optional(),
        existing: existingSchema.optional(),
        gke: gkeSchema.optional(),
        eks: eksSchema.optional(),
        doks: doksSchema.optional(),
        hetzner: hetznerSchema.optional(),
        database: databaseSchema.optional(),
        cache: cacheSchema.optional(),
        apps: z.array(appSchema).default([]),
    })
    .strict();

export type Parsed = z.infer<typeof rootSchema>;
export type AppConfig = z.infer<typeof appSchema>;
export type SecretSource = z.infer<typeof secretSource>;
export type DatabaseConfig = z.infer<typeof databaseSchema> & { mode: "managed" | "in-cluster" };
export type CacheConfig = z.infer<typeof cacheSchema>;
export type K3dConfig = z.infer<typeof k3dSchema>;
export type ExistingConfig = z.infer<typeof existingSchema>;
export type GkeConfig = z.infer<typeof gkeSchema>;
export type EksConfig = z.infer<typeof eksSchema>;
export type DoksConfig = z.infer<typeof doksSchema>;
export type HetznerConfig = z.infer<typeof hetznerSchema>;
export type ClusterConfig = z.infer<typeof clusterSchema>;

/** The validated stack config, with every default applied. */
export interface SlipwayConfig extends Omit<Parsed, "database" | "namespace" | "k3d"> {
    /** The stack name (`pulumi stack`), used for labels and default names. */
    readonly stack: string;
    readonly namespace: string;
    readonly k3d?: K3dConfig;
    readonly database?: DatabaseConfig;
}

/** Top-level keys of the `slipway:` namespace that Slipway itself reads. */
export const CONFIG_KEYS = Object.keys(rootSchema.shape) as (keyof Parsed)[];

/** What parseConfig needs besides the raw values: which extra keys hold secrets. */
export interface ConfigContext {
    readonly stack: string;
    /** Names (without `slipway:`) of keys stored as secrets (`pulumi config set --secret`). */
    readonly secretKeys: ReadonlySet<string>;
    /** The selected target's own rules (providers/index.ts), reported with every other problem. */
    readonly targetProblems?: (cfg: SlipwayConfig) => string[];
}

/**
 * Parses the raw `slipway:*` config (keys without the `slipway:` prefix, values already JSON-decoded)
 * into a validated SlipwayConfig, or throws one ConfigError listing every problem.
 */
export function parseConfig(raw: Record<string, unknown>, ctx: ConfigContext): SlipwayConfig {
    const referencedSecrets = secretKeysReferenced(raw);
    const own: Record<string, unknown> = {};
    const problems: string[] = [];
    for (const [k, v] of Object.entries(raw)) {
        if ((CONFIG_KEYS as string[]).includes(k)) own[k] = v;
        else if (!referencedSecrets.has(k)) {
            problems.push(`${keyPath([k])}: unknown key${didYouMean(k, CONFIG_KEYS)} (got ${describe(v)}); allowed keys: ${CONFIG_KEYS.join(", ")}, or a secret named by an app's secretEnv`);
        }
    }
    // Which target sections belong: told whatever else is wrong, so one round of fixes is enough.
    const sections = sectionProblems(own);
    problems.push(...sections);
    const result = rootSchema.safeParse(own);
    if (!result.success) {
        problems.push(...result.error.issues.flatMap((i) => formatIssue(rootSchema, own, i)));
        // Each app on its own: the valid ones still go through the cross-field and target rules.
        const rawApps = Array.isArray(own.apps) ? own.apps : [];
        const apps = rawApps.map((a) => appSchema.safeParse(a)).map((r) => (r.success ? r.data : undefined));
        problems.push(...partialCrossFieldProblems(own, apps, raw, ctx));
        // When only apps fail, the target's rules (which read the cluster and data sections) still run.
        if (ctx.targetProblems && sections.length === 0 && Array.isArray(own.apps)) {
            const retry = rootSchema.safeParse({ ...own, apps: rawApps.filter((_, i) => apps[i] !== undefined) });
            if (retry.success) problems.push(...ctx.targetProblems(withDefaults(retry.data, ctx)));
        }
        throw new ConfigError(problems.map((p) => namingApp(p, own)));
    }
    problems.push(...crossFieldProblems(result.data, raw, ctx));
    // The target's own rules (managed-service sizes, versions it offers...), on the same valid config.
    const cfg = withDefaults(result.data, ctx);
    if (ctx.targetProblems && sections.length === 0) problems.push(...ctx.targetProblems(cfg));
    if (problems.length > 0) throw new ConfigError(problems.map((p) => namingApp(p, own)));
    return cfg;
}

/** A missing section for the target, and sections of other targets left behind (e.g. after a switch). */
function sectionProblems(own: Record<string, unknown>): string[] {
    const target = own.target ?? "k3d";
    if (typeof target !== "string" || !(TARGETS as readonly string[]).includes(target)) return [];
    const problems: string[] = [];
    if (own[target] === undefined && target !== "k3d") problems.push(`${keyPath([target])}: required when slipway:target is "${target}" (got nothing)`);
    for (const t of TARGETS) {
        if (t !== target && own[t] !== undefined) problems.push(`${keyPath([t])}: only read when slipway:target is "${t}", but target is "${target}"; remove it`);
    }
    return problems;
}

/** The secret config keys the offsite backup copy names (`slipway:database.backup.offsite`). */
function offsiteKeys(raw: Record<string, unknown>): string[] {
    const offsite = (raw.database as any)?.backup?.offsite;
    return [offsite?.accessKeyConfig, offsite?.secretKeyConfig].filter((k): k is string => typeof k === "string");
}

function secretKeysReferenced(raw: Record<string, unknown>): Set<string> {
    const keys = new Set<string>(offsiteKeys(raw));
    const apps = Array.isArray(raw.apps) ? raw.apps : [];
    for (const app of apps) {
        const secretEnv = (app as any)?.secretEnv;
        if (secretEnv && typeof secretEnv === "object") {
            for (const source of Object.values(secretEnv)) {
                if (typeof (source as any)?.config === "string") keys.add((source as any).config);
            }
        }
    }
    return keys;
}

/**
 * The cross-field rules over what does parse when other parts do not: every section and app that is
 * valid on its own is checked, so a schema error elsewhere hides none of these. Rules that read a
 * section which failed (the databases an app names, the cache) wait for it to parse.
 */
function partialCrossFieldProblems(own: Record<string, unknown>, apps: (AppConfig | undefined)[], raw: Record<string, unknown>, ctx: ConfigContext): string[] {
    const shape = rootSchema.shape;
    const target = shape.target.safeParse(own.target ?? "k3d");
    if (!target.success) return [];
    const section = <K extends "database" | "cache">(k: K) => {
        if (own[k] === undefined) return { known: true, value: undefined };
        const r = shape[k].safeParse(own[k]);
        return r.success ? { known: true, value: r.data } : { known: false, value: undefined };
    };
    const database = section("database");
    const cache = section("cache");
    const partial = { target: target.data, database: database.value, cache: cache.value, apps } as unknown as Parsed;
    return crossFieldProblems(partial, raw, ctx, { database: database.known, cache: cache.known });
}

function withDefaults(c: Parsed, ctx: ConfigContext): SlipwayConfig {
    const managedByDefault = !IN_CLUSTER_ONLY_TARGETS.includes(c.target);
    return {
        ...c,
        stack: ctx.stack,
        namespace: c.namespace ?? c.cluster.name,
        k3d: c.target === "k3d" ? (c.k3d ?? k3dSchema.parse({})) : undefined,
        hetzner: c.target === "hetzner" ? c.hetzner : undefined,
        database: c.database && { ...c.database, mode: c.database.mode ?? (managedByDefault ? "managed" : "in-cluster") },
    };
}

/** One runtime config value: structured values arrive as JSON text; scalars ("k3d", "1.31") stay strings. */
export function decodeConfigValue(key: string, text: string): unknown {
    if (!/^\s*[[{]/.test(text)) return text;
    try {
        return JSON.parse(text);
    } catch (e) {
        throw new ConfigError([`${key}: got ${JSON.stringify(text)}, which is not valid structured config (${(e as Error).message}); allowed: a YAML object or list in the stack file`]);
    }
}

/** Reads the stack's `slipway:*` config from the Pulumi runtime and validates it. */
export function readStackConfig(stack: string, all: Record<string, string>, isSecret: (key: string) => boolean, targetProblems?: ConfigContext["targetProblems"]): SlipwayConfig {
    const raw: Record<string, unknown> = {};
    const secretKeys = new Set<string>();
    for (const [fullKey, value] of Object.entries(all)) {
        if (!fullKey.startsWith("slipway:")) continue;
        const key = fullKey.slice("slipway:".length);
        if (isSecret(fullKey)) {
            // Only presence matters here; a secret's value must never reach an error message.
            secretKeys.add(key);
            raw[key] = "[secret]";
        } else {
            raw[key] = decodeConfigValue(fullKey, value);
        }
    }
    return parseConfig(raw, { stack, secretKeys, targetProblems });
}
