// The stack config's cross-field rules (DESIGN.md "The stack config"): what no single section's
// schema can say, checked over the parsed config (config.ts parseConfig), each naming its key.
import type { AppConfig, ConfigContext, Parsed } from "./config";
import { keyPath, Path } from "./lib/config-issues";
import { credentialReason, suggestedSecretKey } from "./credentials";

export const TARGETS = ["k3d", "gke", "eks", "doks", "hetzner", "existing"] as const;
export type Target = (typeof TARGETS)[number];

/** Targets that run Postgres only inside the cluster (no managed database service). */
export const IN_CLUSTER_ONLY_TARGETS: readonly Target[] = ["k3d", "hetzner", "existing"];

// Names a service may not take: system databases, the superuser, and Postgres' reserved role prefix.
const RESERVED_DATABASES = ["postgres", "template0", "template1"];
const RESERVED_ROLES = ["postgres", "public"];

// Env names Slipway injects itself; an app must not set them by hand.
const INJECTED_ENV = ["DATABASE_URL", "PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD", "REDIS_URL"];

export function crossFieldProblems(c: Parsed, raw: Record<string, unknown>, ctx: ConfigContext, known = { database: true, cache: true }): string[] {
    const problems: string[] = [];
    if (c.database?.mode === "managed" && IN_CLUSTER_ONLY_TARGETS.includes(c.target)) {
        problems.push(
            `slipway:database.mode: got "managed"; target "${c.target}" has no managed Postgres, allowed: "in-cluster"`,
        );
    }
    const inClusterDatabase = c.database && (c.database.mode === "in-cluster" || (c.database.mode === undefined && IN_CLUSTER_ONLY_TARGETS.includes(c.target)));
    if (inClusterDatabase && c.database!.highAvailability) {
        problems.push(`slipway:database.highAvailability: got true; in-cluster Postgres runs a single replica, allowed: false (or mode "managed" on a cloud target)`);
    }
    if (c.cache?.mode === "managed" && IN_CLUSTER_ONLY_TARGETS.includes(c.target)) {
        problems.push(`slipway:cache.mode: got "managed"; target "${c.target}" has no managed Redis, allowed: "in-cluster"`);
    }
    if (c.database?.maxStorageGb !== undefined && c.database.maxStorageGb < c.database.storageGb) {
        problems.push(`slipway:database.maxStorageGb: got ${c.database.maxStorageGb}, below storageGb (${c.database.storageGb}); allowed: at least storageGb`);
    }
    const dbNames = (c.database?.databases ?? []).map((d) => d.name);
    duplicates(dbNames).forEach((name) =>
        problems.push(`slipway:database.databases: database name "${name}" is declared more than once`),
    );
    (c.database?.databases ?? []).forEach((d, i) => {
        if (RESERVED_DATABASES.includes(d.name)) problems.push(`slipway:database.databases[${i}].name: got "${d.name}"; reserved by Postgres, choose another name`);
        const user = d.user ?? d.name;
        if (RESERVED_ROLES.includes(user) || user.startsWith("pg_")) problems.push(`slipway:database.databases[${i}].user: got "${user}"; reserved by Postgres (postgres, public, pg_*), choose another name`);
    });
    const users = (c.database?.databases ?? []).map((d) => d.user ?? d.name);
    duplicates(users).forEach((u) =>
        problems.push(`slipway:database.databases: user "${u}" owns more than one database; each service gets its own user`),
    );
    if (c.database?.backup.offsite) {
        const managed = c.database.mode === "managed" || (c.database.mode === undefined && !IN_CLUSTER_ONLY_TARGETS.includes(c.target));
        if (managed) problems.push(`slipway:database.backup.offsite: the managed service keeps its own backups; offsite copies are for in-cluster Postgres, remove it`);
        for (const field of ["accessKeyConfig", "secretKeyConfig"] as const) {
            const key = c.database.backup.offsite[field];
            if (!(key in raw)) problems.push(`slipway:database.backup.offsite.${field}: config key slipway:${key} is not set; run \`pulumi config set --secret ${key} <value>\``);
            else if (!ctx.secretKeys.has(key)) problems.push(`slipway:database.backup.offsite.${field}: slipway:${key} is stored in plain text; set it with \`pulumi config set --secret ${key} <value>\``);
        }
    }
    // Apps that failed their own schema are holes here (partialCrossFieldProblems); names come from all that have one.
    const apps = c.apps as (AppConfig | undefined)[];
    const rawApps = Array.isArray(raw.apps) ? (raw.apps as { name?: unknown }[]) : [];
    const appNames = rawApps.map((a) => a?.name).filter((n): n is string => typeof n === "string");
    duplicates(appNames).forEach((name) => problems.push(`slipway:apps: app name "${name}" is used more than once`));
    const hosts = apps.flatMap((a) => (a?.ingress ? [`${a.ingress.host}${a.ingress.path}`] : []));
    duplicates(hosts).forEach((h) => problems.push(`slipway:apps: ingress ${h} is routed to more than one app`));

    apps.forEach((app, i) => {
        if (app === undefined) return;
        const at = (...p: Path) => keyPath(["apps", i, ...p]);
        if (known.database && app.database !== undefined && !dbNames.includes(app.database)) {
            problems.push(
                `${at("database")}: got "${app.database}"; allowed: a name from slipway:database.databases (${dbNames.join(", ") || "none declared"})`,
            );
        }
        if (known.cache && app.cache && c.cache === undefined) problems.push(`${at("cache")}: got true, but slipway:cache is not configured`);
        if ((app.kind === "web" || app.kind === "stateful") && app.port === undefined) {
            problems.push(`${at("port")}: required for kind "${app.kind}" (got nothing); allowed: 1-65535`);
        }
        if (app.ingress && app.kind !== "web") {
            problems.push(`${at("ingress")}: only kind "web" is routed from the gateway (kind is "${app.kind}")`);
        }
        if (app.storage && app.kind !== "stateful") {
            problems.push(`${at("storage")}: only kind "stateful" has volumes (kind is "${app.kind}")`);
        }
        if (app.kind === "worker" && app.port === undefined && app.health.command === undefined) {
            problems.push(`${at("health", "command")}: required for a worker without a port, so its container has probes (got nothing)`);
        }
        if (app.health.command && app.port !== undefined && app.health.path !== undefined) {
            problems.push(`${at("health")}: give either path or command, not both`);
        }
        if (app.health.host !== undefined && app.health.path === undefined) {
            problems.push(`${at("health", "host")}: got "${app.health.host}", but only HTTP probes send a Host header; set health.path too`);
        }
        app.connectsTo.forEach((peer, j) => {
            if (!appNames.includes(peer) || peer === app.name) {
                problems.push(`${at("connectsTo", j)}: got "${peer}"; allowed: another app's name (${appNames.filter((n) => n !== app.name).join(", ")})`);
            }
        });
        for (const [name, value] of Object.entries(app.env)) {
            const reason = credentialReason(name, value);
            if (reason) {
                const key = suggestedSecretKey(name);
                problems.push(
                    `${at("env", name)}: looks like a credential (${reason}); env values are plain text in the stack file and the pod spec. ` +
                        `Move it: \`pulumi config set --secret ${key} <value>\` and secretEnv: { ${name}: { config: ${key} } } (or { generate: {} } for a new random one)`,
                );
            }
        }
        for (const section of ["env", "secretEnv"] as const) {
            for (const name of Object.keys(app[section])) {
                if (INJECTED_ENV.includes(name)) problems.push(`${at(section, name)}: is set by Slipway from the database/cache; remove it`);
            }
        }
        for (const name of Object.keys(app.secretEnv)) {
            if (name in app.env) problems.push(`${at("secretEnv", name)}: also set in env; keep one`);
        }
        for (const [name, source] of Object.entries(app.secretEnv)) {
            if ("config" in source) {
                if (!(source.config in raw)) {
                    problems.push(`${at("secretEnv", name, "config")}: config key slipway:${source.config} is not set; run \`pulumi config set --secret ${source.config} <value>\``);
                } else if (!ctx.secretKeys.has(source.config)) {
                    problems.push(`${at("secretEnv", name, "config")}: slipway:${source.config} is stored in plain text; set it with \`pulumi config set --secret ${source.config} <value>\``);
                }
            }
        }
    });
    return problems;
}

function duplicates(values: string[]): string[] {
    return [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];
}

