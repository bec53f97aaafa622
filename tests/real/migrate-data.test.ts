// `npm run migrate-data` between two real PostgreSQL servers, both prepared by Slipway's own
// bootstrap SQL: the target is what a freshly deployed prod stack holds (an empty database owned by
// the service user), the source a dev database full of an app's data. The tool runs as a child
// process, exactly as a user runs it.
import { restrictedViolations } from "../contracts/pod-security";
// The target's TLS: a CA of its own signs its certificate, as Cloud SQL's per-instance CA does.
let targetTls: { caFile: string; caPem: string; otherCaFile: string };
import { execFile, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Client } from "pg";
import { bootstrapSql, passwordEnvName } from "../../components/data/postgres-sql";
import { relayOverrides } from "../../scripts/migrate/relay";
import { parsedStackConfig, runStack } from "../helpers";
import { awkwardPassword, enableTls, PostgresServer, startPostgres, stopAll, track } from "./servers";

const PROJECT_DIR = path.resolve(__dirname, "..", "..");
const TABLES = ["customers", "products", "orders", "order_items", "invoices", "audit_log"];
const SEQUENCES = ["customers_id_seq", "products_id_seq", "orders_id_seq", "invoice_number_seq", "ticket_seq"];
const NON_ASCII = "Zoë Ångström, 東京, naïve café 🚢";
const SERVICE_PASSWORD = { source: awkwardPassword(), target: awkwardPassword() };

let source: PostgresServer;
let target: PostgresServer;

const superuserUrl = (pg: PostgresServer) => `postgres://postgres:${encodeURIComponent(pg.password)}@127.0.0.1:${pg.port}/postgres?sslmode=disable`;

interface ToolRun {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
    readonly ms: number;
}

function runTool(args: string[], env: Record<string, string> = {}): Promise<ToolRun> {
    const started = Date.now();
    return new Promise((resolve) => {
        execFile(
            "npx",
            ["ts-node", "--transpile-only", "scripts/migrate-data.ts", ...args],
            { cwd: PROJECT_DIR, env: { ...process.env, ...env }, maxBuffer: 16 << 20 },
            (err, stdout, stderr) =>
                resolve({
                    code: err ? (typeof err.code === "number" ? err.code : -1) : 0,
                    stdout,
                    // npx's own config warnings are about this machine's npm, not the tool.
                    stderr: stderr.replace(/^npm warn .*\n/gm, ""),
                    ms: Date.now() - started,
                }),
        );
    });
}

// An app's schema with what breaks naive copies: FKs, serial and identity columns, a sequence used
// as a default and advanced far past its start, a standalone sequence, gaps left by deletes,
// jsonb, numeric, timestamps, an empty table and non-ASCII text.
// Extensions: pageinspect stands in for PostGIS (untrusted: only an admin may create it), citext is
// trusted and created by the app itself, as Django's CITextExtension migration does.
const SEED = `
CREATE EXTENSION pageinspect;
SET ROLE shop;
CREATE EXTENSION citext;
CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, email citext UNIQUE NOT NULL);
CREATE TABLE products (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, sku text UNIQUE NOT NULL, price numeric(10,2) NOT NULL);
CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id integer NOT NULL REFERENCES customers(id), placed_at timestamptz NOT NULL);
CREATE TABLE order_items (
    order_id bigint NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    product_id integer NOT NULL REFERENCES products(id),
    quantity integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (order_id, product_id));
CREATE SEQUENCE invoice_number_seq START 1000;
CREATE TABLE invoices (number bigint PRIMARY KEY DEFAULT nextval('invoice_number_seq'), order_id bigint NOT NULL REFERENCES orders(id), body jsonb NOT NULL);
CREATE SEQUENCE ticket_seq;
CREATE TABLE audit_log (id bigserial PRIMARY KEY, message text);

INSERT INTO customers (name, email) SELECT 'customer ' || i, 'c' || i || '@example.com' FROM generate_series(1, 2100) i;
UPDATE customers SET name = '${NON_ASCII}' WHERE id = 7;
DELETE FROM customers WHERE id > 2000;
INSERT INTO products (sku, price) SELECT 'SKU-' || i, (i % 97) + 0.99 FROM generate_series(1, 500) i;
INSERT INTO orders (customer_id, placed_at) SELECT 1 + (i % 2000), timestamptz '2025-01-01 00:00+00' + i * interval '17 minutes' FROM generate_series(1, 4000) i;
INSERT INTO order_items SELECT o, 1 + (o % 500), 1 + (o % 5) FROM generate_series(1, 4000) o;
INSERT INTO order_items SELECT o, 1 + ((o * 7 + 3) % 500), 2 FROM generate_series(1, 4000, 2) o WHERE (o * 7 + 3) % 500 <> o % 500;
SELECT setval('invoice_number_seq', 50000);
INSERT INTO invoices (order_id, body) SELECT i, jsonb_build_object('lines', i % 3 + 1, 'memo', '${NON_ASCII}') FROM generate_series(1, 1000) i;
SELECT setval('ticket_seq', 777);
`;

