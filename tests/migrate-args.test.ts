// The pure parts of `npm run migrate-data`: argument parsing, URLs, the refusal rule, binary
// discovery order, the stack-output contract (how each stack's database is reached, checked against
// the real program's outputs), the relay pod and the comparisons that decide the exit code.
import { parseArgs, UsageError } from "../scripts/migrate/args";
import { candidateDirs, chooseBinDir, parseToolVersion, serverMajor, type BinaryProbe } from "../scripts/migrate/binaries";
import { libpqEnv, parsePostgresUrl, redactUrl, sameServer } from "../scripts/migrate/connection";
import { conninfoDbname, dumpArgs, extensionName, extensionRestoreArgs, restoreArgs, splitToc } from "../scripts/migrate/dump-restore";
import { resolveEndpoint, type ResolverDeps } from "../scripts/migrate/endpoints";
import { quoteIdent } from "../scripts/migrate/inspect";
import { decide } from "../scripts/migrate/plan";
import { kubectlGlobalArgs } from "../scripts/migrate/kubectl";
import { parseForwardedPort, portForwardArgs } from "../scripts/migrate/port-forward";
import { describePodProblem, RELAY_PORT, RELAY_UID, relayOverrides, relayPodName, relayRunArgs, socatConnect } from "../scripts/migrate/relay";
import { parseStackOutputs } from "../scripts/migrate/stack-outputs";
import { compareCounts, compareSequences, extraTables } from "../scripts/migrate/verify";
import { parsedStackConfig, runStack, stackConfig } from "./helpers";

const SRC = "postgres://postgres:s3cret@127.0.0.1:5433/postgres";
const DST = "postgres://postgres:other@127.0.0.1:5434/postgres";

describe("parseArgs", () => {
    test("stacks, options and the = form", () => {
        expect(parseArgs(["--from", "dev", "--to=prod", "--databases", "shop, billing", "--force", "--dry-run"])).toEqual({
            help: false,
            from: { kind: "stack", stack: "dev" },
            to: { kind: "stack", stack: "prod" },
            databases: ["shop", "billing"],
            force: true,
            dryRun: true,
        });
    });

    test("URLs, defaults off, every database when --databases is absent", () => {
        const r = parseArgs(["--from-url", SRC, "--to-url", DST]);
        expect(r).toEqual({ help: false, from: { kind: "url", url: SRC }, to: { kind: "url", url: DST }, databases: undefined, force: false, dryRun: false });
    });

    test("URLs may come from the environment so passwords stay off the command line", () => {
        const r = parseArgs(["--from", "dev"], { SLIPWAY_TO_URL: DST });
        expect(r).toMatchObject({ from: { kind: "stack", stack: "dev" }, to: { kind: "url", url: DST } });
        // An explicit flag wins over the environment.
        expect(parseArgs(["--from-url", SRC, "--to-url", DST], { SLIPWAY_TO_URL: "postgres://x@y/z" })).toMatchObject({ to: { url: DST } });
    });

    test("--help needs nothing else", () => {
        expect(parseArgs(["--help"])).toEqual({ help: true });
    });

    test.each([
        [["--to", "prod"], /source is missing: give --from <stack> or --from-url/],
        [["--from", "dev"], /target is missing: give --to <stack> or --to-url/],
        [["--from", "dev", "--from-url", SRC, "--to", "prod"], /--from and --from-url are mutually exclusive/],
        [["--from", "dev", "--to", "prod", "--wat"], /unknown argument "--wat"/],
        [["--from", "dev", "--to"], /--to needs a value/],
        [["--from", "--to", "prod"], /--from needs a value/],
        [["--from", "dev", "--to", "prod", "--force=yes"], /--force takes no value/],
        [["--from", "dev", "--from", "dev2", "--to", "prod"], /--from given more than once/],
        [["--from", "dev", "--to", "dev"], /source and target are the same/],
        [["--from", "dev;rm -rf", "--to", "prod"], /not a Pulumi stack name/],
        [["--from", "dev", "--to", "prod", "--databases", "shop,,x"], /empty name/],
        [["--from", "dev", "--to", "prod", "--databases", "shop,shop"], /"shop" listed twice/],
    ])("%j is a usage error", (argv, message) => {
        expect(() => parseArgs(argv)).toThrow(UsageError);
        expect(() => parseArgs(argv)).toThrow(message);
    });

    test("org/project/stack names are accepted", () => {
        expect(parseArgs(["--from", "acme/slipway/dev", "--to", "acme/slipway/prod"])).toMatchObject({ from: { stack: "acme/slipway/dev" } });
    });
});

