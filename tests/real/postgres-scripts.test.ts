// The shell the Postgres pod and backup CronJob run, executed for real against PostgreSQL: the
// superuser-password sync that makes a kept volume accept the Secret's current password, and the
// pg_dump rotation that keeps N good dumps.
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Client } from "pg";
import { backupScript } from "../../components/data/backup";
import { MAJOR_VERSION_CHECK, postgresContainer, postgresMaxConnections, SYNC_SUPERUSER_PASSWORD } from "../../components/data/postgres";
import { bootstrapSql, passwordEnvName } from "../../components/data/postgres-sql";
import { POSTGRES_IMAGES, POSTGRES_VERSIONS } from "../../versions";
import { pgBinDir, PostgresServer, serviceIds, sleep, startPostgres, stopAll, tempDir, track } from "./servers";

afterAll(stopAll);

/** Runs a shell script as the server user (as the container would run it), with pg's bin on PATH. */
function sh(script: string, env: Record<string, string>): Promise<{ code: number; stderr: string }> {
    return new Promise((resolve) => {
        execFile(
            "sh",
            ["-c", script],
            { env: { PATH: `${pgBinDir()}:/usr/bin:/bin`, HOME: "/tmp", ...env }, ...serviceIds() },
            (err, _stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stderr }),
        );
    });
}

async function canLogin(pg: PostgresServer, password: string): Promise<boolean> {
    const client = new Client({ host: pg.host, port: pg.port, user: "postgres", password, database: "postgres" });
    try {
        await client.connect();
        await client.query("select 1");
        return true;
    } catch {
        return false;
    } finally {
        await client.end().catch(() => undefined);
    }
}

describe("superuser password sync (postStart hook)", () => {
    test("a kept data dir with an old superuser password accepts the Secret's new one after a start", async () => {
        const pg = track(await startPostgres({ password: "old-password-from-first-init", localSocket: true }));
        expect(await canLogin(pg, "old-password-from-first-init")).toBe(true);

        const newPassword = `new-${Date.now()}-p@ss'word "quoted" \\ $HOME`;
        const result = await sh(SYNC_SUPERUSER_PASSWORD, { POSTGRES_PASSWORD: newPassword, PGSOCKET: pg.socketDir!, PGPORT: String(pg.port) });
        expect(result).toEqual({ code: 0, stderr: "" });

        expect(await canLogin(pg, newPassword)).toBe(true);
        expect(await canLogin(pg, "old-password-from-first-init")).toBe(false);
        // The password never reached the server as statement text.
        expect(pg.log()).not.toContain(newPassword);
        await pg.stop();
    });

    test("running it again with the same password changes nothing that matters (idempotent)", async () => {
        const pg = track(await startPostgres({ password: "same", localSocket: true }));
        const env = { POSTGRES_PASSWORD: "same", PGSOCKET: pg.socketDir!, PGPORT: String(pg.port) };
        expect((await sh(SYNC_SUPERUSER_PASSWORD, env)).code).toBe(0);
        expect((await sh(SYNC_SUPERUSER_PASSWORD, env)).code).toBe(0);
        expect(await canLogin(pg, "same")).toBe(true);
        await pg.stop();
    });
});

