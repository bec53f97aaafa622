// The bootstrap SQL as a managed service's admin runs it: Cloud SQL gives Slipway a role with
// CREATEROLE and CREATEDB inside `cloudsqlsuperuser`, never a superuser, and creates databases owned
// by cloudsqlsuperuser. This reproduces that on a real PostgreSQL and proves the script still
// isolates each service (its own role, outside cloudsqlsuperuser, owning only its own database).
import { execFile } from "child_process";
import * as path from "path";
import { Client } from "pg";
import { bootstrapSql, passwordEnvName } from "../../components/data/postgres-sql";
import { POSTGRES_VERSIONS } from "../../versions";
import { pgBinDir, PostgresServer, startPostgres, stopAll, track } from "./servers";

afterAll(stopAll);

const ADMIN = { user: "slipway_admin", password: "admin-Pw-1" };
const SERVICES = [
    { database: "shop", user: "shop" },
    { database: "billing", user: "billing" },
];
describe.each(POSTGRES_VERSIONS)("Postgres %s", (major) => {
    const PASSWORDS: Record<string, string> = { shop: "shop-Pw-1", billing: "billing-Pw-1" };
    let pg: PostgresServer;

    /** Runs `sql` with psql as the admin, with the passwords of `users` in the environment (as the Job's Secret gives them). */
    function runAsAdmin(sql: string, users = SERVICES.map((s) => s.user)): Promise<{ code: number; stderr: string }> {
        const env: Record<string, string> = { PATH: process.env.PATH ?? "", PGPASSWORD: ADMIN.password, PGCONNECT_TIMEOUT: "5" };
        for (const user of users) env[passwordEnvName(user)] = PASSWORDS[user];
        return new Promise((resolve) => {
            const child = execFile(
                path.join(pgBinDir(), "psql"),
                ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", pg.host, "-p", String(pg.port), "-U", ADMIN.user, "-d", "postgres", "-f", "-"],
                { env },
                (err, _out, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stderr }),
            );
            child.stdin!.end(sql);
        });
    }

    async function connect(user: string, database: string): Promise<Client> {
        const client = new Client({ host: pg.host, port: pg.port, user, password: PASSWORDS[user], database });
        await client.connect();
        return client;
    }

    beforeAll(async () => {
        pg = track(await startPostgres({ major }));
        // What Cloud SQL sets up: the admin group, Slipway's admin in it, databases created through the API.
        await pg.psql(`
            CREATE ROLE cloudsqlsuperuser NOLOGIN CREATEROLE CREATEDB;
            CREATE ROLE ${ADMIN.user} LOGIN CREATEROLE CREATEDB PASSWORD '${ADMIN.password}' IN ROLE cloudsqlsuperuser;
            CREATE DATABASE shop OWNER cloudsqlsuperuser;
            CREATE DATABASE billing OWNER cloudsqlsuperuser;
        `);
    });

    test("the admin variant runs as a non-superuser admin, twice, without error", async () => {
        const sql = bootstrapSql(SERVICES, "admin");
        expect(sql).not.toMatch(/SET log_statement|NOSUPERUSER|NOREPLICATION|NOBYPASSRLS/);
        expect(await runAsAdmin(sql)).toMatchObject({ code: 0 });
        const again = await runAsAdmin(sql);
        expect(again.code).toBe(0);
    });

    test("the superuser variant would fail for such an admin (which is why the variant exists)", async () => {
        const result = await runAsAdmin(bootstrapSql(SERVICES, "superuser"));
        expect(result.code).not.toBe(0);
        expect(result.stderr).toMatch(/permission denied|must be superuser/);
    });

    test("service roles are plain logins outside cloudsqlsuperuser; each owns only its database", async () => {
        const roles = await pg.psql(
            `SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, pg_has_role(rolname, 'cloudsqlsuperuser', 'MEMBER')
               FROM pg_roles WHERE rolname IN ('shop', 'billing') ORDER BY rolname;`,
        );
        expect(roles.split("\n")).toEqual(["billing|f|f|f|f", "shop|f|f|f|f"]);
        const owners = await pg.psql(`SELECT datname, pg_get_userbyid(datdba) FROM pg_database WHERE datname IN ('shop', 'billing') ORDER BY 1;`);
        expect(owners.split("\n")).toEqual(["billing|billing", "shop|shop"]);
    });

    test("each service reaches its own database, creates objects it owns, and is refused on the other's", async () => {
        const shop = await connect("shop", "shop");
        await shop.query("CREATE TABLE orders (id int)");
        const owner = await shop.query("SELECT tableowner FROM pg_tables WHERE tablename = 'orders'");
        expect(owner.rows[0].tableowner).toBe("shop");
        await shop.end();
        await expect(connect("shop", "billing")).rejects.toThrow(/permission denied for database "billing"/);
        await expect(connect("billing", "shop")).rejects.toThrow(/permission denied for database "shop"/);
    });

    test("a service role that is a cloudsqlsuperuser member (made through the Cloud SQL API) stops the Job with the fix, password unlogged", async () => {
        // As an earlier design (or a hand-made API user) would have left it.
        await pg.psql(`CREATE ROLE legacy LOGIN PASSWORD 'old' IN ROLE cloudsqlsuperuser; CREATE DATABASE legacy OWNER cloudsqlsuperuser;`);
        PASSWORDS.legacy = "legacy-Pw-1";
        const sql = bootstrapSql([{ database: "legacy", user: "legacy" }], "admin");
        const result = await runAsAdmin(sql, ["legacy"]);
        expect(result.code).not.toBe(0);
        expect(result.stderr).toContain("role legacy is a member of another role");
        // Nothing was changed: the old password still works, the new one does not.
        await expect(connect("legacy", "legacy")).rejects.toThrow(/password authentication failed/);
        expect(pg.log()).not.toContain("legacy-Pw-1");
    });

    test("the server really is that major", async () => {
        expect((await pg.psql("SHOW server_version_num;")).slice(0, 2)).toBe(major);
    });
});