describe("connection URLs", () => {
    test("percent-escapes are decoded; port, database and sslmode default", () => {
        expect(parsePostgresUrl("postgresql://admin:p%40ss%3Aw%2Frd@db.example.com/")).toEqual({
            host: "db.example.com",
            port: 5432,
            user: "admin",
            password: "p@ss:w/rd",
            database: "postgres",
            sslmode: "prefer",
        });
        expect(parsePostgresUrl("postgres://u:p@[::1]:6000/admin?sslmode=require")).toMatchObject({ host: "::1", port: 6000, database: "admin", sslmode: "require" });
    });

    test("bad URLs are rejected without echoing the password", () => {
        for (const bad of ["mysql://root:hunter2@h/db", "postgres://:hunter2@h/db", "postgres://u:hunter2@h/db?sslmode=maybe"]) {
            let message = "";
            try {
                parsePostgresUrl(bad);
            } catch (e) {
                message = (e as Error).message;
            }
            expect(message).not.toBe("");
            expect(message).not.toContain("hunter2");
        }
    });

    test("redactUrl masks only the password", () => {
        expect(redactUrl("postgres://admin:p@ss@h:5432/db")).toBe("postgres://admin:***@h:5432/db");
        expect(redactUrl("postgres://admin@h/db")).toBe("postgres://admin@h/db");
    });

    test("sameServer treats localhost and 127.0.0.1 alike and ports apart", () => {
        expect(sameServer(parsePostgresUrl("postgres://a@localhost:5433/x"), parsePostgresUrl("postgres://b@127.0.0.1:5433/y"))).toBe(true);
        expect(sameServer(parsePostgresUrl(SRC), parsePostgresUrl(DST))).toBe(false);
    });

    test("libpq environment carries the password and drops the user's own PG* settings", () => {
        const env = libpqEnv(parsePostgresUrl(SRC), "shop", { PATH: "/bin", PGSERVICE: "evil", PGOPTIONS: "-c x=y", PG_BIN: "/opt/pg" });
        expect(env).toMatchObject({ PATH: "/bin", PG_BIN: "/opt/pg", PGHOST: "127.0.0.1", PGPORT: "5433", PGUSER: "postgres", PGPASSWORD: "s3cret", PGDATABASE: "shop" });
        expect(env.PGSERVICE).toBeUndefined();
        expect(env.PGOPTIONS).toBeUndefined();
    });
});