// The second database the stacks declare, smaller: every declared database moves, not just one.
const BILLING_SEED = `
SET ROLE billing;
CREATE TABLE payments (id bigserial PRIMARY KEY, amount numeric(12,2) NOT NULL, paid_at timestamptz NOT NULL);
INSERT INTO payments (amount, paid_at) SELECT i * 1.25, timestamptz '2025-02-01 00:00+00' + i * interval '1 hour' FROM generate_series(1, 300) i;
`;

/** count and md5 of every row's text, in a deterministic order: equal means the same rows. */
const tableFingerprint = (pg: PostgresServer, table: string) =>
    pg.psql(`SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '-') FROM public.${table} t`, "shop");
const sequenceState = (pg: PostgresServer, seq: string) => pg.psql(`SELECT last_value || ' ' || is_called FROM public.${seq}`, "shop");

async function fingerprints(pg: PostgresServer): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const t of TABLES) out[t] = await tableFingerprint(pg, t);
    for (const s of SEQUENCES) out[s] = await sequenceState(pg, s);
    return out;
}

async function asServiceUser<T>(pg: PostgresServer, password: string, fn: (c: Client) => Promise<T>): Promise<T> {
    const client = new Client({ host: "127.0.0.1", port: pg.port, user: "shop", password, database: "shop" });
    await client.connect();
    try {
        return await fn(client);
    } finally {
        await client.end();
    }
}

// Stand-ins for the two CLIs a real user has, speaking their real interfaces. `pulumi stack output
// --stack <s> --show-secrets --json` prints the stack's outputs. kubectl knows a few fake clusters
// (picked by --context, or by a marker line in the --kubeconfig file) with namespaces holding
// Services and private hosts that lead to the real servers: `run` records the pod, `wait` reports
// it ready (or times out, or hangs), `get` shows why it is not, `delete` removes it, and
// `port-forward service/x` or `pod/<relay>` prints "Forwarding from 127.0.0.1:<port> -> <remote>"
// and relays TCP. For a pod it does what the pod's socat would: listen on TCP-LISTEN's port and
// connect to TCP:<host>:<port>, which only reaches a server if that private host is known.
const FAKE_PULUMI = `#!/usr/bin/env node
const args = process.argv.slice(2);
const stack = args[args.indexOf("--stack") + 1];
if (args.slice(0, 2).join(" ") !== "stack output" || !args.includes("--show-secrets") || !args.includes("--json")) {
    console.error("fake pulumi: unexpected arguments " + args.join(" "));
    process.exit(2);
}
const outputs = JSON.parse(process.env.FAKE_PULUMI_OUTPUTS)[stack];
if (!outputs) { console.error("error: no stack named '" + stack + "' found"); process.exit(255); }
process.stdout.write(JSON.stringify(outputs, null, 2));
`;
const FAKE_KUBECTL = `#!/usr/bin/env node
const fs = require("fs"), net = require("net"), path = require("path");
const argv = process.argv.slice(2);
const flags = {};
let i = 0;
while (i < argv.length && argv[i].startsWith("--")) { flags[argv[i].slice(2)] = argv[i + 1]; i += 2; }
const sub = argv.slice(i);
const record = (e) => fs.appendFileSync(process.env.FAKE_KUBECTL_LOG, JSON.stringify(e) + "\\n");
const fail = (message) => { record({ pid: process.pid, error: message }); console.error(message); process.exit(1); };
const entry = { pid: process.pid, args: argv, sub: sub[0], namespace: flags.namespace, context: flags.context };
if (flags.kubeconfig !== undefined) {
    if (!fs.existsSync(flags.kubeconfig)) { record(entry); fail("error: stat " + flags.kubeconfig + ": no such file or directory"); }
    entry.kubeconfigFile = flags.kubeconfig;
    entry.kubeconfig = fs.readFileSync(flags.kubeconfig, "utf8");
    entry.mode = (fs.statSync(flags.kubeconfig).mode & 0o777).toString(8);
}
entry.cluster = flags.context ?? (/# fake-cluster: (\\S+)/.exec(entry.kubeconfig ?? "") ?? [])[1];
record(entry);
const cluster = JSON.parse(process.env.FAKE_KUBECTL_CLUSTERS)[entry.cluster];
if (!cluster) fail('error: context "' + entry.cluster + '" does not exist');
const ns = cluster.namespaces[flags.namespace];
if (!ns) fail('Error from server (NotFound): namespaces "' + flags.namespace + '" not found');
const podFile = (name) => path.join(process.env.FAKE_KUBECTL_STATE, entry.cluster + "." + flags.namespace + "." + name + ".json");
const readPod = (name) => fs.existsSync(podFile(name)) ? JSON.parse(fs.readFileSync(podFile(name), "utf8")) : fail('Error from server (NotFound): pods "' + name + '" not found');
const opt = (k) => (sub.find((a) => a.startsWith("--" + k + "=")) ?? "").slice(k.length + 3);
if (sub[0] === "run") {
    if (fs.existsSync(podFile(sub[1]))) fail('Error from server (AlreadyExists): pods "' + sub[1] + '" already exists');
    fs.writeFileSync(podFile(sub[1]), JSON.stringify({ image: opt("image"), restart: opt("restart"), overrides: JSON.parse(opt("overrides")) }));
    console.log("pod/" + sub[1] + " created");
} else if (sub[0] === "wait") {
    const name = sub.find((a) => a.startsWith("pod/")).slice(4);
    readPod(name);
    if (cluster.wait === "hang") { setInterval(() => {}, 1000); setTimeout(() => process.exit(1), 60000); }
    else if (cluster.wait === "fail") fail("error: timed out waiting for the condition on pods/" + name);
    else console.log("pod/" + name + " condition met");
} else if (sub[0] === "get" && sub[1] === "pod") {
    const [c] = readPod(sub[2]).overrides.spec.containers;
    const waiting = { reason: "ImagePullBackOff", message: 'Back-off pulling image "' + c.image + '"' };
    console.log(JSON.stringify({ kind: "Pod", status: { phase: "Pending", containerStatuses: [{ name: c.name, ready: false, state: { waiting } }] } }));
} else if (sub[0] === "delete" && sub[1] === "pod") {
    if (fs.existsSync(podFile(sub[2]))) fs.rmSync(podFile(sub[2]));
    else if (!sub.includes("--ignore-not-found")) fail('Error from server (NotFound): pods "' + sub[2] + '" not found');
    console.log('pod "' + sub[2] + '" deleted');
} else if (sub[0] === "port-forward") {
    const [resource, remote] = [sub[sub.length - 2], Number(sub[sub.length - 1].slice(1))];
    let upstream;
    if (resource.startsWith("service/")) {
        upstream = (ns.services ?? {})[resource.slice(8)];
        if (upstream === undefined) fail('Error from server (NotFound): services "' + resource.slice(8) + '" not found');
    } else {
        const [c] = readPod(resource.slice(4)).overrides.spec.containers;
        if (!c.args[0].startsWith("TCP-LISTEN:" + remote + ",")) fail("error: nothing listens on port " + remote + " in " + resource);
        const m = /^TCP:\\[?([^\\]]*)\\]?:(\\d+)$/.exec(c.args[1]);
        upstream = (ns.hosts ?? {})[m[1] + ":" + m[2]] ?? null;
    }
    const server = net.createServer((conn) => {
        if (upstream === null) return conn.destroy();
        const u = net.connect(upstream, "127.0.0.1");
        conn.pipe(u).pipe(conn);
        conn.on("error", () => u.destroy());
        u.on("error", () => conn.destroy());
    });
    server.listen(0, "127.0.0.1", () => console.log("Forwarding from 127.0.0.1:" + server.address().port + " -> " + remote));
} else {
    fail("fake kubectl: unexpected command " + sub.join(" "));
}
`;

