// The stack config contract: defaults, unknown keys, messages that name key + value + what is
// allowed, cross-field rules, secrets kept out of messages, and failing before any resource exists.
import { ConfigError, isPinnedImage, parseConfig, readStackConfig } from "../config";
import { observeRun, stackConfig } from "./helpers";

const PODINFO = "ghcr.io/stefanprodan/podinfo:6.7.1";
const DIGEST = `ghcr.io/stefanprodan/podinfo@sha256:${"0123456789abcdef".repeat(4)}`;

/** A small valid k3d config (decoded values, keys without `slipway:`). */
function validRaw(): Record<string, any> {
    return {
        target: "k3d",
        cluster: { name: "shop" },
        database: { databases: [{ name: "shop" }] },
        apps: [
            { name: "web", kind: "web", image: PODINFO, port: 9898, database: "shop", connectsTo: ["kv"] },
            { name: "worker", kind: "worker", image: PODINFO, port: 9898 },
            { name: "kv", kind: "stateful", image: "quay.io/coreos/etcd:v3.5.17", port: 2379, replicas: 3, storage: { size: "1Gi" } },
        ],
    };
}

const ctx = (secretKeys: string[] = []) => ({ stack: "test", secretKeys: new Set(secretKeys) });

function edited(edit: (raw: Record<string, any>) => void): Record<string, any> {
    const raw = validRaw();
    edit(raw);
    return raw;
}

/** The problems of a config that must be refused; fails the test if it is accepted. */
function problemsOf(raw: Record<string, unknown>, secretKeys: string[] = []): string[] {
    try {
        parseConfig(raw, ctx(secretKeys));
    } catch (e) {
        if (e instanceof ConfigError) return e.problems;
        throw e;
    }
    throw new Error("expected a ConfigError, but the config was accepted");
}

/** The one problem reported for `key` (e.g. `slipway:apps[0].port`). */
function problemAt(raw: Record<string, unknown>, key: string, secretKeys: string[] = []): string {
    const problems = problemsOf(raw, secretKeys);
    const hits = problems.filter((p) => p.startsWith(`${key}:`));
    if (hits.length !== 1) throw new Error(`expected one problem at ${key}, got:\n  ${problems.join("\n  ")}`);
    return hits[0];
}

describe("valid config and defaults", () => {
    test("the sample is accepted and defaults are applied", () => {
        const cfg = parseConfig(validRaw(), ctx());
        expect(cfg.stack).toBe("test");
        expect(cfg.cluster.kubernetesVersion).toBe("1.35");
        // No explicit namespace: the cluster's name is the apps' namespace.
        expect(cfg.namespace).toBe("shop");
        expect(cfg.k3d).toMatchObject({ servers: 1, agents: 0, subnet: "172.28.0.0/16", httpPort: 8080, httpsPort: 8443, apiPort: 6550 });
        expect(cfg.k3d!.dataDir).toBeUndefined();
        const web = cfg.apps.find((a) => a.name === "web")!;
        expect(web).toMatchObject({ replicas: 1, size: "small", env: {}, secretEnv: {}, runAsUser: 10001, readOnlyRootFilesystem: true });
        expect(web.health.startupSeconds).toBe(120);
    });

    test("an explicit namespace wins over the cluster name", () => {
        expect(parseConfig(edited((r) => (r.namespace = "apps")), ctx()).namespace).toBe("apps");
    });

    test("database.mode defaults to in-cluster where no managed Postgres exists, managed elsewhere", () => {
        expect(parseConfig(validRaw(), ctx()).database!.mode).toBe("in-cluster");
        const existing = edited((r) => {
            r.target = "existing";
            r.existing = { context: "kind-shop", storage: { provisioner: "rancher.io/local-path" } };
        });
        expect(parseConfig(existing, ctx()).database!.mode).toBe("in-cluster");
        const gke = edited((r) => {
            r.target = "gke";
            r.gke = { project: "my-project", region: "us-central1" };
        });
        const parsed = parseConfig(gke, ctx());
        expect(parsed.database!.mode).toBe("managed");
        // The k3d section is only defaulted for the k3d target.
        expect(parsed.k3d).toBeUndefined();
    });

    test("an explicit in-cluster mode is kept on a managed target", () => {
        const gke = edited((r) => {
            r.target = "gke";
            r.gke = { project: "my-project", region: "us-central1" };
            r.database.mode = "in-cluster";
        });
        expect(parseConfig(gke, ctx()).database!.mode).toBe("in-cluster");
    });
});