describe("pg_dump / pg_restore arguments", () => {
    test("custom format without owners or grants, reading the counted snapshot", () => {
        const args = dumpArgs("shop", "/tmp/x/shop.dump", "00000003-0000001B-1");
        expect(args).toEqual(expect.arrayContaining(["--format=custom", "--no-owner", "--no-privileges", "--snapshot=00000003-0000001B-1", "--file=/tmp/x/shop.dump"]));
        expect(args.join(" ")).not.toMatch(/password|s3cret/i);
    });

    test("restore as the owner in one transaction; --clean only when overwriting", () => {
        const plain = restoreArgs("shop", "/tmp/x/shop.dump", "shop", false);
        expect(plain).toEqual(expect.arrayContaining(["--no-owner", "--no-privileges", "--role=shop", "--single-transaction", "--dbname=dbname='shop'"]));
        expect(plain).not.toContain("--clean");
        expect(plain[plain.length - 1]).toBe("/tmp/x/shop.dump");
        expect(restoreArgs("shop", "f", "shop", true)).toEqual(expect.arrayContaining(["--clean", "--if-exists"]));
    });

    test("extensions are split off for the admin; their comments are dropped; the rest keeps its order", () => {
        const toc = [
            ";     dbname: shop",
            "8; 2615 16533 SCHEMA - app postgres",
            "3; 3079 16428 EXTENSION - citext ",
            "3475; 0 0 COMMENT - EXTENSION citext ",
            "2; 3079 16385 EXTENSION - postgis ",
            "218; 1259 16535 TABLE app t postgres",
            "3477; 0 0 COMMENT app TABLE t postgres",
            "3466; 0 16535 TABLE DATA app t postgres",
            "",
        ].join("\n");
        const split = splitToc(toc);
        expect(split.extensions.map(extensionName)).toEqual(["citext", "postgis"]);
        expect(split.rest).toEqual(["8; 2615 16533 SCHEMA - app postgres", "218; 1259 16535 TABLE app t postgres", "3477; 0 0 COMMENT app TABLE t postgres", "3466; 0 16535 TABLE DATA app t postgres"]);
        const ext = extensionRestoreArgs("shop", "f.dump", "ext.list");
        expect(ext).toEqual(expect.arrayContaining(["--single-transaction", "--use-list=ext.list"]));
        expect(ext.some((a) => a.startsWith("--role") || a === "--clean")).toBe(false);
        expect(restoreArgs("shop", "f.dump", "shop", true, "rest.list")).toContain("--use-list=rest.list");
    });

    test("database names are conninfo-quoted, so '=' or quotes cannot inject options", () => {
        expect(conninfoDbname("a b")).toBe("dbname='a b'");
        expect(conninfoDbname("x' host='evil")).toBe("dbname='x\\' host=\\'evil'");
        expect(quoteIdent('we"ird')).toBe('"we""ird"');
    });
});

describe("the refusal rule", () => {
    test("a target with tables is refused without --force, naming the database and the count", () => {
        const v = decide("shop", { owner: "shop", userTables: 3 }, false);
        expect(v.action).toBe("refuse");
        expect(v.action === "refuse" && v.reason).toMatch(/target database "shop" is not empty \(3 tables\).*--force/);
        expect(decide("shop", { owner: "shop", userTables: 1 }, false)).toMatchObject({ reason: expect.stringContaining("(1 table)") });
    });

    test("--force overwrites; an empty target is restored; both as the database owner", () => {
        expect(decide("shop", { owner: "shop", userTables: 3 }, true)).toEqual({ action: "overwrite", role: "shop" });
        expect(decide("shop", { owner: "shop_owner", userTables: 0 }, false)).toEqual({ action: "restore", role: "shop_owner" });
        expect(decide("shop", { owner: "shop", userTables: 0 }, true)).toEqual({ action: "restore", role: "shop" });
    });

    test("a missing target database is refused even with --force (its owner would not exist)", () => {
        expect(decide("shop", { owner: undefined, userTables: 0 }, true)).toMatchObject({ action: "refuse", reason: expect.stringMatching(/"shop" does not exist on the target.*pulumi up/) });
    });
});