/** One fake kubectl call, as its log line records it. */
interface KubectlCall {
    readonly pid: number;
    readonly args: string[];
    readonly sub: string;
    readonly cluster: string;
    readonly namespace: string;
    readonly kubeconfigFile?: string;
    readonly kubeconfig?: string;
    readonly mode?: string;
}

const readCalls = (log: string): KubectlCall[] =>
    fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n").filter((l) => l !== "").map((l) => JSON.parse(l)).filter((c) => c.sub !== undefined) : [];
/** Whether a process still runs; an exited child of a killed parent may linger as a zombie, which does not count. */
const alive = (pid: number) => {
    try {
        process.kill(pid, 0);
    } catch {
        return false;
    }
    const stat = fs.existsSync(`/proc/${pid}/stat`) ? fs.readFileSync(`/proc/${pid}/stat`, "utf8") : "";
    return !/^\d+ \(.*\) Z/.test(stat);
};
/** Processes of `calls` still running after a grace period for signals to land. */
async function survivors(calls: KubectlCall[]): Promise<KubectlCall[]> {
    for (let i = 0; i < 50 && calls.some((c) => alive(c.pid)); i++) await new Promise((r) => setTimeout(r, 100));
    return calls.filter((c) => alive(c.pid));
}

/** RFC 7386 JSON merge patch: how `kubectl run --overrides` merges into the pod kubectl generates. */
function mergePatch(target: any, patch: any): any {
    if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return patch;
    const out = target !== null && typeof target === "object" && !Array.isArray(target) ? { ...target } : {};
    for (const [k, v] of Object.entries(patch)) {
        if (v === null) delete out[k];
        else out[k] = mergePatch(out[k], v);
    }
    return out;
}

/** The pod `kubectl run <name> --image=<image> --restart=Never --overrides=<o>` sends (checked with kubectl 1.32 --dry-run=client). */
function podFromRun(name: string, image: string, overrides: object): any {
    const generated = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name, labels: { run: name } },
        spec: { containers: [{ name, image, resources: {} }], restartPolicy: "Never", dnsPolicy: "ClusterFirst" },
    };
    return mergePatch(generated, overrides);
}