describe("unknown keys are refused at every level", () => {
    test("a misspelled app key names its full path, the value and the allowed keys", () => {
        const message = problemAt(edited((r) => (r.apps[0].replcas = 3)), "slipway:apps[0].replcas");
        expect(message).toContain("got 3");
        expect(message).toMatch(/allowed keys: .*\breplicas\b/);
        expect(message).toMatch(/allowed keys: .*\bimage\b/);
    });

    test.each([
        ["top level", (r: any) => (r.replicas = 2), "slipway:replicas", "apps"],
        ["cluster", (r: any) => (r.cluster.version = "1.31"), "slipway:cluster.version", "kubernetesVersion"],
        ["cluster.nodes", (r: any) => (r.cluster.nodes = { mn: 1 }), "slipway:cluster.nodes.mn", "min"],
        ["k3d", (r: any) => (r.k3d = { agent: 1 }), "slipway:k3d.agent", "agents"],
        ["database", (r: any) => (r.database.replicas = 2), "slipway:database.replicas", "databases"],
        ["database.databases[]", (r: any) => (r.database.databases[0].owner = "x"), "slipway:database.databases[0].owner", "user"],
        ["database.pool", (r: any) => (r.database.pool = { size: 5 }), "slipway:database.pool.size", "defaultPoolSize"],
        ["database.backup", (r: any) => (r.database.backup = { kep: 3 }), "slipway:database.backup.kep", "keep"],
        ["apps[].ingress", (r: any) => (r.apps[0].ingress = { hots: "a.example.com", host: "a.example.com" }), "slipway:apps[0].ingress.hots", "host"],
        ["apps[].health", (r: any) => (r.apps[0].health = { pth: "/" }), "slipway:apps[0].health.pth", "path"],
        ["apps[].storage", (r: any) => (r.apps[2].storage = { sise: "1Gi" }), "slipway:apps[2].storage.sise", "mountPath"],
        ["apps[].migrate", (r: any) => (r.apps[0].migrate = { command: ["x"], cmd: ["x"] }), "slipway:apps[0].migrate.cmd", "command"],
    ])("%s", (_level, edit, key, allowedExample) => {
        const message = problemAt(edited(edit), key);
        expect(message).toContain("unknown key");
        expect(message).toMatch(new RegExp(`allowed keys: .*\\b${allowedExample}\\b`));
    });

    test("an unknown key in the existing target's section", () => {
        const raw = edited((r) => {
            r.target = "existing";
            r.existing = { context: "kind", ctx: "kind" };
        });
        expect(problemAt(raw, "slipway:existing.ctx")).toMatch(/got "kind".*allowed keys: .*\bcontext\b/);
    });

    test("a secretEnv source of neither shape says which shapes are allowed", () => {
        const message = problemAt(edited((r) => (r.apps[0].secretEnv = { API_KEY: { generated: true } })), "slipway:apps[0].secretEnv.API_KEY");
        expect(message).toContain('{"generated":true}');
        expect(message).toContain("generate");
        expect(message).toContain("config");
    });
});

