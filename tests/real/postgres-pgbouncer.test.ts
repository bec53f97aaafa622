// Real PostgreSQL 15 + PgBouncer fed exactly what Slipway generates: bootstrap SQL, pgbouncer.ini,
// auth file and DATABASE_URL. Tests run in order and share the servers, like one cluster's life.
import * as path from "path";
import { Client } from "pg";
import { databaseUrl } from "../../components/data/connection";
import { authFileContent, pgbouncerIni } from "../../components/data/pgbouncer-config";
import { bootstrapSql, passwordEnvName, ServiceRole } from "../../components/data/postgres-sql";
import { awkwardPassword, freePort, PgbouncerServer, PostgresServer, sleep, startPgbouncer, startPostgres, stopAll, tempDir, track } from "./servers";

const services: ServiceRole[] = [
    { database: "shop", user: "shop" },
    { database: "billing", user: "billing" },
];
// shop's password needs escaping everywhere it goes: SQL literal, auth file, URL.
const passwords: Record<string, string> = { shop: awkwardPassword(), billing: `billing-${Date.now()}` };

let pg: PostgresServer;
let bouncer: PgbouncerServer;

const envFor = (pw: Record<string, string>) => Object.fromEntries(Object.entries(pw).map(([u, p]) => [passwordEnvName(u), p]));
const bootstrap = (pw = passwords) => pg.psql(bootstrapSql(services), "postgres", envFor(pw));
const authText = (pw = passwords) => authFileContent(services.map((s) => ({ user: s.user, password: pw[s.user] })));

/** Connects with a URL from databaseUrl() and returns current_user/current_database, or throws. */
async function whoAmI(port: number, user: string, password: string, database: string, extra: { options?: string } = {}): Promise<string> {
    const url = databaseUrl({ host: "127.0.0.1", port, database, user, password, sslmode: "disable" });
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000, ...extra });
    client.on("error", () => undefined);
    try {
        await client.connect();
        const r = await client.query("select current_user || '@' || current_database() as who");
        return r.rows[0].who;
    } finally {
        await client.end().catch(() => undefined);
    }
}
// Postgres says "password authentication failed"; PgBouncer's own SCRAM check says "SASL authentication failed".
const AUTH_FAILED = /password authentication failed|SASL authentication failed/;
const refusal = (p: Promise<unknown>) =>
    p.then(
        () => "connected",
        (e: Error) => e.message,
    );

/** Catalog state the bootstrap owns: roles, databases, ACLs, public schema owners and ACLs. */
async function snapshot(): Promise<string> {
    const roles = await pg.psql(
        `select rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, rolreplication, rolbypassrls,
                rolconnlimit, rolvaliduntil, split_part(rolpassword, '$', 1) from pg_authid order by rolname`,
    );
    const dbs = await pg.psql("select datname, pg_get_userbyid(datdba), datacl from pg_database order by datname");
    const schemas = [];
    for (const s of services) schemas.push(await pg.psql("select nspname, pg_get_userbyid(nspowner), nspacl from pg_namespace order by nspname", s.database));
    return [roles, dbs, ...schemas].join("\n---\n");
}

/** Polls like an app's connection retry until a query through the pooler succeeds; ms taken. */
/** Retries a login through PgBouncer until it works: how long that took, and every refusal on the way. */
async function reachable(since: number, limitMs: number): Promise<{ ms: number; refusals: string[] }> {
    const refusals: string[] = [];
    while (Date.now() - since < limitMs) {
        try {
            if ((await whoAmI(bouncer.port, "shop", passwords.shop, "shop")) === "shop@shop") return { ms: Date.now() - since, refusals };
        } catch (e) {
            refusals.push((e as Error).message);
        }
        await sleep(100);
    }
    throw new Error(`not reachable through PgBouncer within ${limitMs} ms; last error: ${refusals.pop()}\n--- pgbouncer ---\n${bouncer.log()}`);
}
const msUntilReachable = async (since: number, limitMs: number) => (await reachable(since, limitMs)).ms;