const migratedRows = (stdout: string) => Number(/migrated ([\d,]+) rows/.exec(stdout)?.[1].replace(/,/g, ""));

// Every database the real stacks declare, each bootstrapped as Slipway does.
const SERVICES = parsedStackConfig("prod").database!.databases.map((d) => ({ database: d.name, user: d.user ?? d.name }));
const servicePasswords = (first: string) => Object.fromEntries(SERVICES.map((s) => [passwordEnvName(s.user), s.user === "shop" ? first : awkwardPassword()]));
/** The prod admin role's password on the target (the role is named as prod exports it). */
const PROD_ADMIN_PASSWORD = awkwardPassword();

beforeAll(async () => {
    // Awkward superuser passwords prove the URLs are decoded and the tools get them intact.
    source = track(await startPostgres({ password: awkwardPassword() }));
    target = track(await startPostgres({ password: awkwardPassword() }));
    await source.psql(bootstrapSql(SERVICES), "postgres", servicePasswords(SERVICE_PASSWORD.source));
    await target.psql(bootstrapSql(SERVICES), "postgres", servicePasswords(SERVICE_PASSWORD.target));
    await source.psql(SEED, "shop");
    await source.psql(BILLING_SEED, "billing");
    targetTls = await enableTls(target);
}, 120000);

let fakeBin: string | undefined;

afterAll(async () => {
    if (fakeBin) fs.rmSync(fakeBin, { recursive: true, force: true });
    await stopAll();
}, 60000);