// RDS's master user: NOSUPERUSER CREATEDB CREATEROLE in rds_superuser (AWS docs, "Understanding
// PostgreSQL roles"), and no database made through the API: the Job creates them itself.
describe.each(POSTGRES_VERSIONS)("RDS-style admin on Postgres %s", (major) => {
    let rds: PostgresServer;
    const ADMIN_PW = "rds-admin-Pw-1";
    const PASSWORDS: Record<string, string> = { shop: "rds-shop-Pw-1", billing: "rds-billing-Pw-1" };
    const run = (sql: string) =>
        new Promise<{ code: number; stderr: string }>((resolve) => {
            const env: Record<string, string> = { PATH: process.env.PATH ?? "", PGPASSWORD: ADMIN_PW, PGCONNECT_TIMEOUT: "5" };
            for (const s of SERVICES) env[passwordEnvName(s.user)] = PASSWORDS[s.user];
            const child = execFile(path.join(pgBinDir(), "psql"), ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", rds.host, "-p", String(rds.port), "-U", "slipway_admin", "-d", "postgres", "-f", "-"], { env }, (err, _o, stderr) =>
                resolve({ code: err ? Number(err.code ?? 1) : 0, stderr }),
            );
            child.stdin!.end(sql);
        });

    beforeAll(async () => {
        rds = track(await startPostgres({ major }));
        await rds.psql(`CREATE ROLE rds_superuser NOLOGIN; CREATE ROLE slipway_admin LOGIN NOSUPERUSER CREATEDB CREATEROLE PASSWORD '${ADMIN_PW}' IN ROLE rds_superuser;`);
    });

    test("the admin bootstrap creates every database, owned by its own role, twice over", async () => {
        expect(await run(bootstrapSql(SERVICES, "admin"))).toMatchObject({ code: 0 });
        expect((await run(bootstrapSql(SERVICES, "admin"))).code).toBe(0);
        const owners = await rds.psql(`SELECT datname, pg_get_userbyid(datdba) FROM pg_database WHERE datname IN ('shop', 'billing') ORDER BY 1;`);
        expect(owners.split("\n")).toEqual(["billing|billing", "shop|shop"]);
        const shop = new Client({ host: rds.host, port: rds.port, user: "shop", password: PASSWORDS.shop, database: "shop" });
        await shop.connect();
        await shop.end();
        await expect(new Client({ host: rds.host, port: rds.port, user: "shop", password: PASSWORDS.shop, database: "billing" }).connect()).rejects.toThrow(/permission denied for database "billing"/);
    });
});