describe("binary discovery", () => {
    const probe = (env: Record<string, string>, files: string[], versions: string[] = []): BinaryProbe => ({
        env,
        listDir: (dir) => (dir === "/usr/lib/postgresql" ? versions : undefined),
        isExecutable: (f) => files.includes(f),
    });
    const both = (dir: string) => [`${dir}/pg_dump`, `${dir}/pg_restore`];

    test("PATH folders in PATH order, then /usr/lib/postgresql/<major>/bin newest first", () => {
        const files = [...both("/usr/local/bin"), ...both("/usr/bin"), ...both("/usr/lib/postgresql/15/bin"), ...both("/usr/lib/postgresql/17/bin"), ...both("/usr/lib/postgresql/9.6/bin")];
        const p = probe({ PATH: "/usr/local/bin:/nope:/usr/bin" }, files, ["15", "9.6", "17", "README"]);
        expect(candidateDirs(p)).toEqual(["/usr/local/bin", "/usr/bin", "/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/9.6/bin"]);
    });

    test("a folder with only one of the tools is skipped; a folder on PATH twice counts once", () => {
        const p = probe({ PATH: "/a:/b:/a" }, ["/a/pg_dump", ...both("/b")]);
        expect(candidateDirs(p)).toEqual(["/b"]);
    });

    test("PG_BIN overrides everything, and must hold both tools", () => {
        const files = [...both("/opt/pg16/bin"), ...both("/usr/bin")];
        expect(candidateDirs(probe({ PG_BIN: "/opt/pg16/bin", PATH: "/usr/bin" }, files))).toEqual(["/opt/pg16/bin"]);
        expect(() => candidateDirs(probe({ PG_BIN: "/opt/half", PATH: "/usr/bin" }, [...files, "/opt/half/pg_dump"]))).toThrow(/PG_BIN=\/opt\/half has no executable pg_restore/);
    });

    test("the first candidate new enough for the source wins; otherwise the error says what was found", () => {
        const found = [
            { dir: "/usr/bin", major: 14 },
            { dir: "/usr/lib/postgresql/17/bin", major: 17 },
            { dir: "/usr/lib/postgresql/16/bin", major: 16 },
        ];
        expect(chooseBinDir(found, 14).dir).toBe("/usr/bin");
        expect(chooseBinDir(found, 16).dir).toBe("/usr/lib/postgresql/17/bin");
        expect(() => chooseBinDir(found, 18)).toThrow(/no pg_dump of version 18 or newer.*\/usr\/bin \(14\)/);
        expect(() => chooseBinDir([], 15)).toThrow(/none found/);
    });

    test("versions are read from the tool and the server", () => {
        expect(parseToolVersion("pg_dump (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)\n")).toBe(15);
        expect(parseToolVersion("pg_dump (PostgreSQL) 9.6.24")).toBe(9.6);
        expect(() => parseToolVersion("bash: pg_dump: command not found")).toThrow(/cannot read/);
        expect(serverMajor(160004)).toBe(16);
        expect(serverMajor(90624)).toBe(9.6);
    });
});

describe("the stack-output contract", () => {
    const admin = { host: "10.1.2.3", port: 5432, user: "postgres", password: "pw", sslmode: "require" };

    test("outputs without any cluster: the database is used as exported", () => {
        expect(parseStackOutputs("ext", { databaseAdmin: admin, databases: ["shop", { name: "billing", user: "bill" }] })).toEqual({
            admin: { ...admin, database: "postgres" },
            databases: ["shop", "billing"],
            route: { kind: "direct" },
        });
    });

    test.each([
        [{ databases: ["shop"] }, /stack "s": no databaseAdmin output/],
        [{ databaseAdmin: { ...admin, port: "x" }, databases: ["shop"] }, /databaseAdmin.port must be a port number/],
        [{ databaseAdmin: { ...admin, password: "" }, databases: ["shop"] }, /databaseAdmin.password must be a non-empty string/],
        [{ databaseAdmin: admin, databases: [] }, /databases output must be a non-empty list/],
        [{ databaseAdmin: admin, databases: [{ user: "x" }] }, /entry without a name/],
        [{ databaseAdmin: admin, databases: ["shop"], kubeconfig: { clusters: [] }, namespace: "ns" }, /kubeconfig output must be a non-empty string/],
    ])("bad outputs are named: %j", (outputs, message) => {
        expect(() => parseStackOutputs("s", outputs)).toThrow(message);
    });
});