beforeAll(async () => {
    pg = track(await startPostgres());
    const port = await freePort();
    const ini = pgbouncerIni({
        // A DNS name, as in the cluster (resolved by PgBouncer, re-resolved every dns_max_ttl).
        serverHost: "localhost",
        serverPort: pg.port,
        databases: services.map((s) => s.database),
        listenAddr: "127.0.0.1",
        listenPort: port,
        authFile: path.join(tempDir("auth"), "userlist.txt"),
        poolMode: "transaction",
        defaultPoolSize: 5,
        maxClientConn: 50,
        serverTlsSslmode: "disable",
    });
    bouncer = track(await startPgbouncer(ini, authText()));
});
afterAll(() => stopAll());

test("bootstrap re-sets passwords a kept volume holds from before (even md5 ones), and logs no password", async () => {
    // An old volume: shop exists with another password; billing too, stored as md5 from an older setup.
    await pg.psql("alter system set password_encryption = 'md5'; select pg_reload_conf();");
    await pg.psql("set password_encryption = 'scram-sha-256'; create role shop login password 'stale-password';");
    await pg.psql("create role billing login password 'stale-password';");
    expect(await whoAmI(pg.port, "shop", "stale-password", "postgres")).toBe("shop@postgres");
    expect(await pg.psql("select split_part(rolpassword, '$', 1) from pg_authid where rolname = 'billing'")).toMatch(/^md5/);
    // Statement logging on: the bootstrap must still keep passwords out of the server log.
    await pg.psql("alter system set log_statement = 'all'; select pg_reload_conf();");

    await bootstrap();

    expect(await refusal(whoAmI(pg.port, "shop", "stale-password", "shop"))).toMatch(AUTH_FAILED);
    expect(await whoAmI(pg.port, "shop", passwords.shop, "shop")).toBe("shop@shop");
    expect(await whoAmI(pg.port, "billing", passwords.billing, "billing")).toBe("billing@billing");
    expect(await pg.psql("select rolname || ' ' || split_part(rolpassword, '$', 1) from pg_authid where rolname in ('shop','billing') order by 1")).toBe(
        "billing SCRAM-SHA-256\nshop SCRAM-SHA-256",
    );
    const log = pg.log();
    expect(log).toMatch(/statement: /); // logging really was on
    for (const pw of Object.values(passwords)) expect(log).not.toContain(pw);
    await pg.psql("alter system reset password_encryption; alter system reset log_statement; select pg_reload_conf();");
});

test("a second bootstrap run succeeds and changes no role, database, ACL or schema", async () => {
    const before = await snapshot();
    await bootstrap();
    expect(await snapshot()).toBe(before);
    // What the snapshot holds is what the bootstrap promised.
    expect(before).toMatch(/^billing\|billing\|\{billing=CTc\/billing\}$/m);
    expect(before).toMatch(/^shop\|shop\|\{shop=CTc\/shop\}$/m);
    expect(before).toMatch(/^shop\|f\|t\|f\|f\|t\|f\|f\|-1\|\|SCRAM-SHA-256$/m);
    // PUBLIC keeps USAGE only (no CREATE); other roles cannot connect to the database anyway.
    expect(before).toMatch(/^public\|shop\|\{shop=UC\/shop,=U\/shop\}$/m);
    expect(before).toMatch(/^public\|billing\|\{billing=UC\/billing,=U\/billing\}$/m);
});

test("a missing or empty password variable fails the bootstrap before it changes anything", async () => {
    const before = await snapshot();
    const { SLIPWAY_PASSWORD_BILLING: _, ...withoutBilling } = envFor(passwords);
    await expect(pg.psql(bootstrapSql(services), "postgres", withoutBilling)).rejects.toThrow(/SLIPWAY_PASSWORD_BILLING is missing or empty/);
    await expect(pg.psql(bootstrapSql(services), "postgres", { ...envFor(passwords), SLIPWAY_PASSWORD_SHOP: "" })).rejects.toThrow(
        /SLIPWAY_PASSWORD_SHOP is missing or empty/,
    );
    expect(await snapshot()).toBe(before);
    expect(await whoAmI(pg.port, "shop", passwords.shop, "shop")).toBe("shop@shop");
});

