// `npm run migrate-data` between two real PostgreSQL servers, both prepared by Slipway's own
// bootstrap SQL: the target is what a freshly deployed prod stack holds (an empty database owned by
// the service user), the source a dev database full of an app's data. The tool runs as a child
// process, exactly as a user runs it.
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Client } from "pg";
import { bootstrapSql, passwordEnvName } from "../../components/postgres-sql";
import { awkwardPassword, PostgresServer, startPostgres, stopAll, track } from "./servers";

const PROJECT_DIR = path.resolve(__dirname, "..", "..");
const SHOP = [{ database: "shop", user: "shop" }];
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

// Stand-ins for the two CLIs a real user has, speaking their real interfaces: `pulumi stack output
// --stack <s> --show-secrets --json` prints the stack's outputs; `kubectl port-forward` prints
// "Forwarding from 127.0.0.1:<port> -> <remote>" and relays TCP (here to a real server).
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
const fs = require("fs"), net = require("net");
const args = process.argv.slice(2);
const kubeconfig = args[args.indexOf("--kubeconfig") + 1];
const namespace = args[args.indexOf("--namespace") + 1];
fs.appendFileSync(process.env.FAKE_KUBECTL_LOG, JSON.stringify({ pid: process.pid, args, kubeconfig: fs.readFileSync(kubeconfig, "utf8"), mode: (fs.statSync(kubeconfig).mode & 0o777).toString(8) }) + "\\n");
const upstream = JSON.parse(process.env.FAKE_KUBECTL_UPSTREAMS)[namespace];
if (!upstream) { console.error('Error from server (NotFound): namespaces "' + namespace + '" not found'); process.exit(1); }
const server = net.createServer((c) => {
    const u = net.connect(upstream, "127.0.0.1");
    c.pipe(u).pipe(c);
    c.on("error", () => u.destroy());
    u.on("error", () => c.destroy());
});
server.listen(0, "127.0.0.1", () => console.log("Forwarding from 127.0.0.1:" + server.address().port + " -> " + args[args.length - 1].slice(1)));
`;

const migratedRows = (stdout: string) => Number(/migrated ([\d,]+) rows/.exec(stdout)?.[1].replace(/,/g, ""));

beforeAll(async () => {
    // Awkward superuser passwords prove the URLs are decoded and the tools get them intact.
    source = track(await startPostgres({ password: awkwardPassword() }));
    target = track(await startPostgres({ password: awkwardPassword() }));
    await source.psql(bootstrapSql(SHOP), "postgres", { [passwordEnvName("shop")]: SERVICE_PASSWORD.source });
    await target.psql(bootstrapSql(SHOP), "postgres", { [passwordEnvName("shop")]: SERVICE_PASSWORD.target });
    await source.psql(SEED, "shop");
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

    test("--from <stack> --to <stack>: outputs read through the Pulumi CLI, k3d reached by kubectl port-forward", async () => {
        fakeBin = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-fake-cli-"));
        const pulumi = path.join(fakeBin, "pulumi");
        const kubectl = path.join(fakeBin, "kubectl");
        fs.writeFileSync(pulumi, FAKE_PULUMI, { mode: 0o755 });
        fs.writeFileSync(kubectl, FAKE_KUBECTL, { mode: 0o755 });
        const kubeLog = path.join(fakeBin, "kubectl.log");
        const kubeconfig = "apiVersion: v1\nkind: Config\nclusters: [] # k3d-shop\n";
        const outputs = {
            // k3d: the exported host is the in-cluster Service name, unreachable from the laptop.
            dev: {
                databaseAdmin: { host: "shop-postgres", port: 5432, user: "postgres", password: source.password, sslmode: "disable" },
                databases: ["shop"],
                databaseService: "shop-postgres",
                kubeconfig,
                namespace: "shop",
            },
            // A managed database: reachable as exported.
            prod: { databaseAdmin: { host: "127.0.0.1", port: target.port, user: "postgres", password: target.password, sslmode: "disable" }, databases: ["shop"] },
            broken: { databaseAdmin: { host: "x", port: 5432, user: "postgres", password: "p", sslmode: "disable" }, databases: ["shop"], databaseService: "x", kubeconfig, namespace: "nowhere" },
        };
        const env = {
            PULUMI: pulumi,
            KUBECTL: kubectl,
            FAKE_PULUMI_OUTPUTS: JSON.stringify(outputs),
            FAKE_KUBECTL_UPSTREAMS: JSON.stringify({ shop: source.port }),
            FAKE_KUBECTL_LOG: kubeLog,
        };
        await source.psql("SET ROLE shop; DELETE FROM audit_log WHERE id % 2 = 0;", "shop");
        const expected = await fingerprints(source);

        const r = await runTool(["--from", "dev", "--to", "prod", "--force"], env);
        process.stdout.write(`\nmigrate-data --from dev --to prod output:\n${r.stdout}${r.stderr}`);
        expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
        expect(r.stdout).toMatch(/source: stack dev: postgres@127\.0\.0\.1:\d+ \(sslmode=disable\) via port-forward to shop\/service\/shop-postgres/);
        expect(r.stdout).toContain(`target: stack prod: postgres@127.0.0.1:${target.port}`);
        expect(await fingerprints(target)).toEqual(expected);

        const calls = fs.readFileSync(kubeLog, "utf8").trim().split("\n").map((l) => JSON.parse(l));
        expect(calls).toHaveLength(1);
        const [call] = calls;
        expect(call.args.slice(2)).toEqual(["--namespace", "shop", "port-forward", "--address", "127.0.0.1", "service/shop-postgres", ":5432"]);
        // The stack's kubeconfig reached kubectl through a private file, removed afterwards, and the forward ended.
        expect(call.kubeconfig).toBe(kubeconfig);
        expect(call.mode).toBe("600");
        expect(fs.existsSync(call.args[1])).toBe(false);
        expect(() => process.kill(call.pid, 0)).toThrow();

        const missing = await runTool(["--from", "staging", "--to", "prod"], env);
        expect(missing.code).toBe(1);
        expect(missing.stderr).toMatch(/stack "staging": pulumi stack output failed: error: no stack named 'staging' found/);
        const unreachable = await runTool(["--from", "broken", "--to", "prod"], env);
        expect(unreachable.code).toBe(1);
        expect(unreachable.stderr).toMatch(/kubectl port-forward to nowhere\/service\/x exited \(1\): Error from server \(NotFound\): namespaces "nowhere" not found/);
    }, 180000);

    test("a database the target stack never created is refused, even with --force", async () => {
        await source.psql("CREATE DATABASE billing");
        const r = await runTool(["--from-url", superuserUrl(source), "--to-url", superuserUrl(target), "--databases", "shop,billing", "--force"]);
        expect(r.code).toBe(3);
        expect(r.stdout).toMatch(/billing: REFUSED: database "billing" does not exist on the target/);
    }, 120000);
});
