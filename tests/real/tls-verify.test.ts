// TLS to a managed Postgres, verified (issue: Cloud SQL's TLS was encrypted but never verified):
// PgBouncer with the generated ini (server_tls_sslmode = verify-ca, server_tls_ca_file) and libpq
// with the generated DATABASE_URL (sslmode=verify-ca&sslrootcert=...), against a real server whose
// certificate names the instance, not the address, and is signed by a CA of its own, as Cloud
// SQL's per-instance CA does. The right CA lets them in; any other CA is refused.
import { execFile } from "child_process";
import * as path from "path";
import { Client } from "pg";
import { databaseUrl } from "../../components/data/connection";
import { authFileContent, pgbouncerIni } from "../../components/data/pgbouncer-config";
import { bootstrapSql, passwordEnvName } from "../../components/data/postgres-sql";
import { enableTls, freePort, pgBinDir, PgbouncerServer, PostgresServer, startPgbouncer, startPostgres, stopAll, tempDir, track } from "./servers";

afterAll(stopAll);

const SERVICE = { database: "shop", user: "shop" };
const PASSWORD = "shop-Pw-tls-1";
let pg: PostgresServer;
let tls: { caFile: string; otherCaFile: string };

beforeAll(async () => {
    pg = track(await startPostgres());
    tls = await enableTls(pg);
    await pg.psql(bootstrapSql([SERVICE], "superuser"), "postgres", { [passwordEnvName("shop")]: PASSWORD });
});

async function pooler(caFile: string): Promise<PgbouncerServer> {
    const ini = pgbouncerIni({
        serverHost: "localhost",
        serverPort: pg.port,
        databases: ["shop"],
        listenAddr: "127.0.0.1",
        listenPort: await freePort(),
        authFile: path.join(tempDir("auth"), "userlist.txt"),
        poolMode: "transaction",
        defaultPoolSize: 2,
        maxClientConn: 10,
        serverTlsSslmode: "verify-ca",
        serverTlsCaFile: caFile,
    });
    return track(await startPgbouncer(ini, authFileContent([{ user: "shop", password: PASSWORD }])));
}

async function query(port: number): Promise<string> {
    const client = new Client({ host: "127.0.0.1", port, user: "shop", password: PASSWORD, database: "shop", connectionTimeoutMillis: 8000 });
    await client.connect();
    try {
        return (await client.query("select ssl from pg_stat_ssl where pid = pg_backend_pid()")).rows[0].ssl ? "tls" : "plain";
    } finally {
        await client.end();
    }
}

test("PgBouncer verifies the server against the CA it is given, and its server connection is TLS", async () => {
    const bouncer = await pooler(tls.caFile);
    expect(await query(bouncer.port)).toBe("tls");
    await bouncer.stop();
});

test("PgBouncer refuses a server whose certificate another CA signed", async () => {
    const bouncer = await pooler(tls.otherCaFile);
    await expect(query(bouncer.port)).rejects.toThrow();
    expect(bouncer.log()).toMatch(/certificate verify failed|SSL|TLS/i);
    await bouncer.stop();
});

function psqlUrl(url: string): Promise<{ code: number; out: string }> {
    return new Promise((resolve) => {
        execFile(path.join(pgBinDir(), "psql"), ["-X", "-A", "-t", "-c", "select ssl from pg_stat_ssl where pid = pg_backend_pid()", url], { env: { PATH: process.env.PATH ?? "" } }, (err, stdout, stderr) =>
            resolve({ code: err ? Number(err.code ?? 1) : 0, out: stdout.trim() || stderr.trim() }),
        );
    });
}

test("the generated DATABASE_URL (verify-ca with the CA file) connects with libpq; another CA does not", async () => {
    const url = (sslrootcert: string) => databaseUrl({ host: "127.0.0.1", port: pg.port, database: "shop", user: "shop", password: PASSWORD, sslmode: "verify-ca", sslrootcert });
    expect(await psqlUrl(url(tls.caFile))).toEqual({ code: 0, out: "t" });
    const refused = await psqlUrl(url(tls.otherCaFile));
    expect(refused.code).not.toBe(0);
    expect(refused.out).toMatch(/certificate verify failed/);
});