// The shapes come from the real program (index.ts under mocks), as `pulumi stack output --json`
// prints them: undefined outputs are absent. Hand-written shapes drifted from index.ts before.
describe("how each stack's database is reached, from what index.ts really exports", () => {
    const base = { home: "/home/me", cwd: "/src/slipway" };
    const asCli = (outputs: Record<string, unknown>) => JSON.parse(JSON.stringify(outputs)) as Record<string, any>;
    const outputs: Record<string, Record<string, any>> = {};

    beforeAll(async () => {
        for (const stack of ["dev", "e2e", "prod"]) outputs[stack] = asCli((await runStack(stack)).outputs);
    }, 120000);

    test("dev (k3d): port-forward to the in-cluster Service with the stack's own kubeconfig", () => {
        const dev = outputs.dev;
        const access = parseStackOutputs("dev", dev);
        expect(typeof dev.kubeconfig).toBe("string");
        expect(access.route).toEqual({ kind: "service", kube: { kind: "kubeconfig", kubeconfig: dev.kubeconfig }, namespace: dev.namespace, service: dev.databaseService, port: dev.databaseAdmin.port });
        // The exported host is the Service itself: only the cluster resolves it.
        expect(access.admin.host).toBe(dev.databaseService);
        expect(access.route.kind !== "direct" && kubectlGlobalArgs(access.route.kube, "/tmp/k/kubeconfig", base)).toEqual(["--kubeconfig", "/tmp/k/kubeconfig"]);
    });

    test("e2e (existing cluster): no kubeconfig output, so kubectl uses the stack's context of the user's kubeconfig", () => {
        const e2e = outputs.e2e;
        expect(e2e.kubeconfig).toBeUndefined();
        const context = parsedStackConfig("e2e").existing!.context;
        const access = parseStackOutputs("e2e", e2e);
        expect(access.route).toEqual({ kind: "service", kube: { kind: "context", context }, namespace: e2e.namespace, service: e2e.databaseService, port: e2e.databaseAdmin.port });
        expect(access.route.kind !== "direct" && kubectlGlobalArgs(access.route.kube, undefined, base)).toEqual(["--context", context]);
    });

    test("e2e with slipway:existing.kubeconfig: that file, '~' expanded and relative paths from the project", async () => {
        for (const [file, expected] of [
            ["~/.kube/e2e.yaml", "/home/me/.kube/e2e.yaml"],
            ["kube/e2e.yaml", "/src/slipway/kube/e2e.yaml"],
            ["/etc/kube/e2e.yaml", "/etc/kube/e2e.yaml"],
        ]) {
            const { config, secretKeys } = stackConfig("e2e", (v) => (v["slipway:existing"] = { ...v["slipway:existing"], kubeconfig: file }));
            const e2e = asCli((await runStack("e2e", { config, secretKeys })).outputs);
            const route = parseStackOutputs("e2e", e2e).route;
            expect(route.kind !== "direct" && kubectlGlobalArgs(route.kube, undefined, base)).toEqual(["--context", e2e.kubeContext, "--kubeconfig", expected]);
        }
    }, 60000);

    test("e2e outputs from a Slipway that did not export kubeContext fail, saying what is missing", () => {
        const { kubeContext, ...old } = outputs.e2e;
        expect(kubeContext).toBeDefined();
        expect(() => parseStackOutputs("e2e", old)).toThrow(/stack "e2e": databaseService is exported but neither kubeconfig nor kubeContext is.*--from-url/);
    });

    test("prod (GKE + Cloud SQL): a relay pod in the namespace to the private IP, TLS verified against the exported CA", () => {
        const prod = outputs.prod;
        expect(prod.databaseService).toBeUndefined();
        const access = parseStackOutputs("prod", prod);
        expect(access.route).toEqual({ kind: "relay", kube: { kind: "kubeconfig", kubeconfig: prod.kubeconfig }, namespace: prod.namespace, host: prod.databaseAdmin.host, port: prod.databaseAdmin.port });
        expect(access.route.kind === "relay" && access.route.host).toMatch(/^10\.\d+\.\d+\.\d+$/);
        expect(access.admin).toMatchObject({ user: prod.databaseAdmin.user, sslmode: "verify-ca" });
        // The CA bundle is handed to libpq and node-postgres as a file, with exactly the exported content.
        expect(require("fs").readFileSync(access.admin.sslrootcert!, "utf8")).toBe(prod.databaseAdmin.caCertificate);
        const { caCertificate: _ca, ...withoutCa } = prod.databaseAdmin;
        expect(() => parseStackOutputs("prod", { ...prod, databaseAdmin: withoutCa })).toThrow(/databaseAdmin\.sslmode is verify-ca but no caCertificate is exported/);
        const { namespace, ...noNamespace } = prod;
        expect(namespace).toBeDefined();
        expect(() => parseStackOutputs("prod", noNamespace)).toThrow(/stack "prod": namespace output is missing/);
    });

    test("resolving: only host and port change; the tunnel closes with the endpoint", async () => {
        for (const stack of ["dev", "e2e", "prod"]) {
            const events: string[] = [];
            const deps: ResolverDeps = {
                readStackOutputs: async (s) => outputs[s],
                openTunnel: async (route) => {
                    events.push(`open ${route.kind}`);
                    return { host: "127.0.0.1", port: 40123, via: `via ${route.kind}`, close: async () => void events.push("closed") };
                },
            };
            const exported = outputs[stack].databaseAdmin;
            const r = await resolveEndpoint({ kind: "stack", stack }, deps);
            expect(r.admin).toEqual({
                host: "127.0.0.1",
                port: 40123,
                user: exported.user,
                password: exported.password,
                sslmode: exported.sslmode,
                database: "postgres",
                ...(exported.caCertificate ? { sslrootcert: expect.stringMatching(/ca\.pem$/) } : {}),
            });
            expect(r.databases).toEqual(outputs[stack].databases);
            expect(r.label).toBe(`stack ${stack}: ${exported.user}@127.0.0.1:40123 (sslmode=${exported.sslmode}) via ${stack === "prod" ? "relay" : "service"}`);
            expect(r.label).not.toContain(exported.password);
            await r.close();
            expect(events).toEqual([`open ${stack === "prod" ? "relay" : "service"}`, "closed"]);
        }
    });
});