describe("each error names the key, the bad value and what is allowed", () => {
    test.each([
        ["port out of range", (r: any) => (r.apps[0].port = 99999), "slipway:apps[0].port", ["99999", "65535"]],
        ["unknown target", (r: any) => (r.target = "aws"), "slipway:target", ['"aws"', "k3d", "existing"]],
        ["cluster name not DNS-safe", (r: any) => (r.cluster.name = "Shop_1"), "slipway:cluster.name", ['"Shop_1"', "DNS-1123"]],
        ["app name not DNS-safe", (r: any) => (r.apps[1].name = "Worker"), "slipway:apps[1].name", ['"Worker"', "DNS-1123"]],
        ["Kubernetes minor past end of life", (r: any) => (r.cluster.kubernetesVersion = "1.34"), "slipway:cluster.kubernetesVersion", ['"1.34"', "1.35"]],
        ["image on :latest", (r: any) => (r.apps[0].image = "nginx:latest"), "slipway:apps[0].image", ['"nginx:latest"', "pinned"]],
        ["untagged image", (r: any) => (r.apps[0].image = "nginx"), "slipway:apps[0].image", ['"nginx"', "pinned"]],
        // A registry port is not a tag.
        ["untagged image on a registry with a port", (r: any) => (r.apps[0].image = "registry.local:5000/team/app"), "slipway:apps[0].image", ["registry.local:5000/team/app"]],
        ["malformed digest", (r: any) => (r.apps[0].image = "nginx@sha256:abc"), "slipway:apps[0].image", ['"nginx@sha256:abc"']],
        ["relative k3d dataDir", (r: any) => (r.k3d = { dataDir: "data" }), "slipway:k3d.dataDir", ['"data"', "absolute"]],
        ["k3d subnet too wide", (r: any) => (r.k3d = { subnet: "10.0.0.0/8" }), "slipway:k3d.subnet", ['"10.0.0.0/8"', "/16"]],
        ["ingress host not a FQDN", (r: any) => (r.apps[0].ingress = { host: "shop" }), "slipway:apps[0].ingress.host", ['"shop"', "host name"]],
        ["replicas not an integer", (r: any) => (r.apps[0].replicas = 1.5), "slipway:apps[0].replicas", ["1.5", "integer"]],
    ])("%s", (_case, edit, key, fragments) => {
        const message = problemAt(edited(edit), key);
        for (const fragment of fragments) expect(message).toContain(fragment);
    });

    test("pinned images are accepted: a tag, a registry with a port and a tag, a digest", () => {
        for (const image of [PODINFO, "registry.local:5000/team/app:1.2.3", DIGEST]) {
            expect(() => parseConfig(edited((r) => (r.apps[0].image = image)), ctx())).not.toThrow();
        }
    });

    test("isPinnedImage: tag or sha256 digest, never latest", () => {
        expect(isPinnedImage("redis:7.2.5")).toBe(true);
        expect(isPinnedImage(DIGEST)).toBe(true);
        expect(isPinnedImage("redis")).toBe(false);
        expect(isPinnedImage("redis:latest")).toBe(false);
        expect(isPinnedImage("localhost:5000/redis")).toBe(false);
        expect(isPinnedImage("redis:7 ")).toBe(false);
        expect(isPinnedImage("")).toBe(false);
    });
});