describe("migrate-data between two real PostgreSQL servers", () => {
    let sourceFingerprints: Record<string, string>;

    test("the seed is what the test claims: 10,000+ rows, a sequence far past its start, non-ASCII text", async () => {
        sourceFingerprints = await fingerprints(source);
        const rows = TABLES.map((t) => Number(sourceFingerprints[t].split(" ")[0])).reduce((a, b) => a + b, 0);
        expect(rows).toBeGreaterThanOrEqual(10000);
        expect(sourceFingerprints.invoice_number_seq).toBe("51000 true");
        expect(sourceFingerprints.customers_id_seq).toBe("2100 true"); // past max(id) = 2000
        expect(sourceFingerprints.ticket_seq).toBe("777 true");
        expect(await target.psql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", "shop")).toBe("0");
    });

    test("--dry-run prints the plan and changes nothing", async () => {
        const r = await runTool(["--from-url", superuserUrl(source), "--to-url", superuserUrl(target), "--databases", "shop", "--dry-run"]);
        expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
        expect(r.stdout).toMatch(/shop: restore into the empty database as shop/);
        expect(r.stdout).toMatch(/dry run: nothing was changed/);
        expect(await target.psql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", "shop")).toBe("0");
    }, 120000);

    test("every row, every sequence position, owned by the service user", async () => {
        const r = await runTool(["--from-url", superuserUrl(source), "--to-url", superuserUrl(target), "--databases", "shop"]);
        process.stdout.write(`\nmigrate-data output:\n${r.stdout}${r.stderr}`);
        expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
        // No password reaches the output (the URLs are shown without them).
        expect(r.stdout).not.toContain(source.password);
        expect(r.stdout).not.toContain(target.password);

        const targetFingerprints = await fingerprints(target);
        expect(targetFingerprints).toEqual(sourceFingerprints);
        const rows = TABLES.map((t) => Number(sourceFingerprints[t].split(" ")[0])).reduce((a, b) => a + b, 0);
        expect(migratedRows(r.stdout)).toBe(rows);
        for (const t of TABLES) {
            const n = sourceFingerprints[t].split(" ")[0];
            expect(r.stdout).toMatch(new RegExp(`public\\.${t}\\s+${Number(n).toLocaleString("en-US")} ->\\s+${Number(n).toLocaleString("en-US")}\\s+OK`.replace(/,/g, "")));
        }

        const owners = await target.psql(
            `SELECT string_agg(DISTINCT pg_get_userbyid(relowner), ',') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind IN ('r', 'S', 'i')`,
            "shop",
        );
        expect(owners).toBe("shop");
        expect(await target.psql(`SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'shop'`)).toBe("shop");
        expect(await target.psql("SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension", "shop")).toBe("citext,pageinspect,plpgsql");

        // The app, logging in as itself on the target, reads the data and its next ids continue the source's.
        const next = await asServiceUser(target, SERVICE_PASSWORD.target, async (c) => {
            const name = (await c.query("SELECT name FROM customers WHERE email = 'C7@EXAMPLE.COM'")).rows[0].name;
            const memo = (await c.query("SELECT body->>'memo' AS memo FROM invoices WHERE number = 50001")).rows[0].memo;
            const invoice = (await c.query("INSERT INTO invoices (order_id, body) VALUES (1, '{}') RETURNING number")).rows[0].number;
            const customer = (await c.query("INSERT INTO customers (name, email) VALUES ('new', 'new@example.com') RETURNING id")).rows[0].id;
            const product = (await c.query("INSERT INTO products (sku, price) VALUES ('NEW', 1) RETURNING id")).rows[0].id;
            const ticket = (await c.query("SELECT nextval('ticket_seq') AS v")).rows[0].v;
            return { name, memo, invoice: String(invoice), customer: String(customer), product: String(product), ticket: String(ticket) };
        });
        const expectedNext = await source.psql(
            "SELECT nextval('invoice_number_seq') || ' ' || nextval('customers_id_seq') || ' ' || nextval('products_id_seq') || ' ' || nextval('ticket_seq')",
            "shop",
        );
        expect(`${next.invoice} ${next.customer} ${next.product} ${next.ticket}`).toBe(expectedNext);
        expect(expectedNext).toBe("51001 2101 501 778");
        expect(next.name).toBe(NON_ASCII);
        expect(next.memo).toBe(NON_ASCII);

        console.log(`figures: ${migratedRows(r.stdout)} rows migrated in ${(r.ms / 1000).toFixed(1)}s wall (child process incl. ts-node start)`);
    }, 180000);

    test("a non-empty target is refused without --force and left untouched", async () => {
        const before = await fingerprints(target);
        const r = await runTool(["--from-url", superuserUrl(source), "--to-url", superuserUrl(target), "--databases", "shop"]);
        expect(r.code).toBe(3);
        expect(r.stdout).toMatch(/REFUSED: target database "shop" is not empty \(6 tables\); refusing to overwrite it, pass --force/);
        expect(r.stdout).toMatch(/nothing was changed/);
        expect(await fingerprints(target)).toEqual(before);
    }, 120000);

    test("--force replaces the target's contents with the source's current data", async () => {
        // The source moves on (and the target holds rows the source lacks, from the test above).
        await source.psql("SET ROLE shop; INSERT INTO audit_log (message) SELECT 'event ' || i FROM generate_series(1, 250) i; SELECT setval('ticket_seq', 9000);", "shop");
        const expected = await fingerprints(source);
        expect(await fingerprints(target)).not.toEqual(expected);
        // The target URL comes from the environment here, as a user keeping passwords off argv would.
        const r = await runTool(["--from-url", superuserUrl(source), "--databases", "shop", "--force"], { SLIPWAY_TO_URL: superuserUrl(target) });
        process.stdout.write(`\nmigrate-data --force output:\n${r.stdout}${r.stderr}`);
        expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
        expect(r.stdout).toMatch(/shop: overwrite \(--force\), restore as shop/);
        expect(await fingerprints(target)).toEqual(expected);
        expect(await target.psql("SELECT count(*) FROM customers WHERE email = 'new@example.com'", "shop")).toBe("0");
        console.log(`figures (--force): ${migratedRows(r.stdout)} rows migrated in ${(r.ms / 1000).toFixed(1)}s wall`);
    }, 180000);

    describe("--from <stack> --to <stack>: the outputs index.ts really exports, reached through kubectl", () => {
        // Derived from the real program (secret outputs resolved to their mock values) and printed as
        // `pulumi stack output --json` prints them; only what must lead to the test servers is changed.
        const asCli = (o: Record<string, unknown>) => JSON.parse(JSON.stringify(o)) as Record<string, any>;
        const marked = (kubeconfig: string, cluster: string) => `${kubeconfig}\n# fake-cluster: ${cluster}\n`;
        let real: Record<string, Record<string, any>>;
        let outputs: Record<string, Record<string, any>>;
        let env: Record<string, string>;
        let kubeLog: string;
        let stateDir: string;
        let home: string;
        const podsLeft = () => fs.readdirSync(stateDir);
        const billingFingerprint = (pg: PostgresServer) =>
            pg.psql(`SELECT count(*) || ' ' || md5(string_agg(t::text, E'\\n' ORDER BY t::text)) || ' ' || (SELECT last_value FROM payments_id_seq) FROM payments t`, "billing");

        beforeAll(async () => {
            real = {};
            for (const stack of ["dev", "e2e", "prod"]) real[stack] = asCli((await runStack(stack)).outputs);
            fakeBin = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-fake-cli-"));
            kubeLog = path.join(fakeBin, "kubectl.log");
            stateDir = path.join(fakeBin, "pods");
            home = path.join(fakeBin, "home");
            fs.mkdirSync(stateDir);
            fs.mkdirSync(path.join(home, ".kube"), { recursive: true });
            fs.writeFileSync(path.join(home, ".kube", "e2e.yaml"), "apiVersion: v1\nkind: Config\ncurrent-context: e2e\n");
            const pulumi = path.join(fakeBin, "pulumi");
            const kubectl = path.join(fakeBin, "kubectl");
            fs.writeFileSync(pulumi, FAKE_PULUMI, { mode: 0o755 });
            fs.writeFileSync(kubectl, FAKE_KUBECTL, { mode: 0o755 });
            // As on Cloud SQL, prod's admin is its own role (there a cloudsqlsuperuser member).
            const admin = real.prod.databaseAdmin;
            await target.psql(`CREATE ROLE ${admin.user} LOGIN SUPERUSER PASSWORD '${PROD_ADMIN_PASSWORD.replace(/'/g, "''")}'`);
            // The password is the test server's, and so is the CA bundle verify-ca checks against.
            const withPassword = (o: Record<string, any>, password: string) => ({
                ...o,
                databaseAdmin: { ...o.databaseAdmin, password, ...(o.databaseAdmin.caCertificate ? { caCertificate: targetTls.caPem } : {}) },
            });
            const { kubeContext: _dropped, ...e2eBeforeKubeContext } = real.e2e;
            outputs = {
                // k3d: host "postgres" is the in-cluster Service; only the superuser password is the test server's.
                dev: { ...withPassword(real.dev, source.password), kubeconfig: marked(real.dev.kubeconfig, "k3d-shop") },
                // An existing cluster: no kubeconfig output; kubectl uses the user's context.
                e2e: withPassword(real.e2e, source.password),
                "e2e-file": { ...withPassword(real.e2e, source.password), kubeconfigPath: "~/.kube/e2e.yaml" },
                "e2e-old": withPassword(e2eBeforeKubeContext, source.password),
                // GKE + Cloud SQL: host, port, user and sslmode=verify-ca exactly as exported.
                prod: { ...withPassword(real.prod, PROD_ADMIN_PASSWORD), kubeconfig: marked(real.prod.kubeconfig, "gke-shop") },
                "prod-no-pull": { ...withPassword(real.prod, PROD_ADMIN_PASSWORD), kubeconfig: marked(real.prod.kubeconfig, "gke-no-pull") },
                "prod-hang": { ...withPassword(real.prod, PROD_ADMIN_PASSWORD), kubeconfig: marked(real.prod.kubeconfig, "gke-hang") },
                "dev-elsewhere": { ...withPassword(real.dev, source.password), kubeconfig: marked(real.dev.kubeconfig, "k3d-shop"), namespace: "nowhere" },
            };
            const inCluster = { namespaces: { [real.dev.namespace]: { services: { [real.dev.databaseService]: source.port } } } };
            const cloudSql = { namespaces: { [real.prod.namespace]: { hosts: { [`${admin.host}:${admin.port}`]: target.port } } } };
            const clusters = {
                "k3d-shop": inCluster,
                [real.e2e.kubeContext]: inCluster,
                "gke-shop": cloudSql,
                "gke-no-pull": { ...cloudSql, wait: "fail" },
                "gke-hang": { ...cloudSql, wait: "hang" },
            };
            env = {
                PULUMI: pulumi,
                KUBECTL: kubectl,
                HOME: home,
                FAKE_PULUMI_OUTPUTS: JSON.stringify(outputs),
                FAKE_KUBECTL_CLUSTERS: JSON.stringify(clusters),
                FAKE_KUBECTL_LOG: kubeLog,
                FAKE_KUBECTL_STATE: stateDir,
            };
        }, 120000);

        beforeEach(() => fs.rmSync(kubeLog, { force: true }));

        test("the restricted-profile check used below catches what the namespace would reject", () => {
            const ok = podFromRun("p", "img:1", relayOverrides({ host: "10.0.0.1", port: 5432 }));
            expect(restrictedViolations(ok)).toEqual([]);
            const bad = mergePatch(ok, { spec: { hostNetwork: true, securityContext: { runAsNonRoot: null, seccompProfile: null } } });
            bad.spec.containers[0].securityContext = { privileged: true, capabilities: { add: ["NET_ADMIN"] } };
            expect(restrictedViolations(bad)).toEqual([
                "host namespaces",
                "container relay: privileged",
                "container relay: allowPrivilegeEscalation is not false",
                "container relay: capabilities do not drop ALL",
                "container relay: adds NET_ADMIN",
                "container relay: runAsNonRoot is not true",
                "container relay: no RuntimeDefault/Localhost seccomp profile",
            ]);
        });

        test("dev -> prod: k3d through port-forward to its Service, Cloud SQL through a restricted relay pod, TLS end to end; nothing left behind", async () => {
            await source.psql("SET ROLE shop; DELETE FROM audit_log WHERE id % 2 = 0;", "shop");
            const expected = await fingerprints(source);
            const expectedBilling = await billingFingerprint(source);
            const logFrom = target.log().length;

            const r = await runTool(["--from", "dev", "--to", "prod", "--force"], env);
            process.stdout.write(`\nmigrate-data --from dev --to prod output:\n${r.stdout}${r.stderr}`);
            expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
            const admin = real.prod.databaseAdmin;
            expect(r.stdout).toMatch(/source: stack dev: postgres@127\.0\.0\.1:\d+ \(sslmode=disable\) via port-forward to shop\/service\/postgres\n/);
            expect(r.stdout).toMatch(new RegExp(`target: stack prod: ${admin.user}@127\\.0\\.0\\.1:\\d+ \\(sslmode=verify-ca\\) via relay pod shop/slipway-migrate-relay-[0-9a-f]{6} to ${admin.host.replace(/\./g, "\\.")}:${admin.port}\\n`));
            expect(r.stdout).toMatch(/\[2\/2\] billing/);
            expect(await fingerprints(target)).toEqual(expected);
            expect(await billingFingerprint(target)).toBe(expectedBilling);
            expect(expectedBilling).toMatch(/^300 [0-9a-f]{32} 300$/);

            // Every connection the tool made to the target went through the relay with TLS, its chain verified (verify-ca).
            const connections = target.log().slice(logFrom).split("\n").filter((l) => /connection authorized: .*application_name=slipway-migrate-data/.test(l));
            expect(connections.length).toBeGreaterThanOrEqual(4);
            expect(connections.filter((l) => !/ SSL enabled \(protocol=TLSv1\.[23]/.test(l))).toEqual([]);
            expect(connections.every((l) => l.includes(`user=${admin.user}`))).toBe(true);

            const calls = readCalls(kubeLog);
            const dev = calls.filter((c) => c.cluster === "k3d-shop");
            const prod = calls.filter((c) => c.cluster === "gke-shop");
            expect(dev.length + prod.length).toBe(calls.length);
            expect(dev.map((c) => c.args.slice(2))).toEqual([["--namespace", "shop", "port-forward", "--address", "127.0.0.1", "service/postgres", ":5432"]]);
            expect(prod.map((c) => c.sub)).toEqual(["run", "wait", "port-forward", "delete"]);
            const pod = prod[0].args[5];
            expect(prod.map((c) => c.args.slice(2, 5))).toEqual([
                ["--namespace", "shop", "run"],
                ["--namespace", "shop", "wait"],
                ["--namespace", "shop", "port-forward"],
                ["--namespace", "shop", "delete"],
            ]);
            expect(prod[1].args.slice(5)).toEqual(["--for=condition=Ready", `pod/${pod}`, expect.stringMatching(/^--timeout=\d+s$/)]);
            expect(prod[2].args.slice(5)).toEqual(["--address", "127.0.0.1", `pod/${pod}`, ":5432"]);
            expect(prod[3].args.slice(5)).toEqual(["pod", pod, "--ignore-not-found", "--wait=false"]);

            // The pod kubectl would send: restricted, no service account token, pinned image, sized, labelled, relaying to the exported host.
            const run = prod[0].args.slice(5);
            const image = run.find((a) => a.startsWith("--image="))!.slice(8);
            expect(run).toContain("--restart=Never");
            const sent = podFromRun(pod, image, JSON.parse(run.find((a) => a.startsWith("--overrides="))!.slice(12)));
            expect(restrictedViolations(sent)).toEqual([]);
            const [container] = sent.spec.containers;
            expect(sent.spec.containers).toHaveLength(1);
            expect(image).toBe("docker.io/alpine/socat:1.8.0.3");
            expect(container.image).toBe(image);
            expect(Number.isInteger(sent.spec.securityContext.runAsUser) && sent.spec.securityContext.runAsUser > 0).toBe(true);
            expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
            expect(sent.spec.automountServiceAccountToken).toBe(false);
            expect(container.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
            expect(container.resources.limits.memory).toEqual(expect.any(String));
            expect(sent.metadata.labels).toMatchObject({ "app.kubernetes.io/name": "slipway-migrate-relay", "app.kubernetes.io/part-of": "slipway" });
            expect(container.args).toEqual(["TCP-LISTEN:5432,fork,reuseaddr", `TCP:${admin.host}:${admin.port}`]);

            // Each stack's own kubeconfig reached kubectl through a private file, removed afterwards; every kubectl ended; the pod is gone.
            expect(new Set(dev.map((c) => c.kubeconfig))).toEqual(new Set([outputs.dev.kubeconfig]));
            expect(new Set(prod.map((c) => c.kubeconfig))).toEqual(new Set([outputs.prod.kubeconfig]));
            expect(calls.every((c) => c.mode === "600" && !fs.existsSync(c.kubeconfigFile!))).toBe(true);
            expect(await survivors(calls)).toEqual([]);
            expect(podsLeft()).toEqual([]);
        }, 240000);

        test("e2e (existing cluster): kubectl --context from kubeContext, plus --kubeconfig when the stack names a file", async () => {
            const r = await runTool(["--from", "e2e", "--to", "prod", "--force", "--dry-run"], env);
            expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
            expect(r.stdout).toMatch(/source: stack e2e: postgres@127\.0\.0\.1:\d+ \(sslmode=disable\) via port-forward to shop\/service\/postgres/);
            expect(r.stdout).toMatch(/shop: overwrite \(--force\), restore as shop\n.*billing: overwrite \(--force\), restore as billing\ndry run: nothing was changed/s);
            const e2e = readCalls(kubeLog).filter((c) => c.cluster === real.e2e.kubeContext);
            expect(e2e.map((c) => c.args)).toEqual([["--context", real.e2e.kubeContext, "--namespace", "shop", "port-forward", "--address", "127.0.0.1", "service/postgres", ":5432"]]);

            fs.rmSync(kubeLog);
            const withFile = await runTool(["--from", "e2e-file", "--to", "prod", "--force", "--dry-run"], env);
            expect({ code: withFile.code, stderr: withFile.stderr }).toEqual({ code: 0, stderr: "" });
            const [call] = readCalls(kubeLog).filter((c) => c.cluster === real.e2e.kubeContext);
            expect(call.args.slice(0, 4)).toEqual(["--context", real.e2e.kubeContext, "--kubeconfig", path.join(home, ".kube", "e2e.yaml")]);
            expect(call.kubeconfig).toContain("current-context: e2e");
            expect(podsLeft()).toEqual([]);
        }, 120000);

        test("failures are named and leave nothing behind", async () => {
            const old = await runTool(["--from", "e2e-old", "--to", "prod"], env);
            expect(old.code).toBe(1);
            expect(old.stderr).toMatch(/stack "e2e-old": databaseService is exported but neither kubeconfig nor kubeContext is/);

            const missing = await runTool(["--from", "staging", "--to", "prod"], env);
            expect(missing.code).toBe(1);
            expect(missing.stderr).toMatch(/stack "staging": pulumi stack output failed: error: no stack named 'staging' found/);

            const elsewhere = await runTool(["--from", "dev-elsewhere", "--to", "prod"], env);
            expect(elsewhere.code).toBe(1);
            expect(elsewhere.stderr).toMatch(/kubectl port-forward to nowhere\/service\/postgres exited \(1\): Error from server \(NotFound\): namespaces "nowhere" not found/);

            fs.rmSync(kubeLog);
            // A cluster that cannot pull the image (here a mirror named by SLIPWAY_RELAY_IMAGE): the error says why.
            const mirror = "registry.example/mirror/socat:1.8.0.3";
            const noPull = await runTool(["--from", "dev", "--to", "prod-no-pull"], { ...env, SLIPWAY_RELAY_IMAGE: mirror });
            expect(noPull.code).toBe(1);
            expect(noPull.stderr).toMatch(
                /relay pod shop\/pod\/slipway-migrate-relay-[0-9a-f]{6} \(registry\.example\/mirror\/socat:1\.8\.0\.3\) did not become ready: kubectl wait failed \(exit 1\): error: timed out waiting for the condition.*; container relay: ImagePullBackOff: Back-off pulling image "registry\.example\/mirror\/socat:1\.8\.0\.3"/,
            );
            const calls = readCalls(kubeLog);
            expect(calls.find((c) => c.sub === "run")!.args).toContain(`--image=${mirror}`);
            expect(calls.filter((c) => c.cluster === "gke-no-pull").map((c) => c.sub)).toEqual(["run", "wait", "get", "delete"]);
            expect(await survivors(calls)).toEqual([]);
            expect(calls.every((c) => c.kubeconfigFile === undefined || !fs.existsSync(c.kubeconfigFile))).toBe(true);
            expect(podsLeft()).toEqual([]);
        }, 180000);

        test("Ctrl-C while the relay pod starts: the pod is deleted, every kubectl ends, exit 130", async () => {
            // node directly (not npx) so the signal reaches the tool itself, as Ctrl-C does.
            const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/migrate-data.ts", "--from", "dev", "--to", "prod-hang"], {
                cwd: PROJECT_DIR,
                env: { ...process.env, ...env },
                stdio: ["ignore", "pipe", "pipe"],
            });
            let stderr = "";
            child.stderr.on("data", (d) => (stderr += d));
            const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
            const deadline = Date.now() + 60000;
            while (!readCalls(kubeLog).some((c) => c.cluster === "gke-hang" && c.sub === "wait") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
            const [waiting] = readCalls(kubeLog).filter((c) => c.sub === "wait");
            expect(waiting).toBeDefined();
            expect(podsLeft()).toHaveLength(1);
            child.kill("SIGINT");
            expect(await exited).toBe(130);
            expect(stderr).toMatch(/interrupted \(SIGINT\)/);

            const calls = readCalls(kubeLog);
            const pod = calls.find((c) => c.sub === "run")!.args[5];
            expect(calls.filter((c) => c.cluster === "gke-hang").map((c) => c.sub)).toEqual(["run", "wait", "delete"]);
            expect(calls.find((c) => c.sub === "delete")!.args.slice(4)).toEqual(["delete", "pod", pod, "--ignore-not-found", "--wait=false"]);
            expect(podsLeft()).toEqual([]);
            expect(await survivors(calls)).toEqual([]);
            expect(calls.every((c) => c.kubeconfigFile === undefined || !fs.existsSync(c.kubeconfigFile))).toBe(true);
        }, 120000);
    });

    test("a database the target stack never created is refused, even with --force", async () => {
        await source.psql("CREATE DATABASE reports");
        const r = await runTool(["--from-url", superuserUrl(source), "--to-url", superuserUrl(target), "--databases", "shop,reports", "--force"]);
        expect(r.code).toBe(3);
        expect(r.stdout).toMatch(/reports: REFUSED: database "reports" does not exist on the target/);
    }, 120000);
});
