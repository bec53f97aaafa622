// One Postgres server as the tool sees it, and the two ways it is handed to clients: libpq
// environment for pg_dump/pg_restore (the password never reaches a command line) and `pg` options.
import * as fs from "fs";
import type { ClientConfig } from "pg";

export const SSL_MODES = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** An administrative connection: a superuser (or a role that may SET ROLE to each database owner). */
export interface PgConnection {
    readonly host: string;
    readonly port: number;
    readonly user: string;
    readonly password: string;
    /** Database used to list the others and read server facts. */
    readonly database: string;
    readonly sslmode: SslMode;
    /** File of the CA bundle the server's certificate is verified against (verify-ca / verify-full). */
    readonly sslrootcert?: string;
}

/** Parses postgres://user:password@host:port/db?sslmode=...; percent-escapes are decoded. */
export function parsePostgresUrl(raw: string): PgConnection {
    let url: URL;
    try {
        url = new URL(raw);
    } catch {
        throw new Error(`not a URL: ${redactUrl(raw)}`);
    }
    if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
        throw new Error(`expected a postgres:// URL, got ${url.protocol}// in ${redactUrl(raw)}`);
    }
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    if (host === "") throw new Error(`no host in ${redactUrl(raw)}`);
    const port = url.port === "" ? 5432 : Number(url.port);
    const user = decodeURIComponent(url.username);
    if (user === "") throw new Error(`no user in ${redactUrl(raw)}`);
    const sslmode = url.searchParams.get("sslmode") ?? "prefer";
    if (!(SSL_MODES as readonly string[]).includes(sslmode)) {
        throw new Error(`sslmode "${sslmode}" is not one of ${SSL_MODES.join(", ")}`);
    }
    const database = decodeURIComponent(url.pathname.replace(/^\//, "")) || "postgres";
    const sslrootcert = url.searchParams.get("sslrootcert") ?? undefined;
    return { host, port, user, password: decodeURIComponent(url.password), database, sslmode: sslmode as SslMode, ...(sslrootcert ? { sslrootcert } : {}) };
}

/** The URL with its password masked, safe for logs and error messages. */
export function redactUrl(raw: string): string {
    // Greedy up to the authority's last '@', as URL parsers read an unescaped '@' in a password.
    return raw.replace(/^(\w+:\/\/[^:/@]*:)[^/?#]*@/, "$1***@");
}

/** How a connection is shown to the user (never with the password). */
export function describeConnection(c: PgConnection): string {
    return `${c.user}@${c.host}:${c.port} (sslmode=${c.sslmode})`;
}

/**
 * The environment for pg_dump/pg_restore against `database`: `base` without any libpq variable of the
 * user's shell (a stray PGSERVICE or PGOPTIONS must not change what is dumped), plus this connection.
 */
export function libpqEnv(c: PgConnection, database: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(base)) if (!/^PG[A-Z]+$/.test(k)) env[k] = v;
    return {
        ...env,
        PGHOST: c.host,
        PGPORT: String(c.port),
        PGUSER: c.user,
        PGPASSWORD: c.password,
        PGDATABASE: database,
        PGSSLMODE: c.sslmode,
        ...(c.sslrootcert ? { PGSSLROOTCERT: c.sslrootcert } : {}),
        PGAPPNAME: "slipway-migrate-data",
    };
}

/** `pg` client options for `database`; TLS follows libpq's meaning of sslmode. */
export function clientConfig(c: PgConnection, database: string): ClientConfig {
    const ssl =
        c.sslmode === "disable" || c.sslmode === "allow" || c.sslmode === "prefer"
            ? false
            : c.sslmode === "require"
              ? { rejectUnauthorized: false }
              : {
                    rejectUnauthorized: true,
                    // verify-ca checks the chain, not the name (Cloud SQL's certificate names the instance, not its IP).
                    checkServerIdentity: c.sslmode === "verify-ca" ? () => undefined : undefined,
                    ca: c.sslrootcert ? fs.readFileSync(c.sslrootcert, "utf8") : undefined,
                };
    return { host: c.host, port: c.port, user: c.user, password: c.password, database, ssl, application_name: "slipway-migrate-data" };
}

/** Whether two connections point at the same server (moving a server onto itself would destroy it). */
export function sameServer(a: PgConnection, b: PgConnection): boolean {
    const norm = (h: string) => (h === "localhost" || h === "::1" ? "127.0.0.1" : h.toLowerCase());
    return norm(a.host) === norm(b.host) && a.port === b.port;
}