describe("cross-field rules", () => {
    test("duplicate app names", () => {
        expect(problemAt(edited((r) => (r.apps[1].name = "web")), "slipway:apps")).toContain('"web"');
    });

    test("duplicate database names", () => {
        const raw = edited((r) => (r.database.databases = [{ name: "shop" }, { name: "shop", user: "other" }]));
        expect(problemsOf(raw).some((p) => p.startsWith("slipway:database.databases:") && p.includes('"shop"') && p.includes("more than once"))).toBe(true);
    });

    test("an app's database must be declared", () => {
        const message = problemAt(edited((r) => (r.apps[0].database = "orders")), "slipway:apps[0].database");
        expect(message).toContain('"orders"');
        expect(message).toContain("shop");
    });

    test.each(["k3d", "existing"])("mode: managed is refused on %s", (target) => {
        const raw = edited((r) => {
            r.target = target;
            if (target === "existing") r.existing = { context: "kind", storage: { retainedClass: "keep" } };
            r.database.mode = "managed";
        });
        const message = problemAt(raw, "slipway:database.mode");
        expect(message).toContain('"managed"');
        expect(message).toContain(`"${target}"`);
        expect(message).toContain('"in-cluster"');
    });

    test("mode: managed is accepted where the target has it", () => {
        const raw = edited((r) => {
            r.target = "gke";
            r.gke = { project: "my-project", region: "us-central1" };
            r.database.mode = "managed";
        });
        expect(parseConfig(raw, ctx()).database!.mode).toBe("managed");
    });

    test("a web app needs a port", () => {
        expect(problemAt(edited((r) => delete r.apps[0].port), "slipway:apps[0].port")).toContain('"web"');
    });

    test("a worker needs a port or a health command, so it has probes", () => {
        expect(problemAt(edited((r) => delete r.apps[1].port), "slipway:apps[1].health.command")).toContain("worker");
        const withCommand = edited((r) => {
            delete r.apps[1].port;
            r.apps[1].health = { command: ["celery", "inspect", "ping"] };
        });
        expect(() => parseConfig(withCommand, ctx())).not.toThrow();
    });

    test("only web apps get ingress", () => {
        const message = problemAt(edited((r) => (r.apps[1].ingress = { host: "w.example.com" })), "slipway:apps[1].ingress");
        expect(message).toContain('"worker"');
    });

    test("only stateful apps get storage", () => {
        expect(problemAt(edited((r) => (r.apps[0].storage = { size: "1Gi" })), "slipway:apps[0].storage")).toContain('"web"');
    });

    test("connectsTo must name another declared app", () => {
        const unknown = problemAt(edited((r) => (r.apps[0].connectsTo = ["cache"])), "slipway:apps[0].connectsTo[0]");
        expect(unknown).toContain('"cache"');
        expect(unknown).toContain("kv");
        expect(problemAt(edited((r) => (r.apps[0].connectsTo = ["web"])), "slipway:apps[0].connectsTo[0]")).toContain('"web"');
    });

    test("a credential-looking name in plain env is refused without echoing its value", () => {
        const message = problemAt(edited((r) => (r.apps[0].env = { DB_PASSWORD: "hunter2-plain" })), "slipway:apps[0].env.DB_PASSWORD");
        expect(message).toContain("secretEnv");
        expect(message).not.toContain("hunter2-plain");
        for (const name of ["API_TOKEN", "STRIPE_SECRET", "GITHUB_API_KEY"]) {
            expect(problemsOf(edited((r) => (r.apps[0].env = { [name]: "x" }))).some((p) => p.startsWith(`slipway:apps[0].env.${name}:`))).toBe(true);
        }
        expect(() => parseConfig(edited((r) => (r.apps[0].env = { LOG_LEVEL: "info" })), ctx())).not.toThrow();
    });

    // The issue's own examples: each reaches the pod spec today unless refused here.
    test.each([
        ["STRIPE_KEY", "sk_live_51HqfakeKeyForTestsOnly0000", "stripeKey"],
        ["DJANGO_SECRET_KEY", "django-insecure-9x!k2p(qv)fake", "djangoSecretKey"],
        ["AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYfakeEXAMPLE", "awsSecretAccessKey"],
        ["AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE", "awsAccessKeyId"],
        ["UPSTREAM_URL", "https://deploy:s3cr3t-pw@api.example.com/v1", "upstreamUrl"],
        ["CELERY_BROKER", "amqp://guest:guestpw@rabbit:5672//", "celeryBroker"],
    ])("env %s is refused, with the fix in the message and the value nowhere", (name, value, key) => {
        const problems = problemsOf(edited((r) => (r.apps[0].env = { [name]: value })));
        const message = problems.find((p) => p.startsWith(`slipway:apps[0].env.${name}:`));
        expect(message).toContain(`pulumi config set --secret ${key} <value>`);
        expect(message).toContain(`secretEnv: { ${name}: { config: ${key} } }`);
        expect(problems.join("\n")).not.toContain(value);
    });

    test.each([
        ["LOG_LEVEL", "info"],
        ["PUBLIC_API_URL", "https://api.example.com/v1"],
        ["REDIS_HOST_URL", "redis://cache:6379/0"],
        ["DB_USER_URL", "postgres://app@db:5432/app"],
        ["CACHE_KEY_PREFIX", "shop"],
        ["DJANGO_ALLOWED_HOSTS", "shop.example.com,localhost"],
    ])("env %s=%s is plain configuration and accepted", (name, value) => {
        expect(() => parseConfig(edited((r) => (r.apps[0].env = { [name]: value })), ctx())).not.toThrow();
    });

    test("a mistyped env value (not a string) is reported without repeating it", () => {
        const message = problemAt(edited((r) => (r.apps[0].env = { API_PORT: 8443123 })), "slipway:apps[0].env.API_PORT");
        expect(message).not.toContain("8443123");
        expect(message).toContain("not shown");
    });

    test("names Slipway injects cannot be set by hand in env", () => {
        expect(problemAt(edited((r) => (r.apps[0].env = { DATABASE_URL: "postgres://x" })), "slipway:apps[0].env.DATABASE_URL")).toContain("Slipway");
    });

    test("names Slipway injects cannot be set by hand in secretEnv, and the message points at secretEnv", () => {
        const raw = edited((r) => (r.apps[0].secretEnv = { REDIS_URL: { generate: { length: 32 } } }));
        // Regression: the path once said `env.` whatever section set the name.
        expect(problemsOf(raw).some((p) => p.startsWith("slipway:apps[0].secretEnv.REDIS_URL:"))).toBe(true);
    });

    test("a secretEnv config key must be set", () => {
        const raw = edited((r) => (r.apps[0].secretEnv = { API_TOKEN: { config: "apiToken" } }));
        const message = problemAt(raw, "slipway:apps[0].secretEnv.API_TOKEN.config");
        expect(message).toContain("slipway:apiToken");
        expect(message).toContain("pulumi config set --secret apiToken");
    });

    test("a secretEnv config key stored in plain text is refused without echoing it", () => {
        const raw = edited((r) => {
            r.apps[0].secretEnv = { API_TOKEN: { config: "apiToken" } };
            r.apiToken = "plaintext-token-value";
        });
        const message = problemAt(raw, "slipway:apps[0].secretEnv.API_TOKEN.config");
        expect(message).toContain("plain text");
        expect(message).not.toContain("plaintext-token-value");
        // The same key set with --secret is accepted, and is not an "unknown key".
        expect(parseConfig(raw, ctx(["apiToken"])).apps[0].secretEnv.API_TOKEN).toEqual({ config: "apiToken" });
    });

    test("a target section given for another target", () => {
        const raw = edited((r) => (r.gke = { project: "my-project", region: "us-central1" }));
        const message = problemAt(raw, "slipway:gke");
        expect(message).toContain('"gke"');
        expect(message).toContain('"k3d"');
    });

    test("the selected target's section is required where it has no defaults", () => {
        expect(problemAt(edited((r) => (r.target = "existing")), "slipway:existing")).toContain("required");
    });
});