describe.each(POSTGRES_VERSIONS)("Postgres %s as the program runs it", (major) => {
    // The container exactly as generated: its server arguments and initdb auth settings.
    const container = postgresContainer(POSTGRES_IMAGES[major], "small", "postgres-superuser", postgresMaxConnections({ defaultPoolSize: 20, replicas: 2 }, 2));
    const env = (name: string) => (container.env as { name: string; value?: string }[]).find((e) => e.name === name)?.value;
    let pg: PostgresServer;

    beforeAll(async () => {
        // --auth-local=trust is what the image's POSTGRES_INITDB_ARGS says, and what startPostgres' localSocket sets up.
        expect(env("POSTGRES_INITDB_ARGS")).toBe("--auth-host=scram-sha-256 --auth-local=trust");
        expect(container.args[0]).toBe("postgres");
        pg = track(await startPostgres({ password: "first-init", localSocket: true, major, serverArgs: container.args.slice(1) }));
    });

    test("starts with the generated settings", async () => {
        expect((await pg.psql("SHOW server_version_num;")).slice(0, 2)).toBe(major);
        expect(await pg.psql("SHOW max_connections;")).toBe(String(postgresMaxConnections({ defaultPoolSize: 20, replicas: 2 }, 2)));
        expect(await pg.psql("SHOW shared_buffers;")).toBe("64MB");
    });

    test("the postStart sync sets the Secret's password, and again after a restart", async () => {
        const sync = (password: string) => sh(SYNC_SUPERUSER_PASSWORD, { POSTGRES_PASSWORD: password, PGSOCKET: pg.socketDir!, PGPORT: String(pg.port) });
        expect(await sync("rotated-1")).toEqual({ code: 0, stderr: "" });
        expect(await canLogin(pg, "rotated-1")).toBe(true);
        await pg.restart();
        expect(await sync("rotated-2")).toEqual({ code: 0, stderr: "" });
        expect(await canLogin(pg, "rotated-2")).toBe(true);
        expect(await canLogin(pg, "first-init")).toBe(false);
        // Back to the password the harness logs in with, for the tests that follow.
        expect((await sync(pg.password)).code).toBe(0);
    });

    test("the superuser bootstrap makes each service's role and database, twice over", async () => {
        const services = [{ database: "shop", user: "shop" }, { database: "billing", user: "billing" }];
        const passwords = { [passwordEnvName("shop")]: "shop-pw", [passwordEnvName("billing")]: "billing-pw" };
        for (let run = 0; run < 2; run++) await pg.psql(bootstrapSql(services, "superuser"), "postgres", passwords);
        const client = new Client({ host: pg.host, port: pg.port, user: "shop", password: "shop-pw", database: "shop" });
        await client.connect();
        await client.query("CREATE TABLE t (id int)");
        await client.end();
        await expect(new Client({ host: pg.host, port: pg.port, user: "shop", password: "shop-pw", database: "billing" }).connect()).rejects.toThrow(/permission denied/);
    });

    test("the init container's major check passes this data for this major, and stops any other major with the fix", async () => {
        expect(await sh(MAJOR_VERSION_CHECK, { PGDATA: pg.dataDir, PG_MAJOR: major })).toEqual({ code: 0, stderr: "" });
        const other = String(Number(major) + 1);
        const refused = await sh(MAJOR_VERSION_CHECK, { PGDATA: pg.dataDir, PG_MAJOR: other });
        expect(refused.code).toBe(1);
        expect(refused.stderr).toContain(`PostgreSQL ${major} data, but slipway:database.version is ${other}`);
        // A fresh volume (first start) has no PG_VERSION yet: initdb's turn, not a mismatch.
        expect((await sh(MAJOR_VERSION_CHECK, { PGDATA: tempDir("empty"), PG_MAJOR: other })).code).toBe(0);
    });

    afterAll(() => pg?.stop());
});

test("with no server to reach it gives up without failing the hook (a failed hook would kill a recovering Postgres)", async () => {
    const dir = tempDir("nosock");
    const started = Date.now();
    const result = await sh(SYNC_SUPERUSER_PASSWORD, { POSTGRES_PASSWORD: "x", PGSOCKET: dir, PGPORT: "1", SYNC_ATTEMPTS: "2" });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("could not sync the postgres password");
    // It retried (2 attempts, 2 s apart) rather than giving up at once.
    expect(Date.now() - started).toBeGreaterThanOrEqual(3500);
});

describe("backup script (CronJob)", () => {
    let pg: PostgresServer;
    let dir: string;
    let env: Record<string, string>;

    beforeAll(async () => {
        pg = track(await startPostgres());
        await pg.psql("CREATE DATABASE shop; CREATE DATABASE billing;");
        await pg.psql("CREATE TABLE orders (id serial primary key, item text); INSERT INTO orders (item) SELECT 'item ' || g FROM generate_series(1, 500) g;", "shop");
        await pg.psql("CREATE TABLE invoices (id int primary key); INSERT INTO invoices SELECT generate_series(1, 40);", "billing");
        dir = tempDir("backups");
        env = { PGHOST: pg.host, PGPORT: String(pg.port), PGUSER: "postgres", PGPASSWORD: pg.password };
    });

    const dumps = (db: string) => fs.readdirSync(dir).filter((f) => f.startsWith(`${db}-`) && f.endsWith(".dump")).sort();

    test("keeps the newest `keep` dumps per database and leaves no partial file", async () => {
        const script = backupScript(["shop", "billing"], 2, dir);
        for (let run = 0; run < 3; run++) {
            const result = await sh(script, env);
            expect(result.code).toBe(0);
            // Dump names carry a per-second UTC stamp.
            await sleep(1100);
        }
        expect(dumps("shop")).toHaveLength(2);
        expect(dumps("billing")).toHaveLength(2);
        expect(fs.readdirSync(dir).filter((f) => f.endsWith(".partial"))).toEqual([]);
    }, 30000);

    test("a dump restores every row", async () => {
        const newest = dumps("shop").pop()!;
        await pg.psql("CREATE DATABASE restored;");
        const restore = await sh(`pg_restore --no-owner -d restored "${path.join(dir, newest)}"`, env);
        expect(restore.code).toBe(0);
        expect(await pg.psql("SELECT count(*) FROM orders;", "restored")).toBe("500");
    });

    test("a failed dump exits non-zero and never pushes out a good dump", async () => {
        const before = dumps("shop");
        const result = await sh(backupScript(["shop", "missing_db"], 1, dir), env);
        expect(result.code).not.toBe(0);
        expect(result.stderr).toContain("missing_db");
        // shop's dump succeeded, so its rotation to 1 kept exactly that newer dump...
        expect(dumps("shop")).toHaveLength(1);
        expect(dumps("shop")[0] > before[before.length - 1]).toBe(true);
        // ...while missing_db's failure left no dump and no partial file behind.
        expect(fs.readdirSync(dir).filter((f) => f.startsWith("missing_db"))).toEqual([]);
    });
});