describe("kubectl: port-forward and the relay pod", () => {
    test("port-forward: a random local port on 127.0.0.1, read back from its output", () => {
        expect(portForwardArgs("service/pg", 5432)).toEqual(["port-forward", "--address", "127.0.0.1", "service/pg", ":5432"]);
        expect(parseForwardedPort("Forwarding from 127.0.0.1:43215 -> 5432\n")).toBe(43215);
        expect(parseForwardedPort("error: unable to forward")).toBeUndefined();
    });

    test("the relay pod meets Pod Security 'restricted', is pinned, sized, labelled and forwards to the target", () => {
        const o = relayOverrides({ host: "10.64.0.3", port: 5432 });
        const [c] = o.spec.containers;
        expect(o.spec.containers).toHaveLength(1);
        expect(o.spec.securityContext).toEqual({ runAsNonRoot: true, runAsUser: RELAY_UID, runAsGroup: RELAY_UID, seccompProfile: { type: "RuntimeDefault" } });
        expect(RELAY_UID).toBeGreaterThan(0);
        expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } });
        expect(o.spec.automountServiceAccountToken).toBe(false);
        expect(o.spec.restartPolicy).toBe("Never");
        expect(o.spec.activeDeadlineSeconds).toBeGreaterThan(3600);
        expect(c.image).toMatch(/^[\w.-]+\/[\w.-]+\/[\w.-]+:\d+(\.\d+)+$/);
        expect(c.resources).toEqual({ requests: { cpu: expect.any(String), memory: expect.any(String) }, limits: { memory: expect.any(String) } });
        expect(o.metadata.labels).toMatchObject({ "app.kubernetes.io/name": "slipway-migrate-relay", "app.kubernetes.io/part-of": "slipway" });
        expect(c.args).toEqual([`TCP-LISTEN:${RELAY_PORT},fork,reuseaddr`, "TCP:10.64.0.3:5432"]);
        expect(c.startupProbe.tcpSocket.port).toBe(RELAY_PORT);
    });

    test("kubectl run creates the pod from the overrides and returns at once", () => {
        const args = relayRunArgs("slipway-migrate-relay-abc123", { host: "10.64.0.3", port: 5432 }, "mirror.example/socat:1.8.0.3");
        expect(args.slice(0, 4)).toEqual(["run", "slipway-migrate-relay-abc123", "--image=mirror.example/socat:1.8.0.3", "--restart=Never"]);
        expect(JSON.parse(args[4].replace(/^--overrides=/, ""))).toEqual(relayOverrides({ host: "10.64.0.3", port: 5432 }, "mirror.example/socat:1.8.0.3"));
        expect(args.some((a) => a === "-i" || a === "--attach" || a === "--rm")).toBe(false);
        expect(relayPodName()).toMatch(/^slipway-migrate-relay-[0-9a-f]{6}$/);
        expect(relayPodName()).not.toBe(relayPodName());
    });

    test("socat's target: IPv4, IPv6 in brackets, host names; anything socat would parse as options is refused", () => {
        expect(socatConnect({ host: "10.64.0.3", port: 5432 })).toBe("TCP:10.64.0.3:5432");
        expect(socatConnect({ host: "fd00::3", port: 6432 })).toBe("TCP:[fd00::3]:6432");
        expect(socatConnect({ host: "db.internal.example", port: 5432 })).toBe("TCP:db.internal.example:5432");
        expect(() => socatConnect({ host: "10.0.0.1,fork", port: 5432 })).toThrow(/not a host name or IP address/);
        expect(() => socatConnect({ host: "h:1", port: 5432 })).toThrow(/not a host name/);
        expect(() => socatConnect({ host: "h", port: 0 })).toThrow(/not a port number/);
    });

    test("why a relay pod is not ready is read from its status", () => {
        const pulling = {
            status: {
                phase: "Pending",
                containerStatuses: [{ name: "relay", state: { waiting: { reason: "ImagePullBackOff", message: 'Back-off pulling image "docker.io/alpine/socat:1.8.0.3"' } } }],
            },
        };
        expect(describePodProblem(pulling)).toBe('container relay: ImagePullBackOff: Back-off pulling image "docker.io/alpine/socat:1.8.0.3"');
        const unschedulable = { status: { phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/3 nodes are available: 3 Insufficient memory." }] } };
        expect(describePodProblem(unschedulable)).toBe("not scheduled: Unschedulable 0/3 nodes are available: 3 Insufficient memory.");
        expect(describePodProblem({ status: { phase: "Failed", containerStatuses: [{ name: "relay", state: { terminated: { exitCode: 1, reason: "Error" } } }] } })).toBe("container relay exited 1 (Error)");
        expect(describePodProblem({ status: { phase: "Running", containerStatuses: [{ name: "relay", state: { running: {} } }] } })).toBeUndefined();
    });
});

describe("verification", () => {
    test("a table with other counts or missing on the target is a mismatch; extras are listed apart", () => {
        const source = new Map([["public.a", 10], ["public.b", 0], ["public.c", 5]]);
        const target = new Map([["public.a", 10], ["public.b", 1], ["public.z", 7]]);
        expect(compareCounts(source, target)).toEqual([
            { table: "public.a", source: 10, target: 10, ok: true },
            { table: "public.b", source: 0, target: 1, ok: false },
            { table: "public.c", source: 5, target: undefined, ok: false },
        ]);
        expect(extraTables(source, target)).toEqual(["public.z"]);
    });

    test("a sequence matches only with the same value and the same is_called", () => {
        const source = new Map([["public.s", { lastValue: "5000", isCalled: true }], ["public.t", { lastValue: "1", isCalled: false }]]);
        expect(compareSequences(source, new Map(source)).every((c) => c.ok)).toBe(true);
        const target = new Map([["public.s", { lastValue: "5000", isCalled: false }]]);
        expect(compareSequences(source, target).map((c) => c.ok)).toEqual([false, false]);
    });
});