describe("several problems are reported together", () => {
    test("schema problems at different levels in one error", () => {
        const raw = edited((r) => {
            r.colour = "blue";
            r.apps[0].port = 99999;
            r.apps[1].image = "nginx:latest";
            r.cluster.nodes = { min: 0 };
        });
        const keys = problemsOf(raw).map((p) => p.slice(0, p.indexOf(": ")));
        expect(keys).toEqual(expect.arrayContaining(["slipway:colour", "slipway:apps[0].port", "slipway:apps[1].image", "slipway:cluster.nodes.min"]));
    });

    test("cross-field problems in one error, all listed in its message", () => {
        const raw = edited((r) => {
            r.apps[0].database = "orders";
            r.apps[1].ingress = { host: "w.example.com" };
            r.apps[2].connectsTo = ["nope"];
            r.database.mode = "managed";
        });
        let error: ConfigError | undefined;
        try {
            parseConfig(raw, ctx());
        } catch (e) {
            error = e as ConfigError;
        }
        expect(error).toBeInstanceOf(ConfigError);
        for (const key of ["slipway:apps[0].database", "slipway:apps[1].ingress", "slipway:apps[2].connectsTo[0]", "slipway:database.mode"]) {
            expect(error!.message).toContain(`${key}:`);
        }
    });
});

