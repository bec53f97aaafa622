// Connection URLs apps receive (by Secret) as DATABASE_URL and REDIS_URL. User and password are
// percent-encoded, so any generated password survives every URL parser.
import type { PostgresSslMode } from "../../lib/database-types";

const enc = encodeURIComponent;
/** IPv6 literals need brackets inside a URL authority. */
const hostPart = (host: string) => (host.includes(":") && !host.startsWith("[") ? `[${host}]` : host);

function assertEndpoint(host: string, port: number): void {
    if (!/^[A-Za-z0-9.\-:[\]]+$/.test(host)) throw new Error(`host: got ${JSON.stringify(host)}; must be a DNS name or IP address`);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`port: got ${port}; must be an integer 1..65535`);
}


/**
 * `postgres://user:password@host:port/database?sslmode=...[&sslrootcert=<file>]`, as libpq, psycopg,
 * Django (dj-database-url passes query options through) and node-postgres read it.
 */
export function databaseUrl(c: {
    host: string;
    port: number;
    database: string;
    user: string;
    password: string;
    sslmode: PostgresSslMode;
    /** The CA bundle's path in the pod (needed for verify-ca). */
    sslrootcert?: string;
}): string {
    assertEndpoint(c.host, c.port);
    if (c.user.length === 0 || c.database.length === 0) throw new Error("user and database must not be empty");
    if (c.sslmode === "verify-ca" && !c.sslrootcert) throw new Error("sslmode verify-ca needs sslrootcert");
    const root = c.sslrootcert ? `&sslrootcert=${enc(c.sslrootcert)}` : "";
    return `postgres://${enc(c.user)}:${enc(c.password)}@${hostPart(c.host)}:${c.port}/${enc(c.database)}?sslmode=${c.sslmode}${root}`;
}

/** `redis://:password@host:port/db` (no user: Redis's requirepass authenticates the default user). */
/** `rediss://` when `tls` (managed caches encrypt in transit), else `redis://`. */
export function redisUrl(c: {
    host: string;
    port: number;
    password: string;
    db?: number;
    tls?: boolean;
    caFile?: string;
    /**
     * false: verify the chain against caFile but not the name. Memorystore's certificate names its IP
     * only in the CN (no SAN; envoyproxy/ratelimit#409), which redis-py >= 6 (ssl_check_hostname on
     * by default) would refuse; the CA is the instance's own, so the chain alone identifies it.
     */
    checkHostname?: boolean;
}): string {
    assertEndpoint(c.host, c.port);
    const db = c.db ?? 0;
    if (!Number.isInteger(db) || db < 0 || db > 15) throw new Error(`db: got ${db}; must be an integer 0..15`);
    if (c.caFile && !c.tls) throw new Error("caFile only applies to a TLS (rediss://) URL");
    // redis-py's from_url passes unknown query arguments to the connection: ssl_ca_certs is the CA
    // file the TLS handshake verifies against (redis/connection.py parse_url).
    const query = [...(c.caFile ? [`ssl_ca_certs=${enc(c.caFile)}`] : []), ...(c.checkHostname === false ? ["ssl_check_hostname=false"] : [])];
    const ca = query.length > 0 ? `?${query.join("&")}` : "";
    return `${c.tls ? "rediss" : "redis"}://:${enc(c.password)}@${hostPart(c.host)}:${c.port}/${db}${ca}`;
}