test("through PgBouncer each user reaches its own database and nothing else", async () => {
    expect(await whoAmI(bouncer.port, "shop", passwords.shop, "shop")).toBe("shop@shop");
    expect(await whoAmI(bouncer.port, "billing", passwords.billing, "billing")).toBe("billing@billing");
    expect(await refusal(whoAmI(bouncer.port, "shop", passwords.shop, "billing"))).toMatch(/permission denied for database "billing"/);
    expect(await refusal(whoAmI(bouncer.port, "billing", passwords.billing, "shop"))).toMatch(/permission denied for database "shop"/);
    expect(await refusal(whoAmI(bouncer.port, "shop", "wrong-password", "shop"))).toMatch(AUTH_FAILED);
    // The superuser is not in the auth file, and unlisted databases are not pooled.
    expect(await refusal(whoAmI(bouncer.port, "postgres", pg.password, "shop"))).toMatch(AUTH_FAILED);
    expect(await refusal(whoAmI(bouncer.port, "shop", passwords.shop, "postgres"))).toMatch(/no such database/);
    // The same holds directly against Postgres, and no service may create objects in another's database.
    expect(await refusal(whoAmI(pg.port, "shop", passwords.shop, "billing"))).toMatch(/permission denied for database "billing"/);
    expect(await pg.psql("select has_schema_privilege('billing', 'public', 'CREATE')", "shop")).toBe("f");
});

test("PgBouncer accepts the startup options Django/psycopg send", async () => {
    expect(await whoAmI(bouncer.port, "shop", passwords.shop, "shop", { options: "-c extra_float_digits=3" })).toBe("shop@shop");
});

test("after a Postgres restart, clients through PgBouncer get in again within 10 s on their own", async () => {
    expect(await whoAmI(bouncer.port, "shop", passwords.shop, "shop")).toBe("shop@shop"); // a pooled server connection exists
    const t0 = Date.now();
    const logBefore = bouncer.log().length;
    // Clients keep retrying throughout, as apps do, so PgBouncer sees logins fail while Postgres is down.
    const attempts = reachable(t0, 10000);
    await pg.restart();
    const ready = Date.now() - t0;
    const { ms: total, refusals } = await attempts;
    console.log(`Postgres restart: server ready after ${ready} ms; a client through PgBouncer got in after ${total} ms (${total - ready} ms after ready), refused ${refusals.length} times before`);
    // The pooled server connection died with the restart, and PgBouncer connected anew afterwards.
    // Whether it also logged a failed attempt in between (a login refused with FATAL while Postgres
    // shut down or started, or a refused connect) depends on timing: on a busy machine the restart
    // can finish before it tries. If it did, the new connection must come after it (retry, not cache).
    const during = bouncer.log().slice(logBefore);
    expect(during).toMatch(/new connection to server/);
    const refusedAt = during.search(/login failed: FATAL|connect failed/);
    if (refusedAt >= 0) expect(during.slice(refusedAt)).toMatch(/new connection to server/);
    // The client waited in the pool (or was refused and retried) until then: never a stale error for good.
    expect(refusals.every((r) => !/password authentication failed/.test(r))).toBe(true);
    expect(total).toBeGreaterThan(ready);
    expect(total).toBeLessThan(10000);
});

test("after a PgBouncer restart, clients get in again within 10 s", async () => {
    const t0 = Date.now();
    await bouncer.restart();
    const total = await msUntilReachable(t0, 10000);
    console.log(`PgBouncer restart: a client got in after ${total} ms`);
    expect(total).toBeLessThan(10000);
});

test("rotating a password (bootstrap + new auth file + reload) lets the new one in and not the old", async () => {
    const old = passwords.shop;
    const rotated = { ...passwords, shop: awkwardPassword() };
    await bootstrap(rotated);
    bouncer.writeAuthFile(authText(rotated));
    await bouncer.reload();

    expect(await whoAmI(bouncer.port, "shop", rotated.shop, "shop")).toBe("shop@shop");
    expect(await refusal(whoAmI(bouncer.port, "shop", old, "shop"))).toMatch(AUTH_FAILED);
    expect(await refusal(whoAmI(pg.port, "shop", old, "shop"))).toMatch(AUTH_FAILED);
    expect(await whoAmI(pg.port, "shop", rotated.shop, "shop")).toBe("shop@shop");
    // A fresh server login (not just a pooled connection) works with the new password after a restart.
    await bouncer.restart();
    await pg.restart();
    passwords.shop = rotated.shop;
    expect(await msUntilReachable(Date.now(), 10000)).toBeLessThan(10000);
    expect(await whoAmI(bouncer.port, "billing", passwords.billing, "billing")).toBe("billing@billing");
});