describe("every mistake at once (issue: guardrails)", () => {
    const messageOf = (raw: Record<string, any>) => {
        try {
            parseConfig(raw, ctx());
        } catch (e) {
            return (e as ConfigError).message;
        }
        return "";
    };

    test("a section left from another target and the target section's own errors, in one error", () => {
        const message = messageOf(edited((r) => {
            r.target = "doks";
            r.k3d = { servers: 1 };
            r.doks = { region: "mars", podCidr: "10.244.0.0/12" };
            r.database.version = "14";
        }));
        expect(message).toContain('slipway:k3d: only read when slipway:target is "k3d", but target is "doks"; remove it');
        expect(message).toContain("slipway:doks.region:");
        expect(message).toContain("slipway:doks.podCidr:");
        expect(message).toContain("slipway:database.version:");
    });

    test("schema errors do not hide cross-field ones: every valid section and app is still checked", () => {
        const message = messageOf(edited((r) => {
            r.apps[1].image = "nginx:latest"; // schema (the worker)
            r.apps[0].database = "orders"; // cross-field (web names a database not declared)
            r.apps[2].connectsTo = ["nope"]; // cross-field (kv names an app that does not exist)
            r.cluster.nodes = { min: 0 }; // schema
            r.database.mode = "managed"; // cross-field (k3d has no managed Postgres)
        }));
        for (const key of ["slipway:apps[1].image", "slipway:apps[0].database", "slipway:apps[2].connectsTo[0]", "slipway:cluster.nodes.min", "slipway:database.mode"]) expect(message).toContain(`${key}:`);
        // A rule that reads a section which failed waits for it: no guess about the databases.
        const broken = messageOf(edited((r) => {
            r.database.databases = [{ name: "Bad-Name" }];
            r.apps[0].database = "orders";
        }));
        expect(broken).toContain("slipway:database.databases[0].name:");
        expect(broken).not.toContain("slipway:apps[0].database:");
    });

    test("a misspelled key gets a suggestion, at the top and inside sections", () => {
        const message = messageOf(edited((r) => {
            r.clustr = { name: "x" };
            r.cluster.nodez = { min: 1 };
            r.apps[0].replcias = 2;
        }));
        expect(message).toContain('slipway:clustr: unknown key (did you mean "cluster"?)');
        expect(message).toContain('slipway:cluster.nodez: unknown key (did you mean "nodes"?)');
        expect(message).toMatch(/slipway:apps\[0\]\.replcias: unknown key \(did you mean "replicas"\?\).*\(app "web"\)/);
        // No suggestion for something nothing resembles.
        expect(messageOf(edited((r) => (r.colour = "blue")))).not.toContain("did you mean");
    });

    test("apps are named by name, not only by index", () => {
        const message = messageOf(edited((r) => {
            r.apps[1].image = "nginx:latest";
            r.apps[2].replicas = 1000;
        }));
        expect(message).toMatch(/slipway:apps\[1\]\.image: .*\(app "worker"\)/);
        expect(message).toMatch(/slipway:apps\[2\]\.replicas: .*\(app "kv"\)/);
        expect(messageOf(edited((r) => (r.apps[2].connectsTo = ["nope"])))).toMatch(/slipway:apps\[2\]\.connectsTo\[0\]: .*\(app "kv"\)/);
    });

    test("the target's own rules come in the same error as the cross-field ones, before any resource", async () => {
        const observed = await observeRun("eks", stackConfig("eks", (v) => {
            v["slipway:cluster"].kubernetesVersion = "1.37"; // EKS does not offer it (providers/eks)
            v["slipway:database"].storageGb = 10; // below RDS's 20 GiB (providers/eks/rds)
            v["slipway:apps"][0].database = "orders"; // not declared (config.ts)
        }));
        const message = String(observed.error);
        for (const key of ["slipway:cluster.kubernetesVersion", "slipway:database.storageGb", "slipway:apps[0].database"]) expect(message).toContain(`${key}:`);
        expect(message.match(/Invalid Slipway stack config/g)).toHaveLength(1);
        expect(observed.registered).toEqual([]);
        // An app's schema error does not hold them back either.
        const alsoApp = await observeRun("eks", stackConfig("eks", (v) => {
            v["slipway:cluster"].kubernetesVersion = "1.37";
            v["slipway:apps"][1].image = "nginx:latest";
        }));
        expect(String(alsoApp.error)).toContain("slipway:cluster.kubernetesVersion:");
        expect(String(alsoApp.error)).toContain("slipway:apps[1].image:");
    });
});

describe("rules that had no test until the guardrails issue (coverage showed them)", () => {
    test.each([
        ["in-cluster Postgres with a standby", (r: any) => (r.database.highAvailability = true), "slipway:database.highAvailability"],
        ["a storage cap below the size", (r: any) => Object.assign(r.database, { storageGb: 20, maxStorageGb: 10 }), "slipway:database.maxStorageGb"],
        ["one user owning two databases", (r: any) => (r.database.databases = [{ name: "shop", user: "svc" }, { name: "orders", user: "svc" }]), "slipway:database.databases"],
        ["a probe with both a path and a command", (r: any) => (r.apps[0].health = { path: "/healthz", command: ["true"] }), "slipway:apps[0].health"],
        ["a probe Host header without an HTTP probe", (r: any) => (r.apps[0].health = { host: "shop.example.com" }), "slipway:apps[0].health.host"],
    ])("%s", (_case, edit, key) => {
        expect(problemsOf(edited(edit)).join("\n")).toContain(`${key}:`);
    });

    test("managed Postgres refuses backups turned off", () => {
        const raw = edited((r) => {
            r.target = "gke";
            r.gke = { project: "my-project", region: "us-central1" };
            r.database.backup = { enabled: false };
        });
        expect(() => parseConfig(raw, { ...ctx(), targetProblems: (cfg) => require("../providers/gke").configProblems(cfg) })).toThrow("slipway:database.backup.enabled: got false");
    });

    test("the targets' own checks of their section, as their constructors run them", () => {
        const { gkeProblems } = require("../providers/gke/validate");
        const base = { name: "c", kubernetesVersion: "1.35", nodes: { min: 1, max: 3, size: "small" } };
        expect(gkeProblems({ ...base, gke: {} }).join("\n")).toMatch(/slipway:gke.project: required[\s\S]*slipway:gke.region: required/);
        expect(gkeProblems({ ...base, gke: { project: "X", region: "us-central1-a" } }).join("\n")).toMatch(/slipway:gke.project: got "X"[\s\S]*which is a zone/);
        expect(gkeProblems({ ...base, gke: { project: "my-project", region: "mars" } }).join("\n")).toContain('slipway:gke.region: got "mars"');
        expect(require("../providers/eks/validate").eksProblems({ name: "c", kubernetesVersion: "1.35" }).join("\n")).toContain("slipway:eks: required");
        expect(require("../providers/doks/validate").doksProblems({ name: "c", kubernetesVersion: "1.35", managedCache: { memoryMb: 20000 } }).join("\n")).toMatch(/slipway:doks: required[\s\S]*slipway:cache.memoryMb/);
    });
});

describe("readStackConfig (the runtime's flat config)", () => {
    const flat = (raw: Record<string, unknown>) =>
        Object.fromEntries(Object.entries(raw).map(([k, v]) => [`slipway:${k}`, typeof v === "string" ? v : JSON.stringify(v)]));

    test("decodes JSON objects, keeps scalars, and ignores other namespaces", () => {
        const all = { ...flat(validRaw()), "aws:region": "us-east-1" };
        const cfg = readStackConfig("dev", all, () => false);
        expect(cfg.target).toBe("k3d");
        expect(cfg.apps.map((a) => a.name)).toEqual(["web", "worker", "kv"]);
    });

    const SECRET = "s3cr3t-Value-that-must-not-leak";

    test("a secret's value never appears in an error message", () => {
        const all = {
            ...flat(edited((r) => (r.apps[0].port = 99999))),
            // Unreferenced secret key, and a known key mistakenly set as a secret.
            "slipway:stripeKey": SECRET,
            "slipway:namespace": `${SECRET}-ns`,
        };
        const isSecret = (k: string) => k === "slipway:stripeKey" || k === "slipway:namespace";
        let message = "";
        try {
            readStackConfig("dev", all, isSecret);
        } catch (e) {
            message = (e as Error).message;
        }
        expect(message).toContain("slipway:stripeKey");
        expect(message).toContain("slipway:namespace");
        expect(message).not.toContain(SECRET);
        // Control: the same values stored in plain text are echoed, so the masking is what hides them.
        expect(() => readStackConfig("dev", all, () => false)).toThrow(SECRET);
    });

    test("a secret named by secretEnv is accepted when set with --secret", () => {
        const all = { ...flat(edited((r) => (r.apps[0].secretEnv = { STRIPE_KEY: { config: "stripeKey" } }))), "slipway:stripeKey": SECRET };
        const cfg = readStackConfig("dev", all, (k) => k === "slipway:stripeKey");
        expect(cfg.apps[0].secretEnv.STRIPE_KEY).toEqual({ config: "stripeKey" });
        expect(() => readStackConfig("dev", all, () => false)).toThrow(/slipway:apps\[0\]\.secretEnv\.STRIPE_KEY\.config: .*plain text/);
    });

    test("a plain value that is not valid JSON still gets a message naming its key", () => {
        const all = { ...flat(validRaw()), "slipway:namespace": "[shop" };
        // Regression: a bare SyntaxError from JSON.parse once named no key.
        expect(() => readStackConfig("dev", all, () => false)).toThrow(ConfigError);
        expect(() => readStackConfig("dev", all, () => false)).toThrow(/slipway:namespace: .*"\[shop"/);
    });
});

describe("a bad stack config fails before any resource is registered", () => {
    test("control: the dev stack as written registers resources", async () => {
        const observed = await observeRun("dev", stackConfig("dev"));
        expect(observed.error).toBeUndefined();
        expect(observed.registered.length).toBeGreaterThan(0);
    });

    test.each([
        ["a misspelled app key", (v: any) => (v["slipway:apps"][0].replcas = 3), "slipway:apps[0].replcas"],
        ["a cross-field problem", (v: any) => (v["slipway:database"] = { mode: "managed", databases: [{ name: "shop" }] }), "slipway:database.mode"],
    ])("%s", async (_case, edit, key) => {
        const observed = await observeRun("dev", stackConfig("dev", edit));
        expect(observed.error?.name).toBe("ConfigError");
        expect(observed.error.message).toContain(`${key}:`);
        expect(observed.registered).toEqual([]);
    });
});
