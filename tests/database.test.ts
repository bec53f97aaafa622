// The data layer as the dev stack registers it: Postgres, its bootstrap Job, PgBouncer, Redis,
// backups, connection Secrets and NetworkPolicies — actual inputs and options, under mocks.
import type { ProgramRun, RecordedResource } from "../scripts/offline";
import { allStrings, find, findAll, isSecretPath, podSpec, runStack, stackConfig } from "./helpers";
import { POSTGRES_IMAGES, POSTGRES_VERSIONS } from "../versions";
import { dataKeptProblems, retainedProviderOf } from "./helpers";

let dev: ProgramRun;
beforeAll(async () => {
    dev = await runStack("dev");
});

const container = (r: RecordedResource, name?: string) => {
    const containers = podSpec(r).containers as any[];
    return name ? containers.find((c) => c.name === name) : containers[0];
};
const envValue = (c: any, name: string) => (c.env as any[]).find((e) => e.name === name);
// The mock RandomPassword results all start with this, so any leak of a password is visible.
const PASSWORD_MARK = "offline-";

describe("in-cluster Postgres", () => {
    test("StatefulSet keeps its data: retained class, PVC retention Retain, a namespace kept through destroy", () => {
        const sts = find(dev, "StatefulSet", "shop-db-postgres-statefulset");
        expect(dataKeptProblems(dev, sts)).toEqual([]);
        expect(sts.inputs.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
        const [claim] = sts.inputs.spec.volumeClaimTemplates;
        expect(claim.spec.storageClassName).toBe("local-path-retain");
        expect(claim.spec.resources.requests.storage).toBe("5Gi");
        expect(podSpec(sts).volumes.map((v: any) => v.name)).not.toContain("data"); // the data volume is the PVC, never an emptyDir
    });

    test("runs the pinned official image of the configured major as its own user", () => {
        const sts = find(dev, "StatefulSet", "shop-db-postgres-statefulset");
        const pg = container(sts, "postgres");
        expect(pg.image).toBe(POSTGRES_IMAGES["16"]);
        expect(pg.image).toMatch(/^postgres:16\.\d+-bookworm$/);
        expect(podSpec(sts).securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999, fsGroup: 999, seccompProfile: { type: "RuntimeDefault" } });
        expect(pg.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
        expect(envValue(pg, "PGDATA").value).toBe("/var/lib/postgresql/data/pgdata");
        expect(pg.resources.requests.memory).toBeDefined();
        expect(pg.resources.limits.memory).toBeDefined();
    });

    test("pg_isready probes, and a startup probe long enough for crash recovery", () => {
        const pg = container(find(dev, "StatefulSet", "shop-db-postgres-statefulset"), "postgres");
        for (const probe of [pg.startupProbe, pg.readinessProbe, pg.livenessProbe]) expect(probe.exec.command[0]).toBe("pg_isready");
        expect(pg.startupProbe.periodSeconds * pg.startupProbe.failureThreshold).toBeGreaterThanOrEqual(600);
    });

    test("the superuser password comes from the Secret and is re-applied on every start", () => {
        const pg = container(find(dev, "StatefulSet", "shop-db-postgres-statefulset"), "postgres");
        expect(envValue(pg, "POSTGRES_PASSWORD")).toEqual({ name: "POSTGRES_PASSWORD", valueFrom: { secretKeyRef: { name: "postgres-superuser", key: "POSTGRES_PASSWORD" } } });
        const hook = pg.lifecycle.postStart.exec.command.join(" ");
        expect(hook).toContain("\\getenv pw POSTGRES_PASSWORD");
        expect(hook).toContain("ALTER ROLE postgres WITH PASSWORD :'pw'");
    });

    test("one RandomPassword per role, each kept secret", () => {
        for (const role of ["superuser", "shop", "billing"]) {
            const pw = find(dev, "random:index/randomPassword:RandomPassword", `shop-db-postgres-${role}-password`);
            expect(pw.additionalSecretOutputs).toContain("result");
            expect(pw.inputs.special).toBe(false);
            expect(pw.inputs.length).toBeGreaterThanOrEqual(32);
        }
    });

    test("credentials live only in Secrets (stringData secret), never in ConfigMaps or env literals", () => {
        for (const name of ["shop-db-postgres-superuser", "shop-db-bootstrap-credentials", "shop-db-pgbouncer-auth", "shop-db-shop-connection", "shop-db-billing-connection", "shop-cache-credentials"]) {
            expect(isSecretPath(find(dev, "Secret", name), "stringData")).toBe(true);
        }
        for (const cm of findAll(dev, "ConfigMap")) {
            expect(allStrings(cm.inputs).filter((s) => s.includes(PASSWORD_MARK))).toEqual([]);
        }
        for (const r of dev.resources.filter((x) => x.inputs?.spec?.template || x.inputs?.spec?.jobTemplate)) {
            const pod = r.inputs.spec.template?.spec ?? r.inputs.spec.jobTemplate.spec.template.spec;
            const literals = pod.containers.flatMap((c: any) => (c.env ?? []).map((e: any) => e.value ?? "")).concat(pod.containers.flatMap((c: any) => [...(c.command ?? []), ...(c.args ?? [])]));
            expect(literals.filter((s: string) => s.includes(PASSWORD_MARK))).toEqual([]);
        }
    });

    test("the bootstrap Secret holds the admin's password and one per service under the SQL's env names", () => {
        const credentials = find(dev, "Secret", "shop-db-bootstrap-credentials");
        expect(credentials.inputs.metadata.name).toBe("postgres-bootstrap");
        expect(Object.keys(credentials.inputs.stringData).sort()).toEqual(["PGPASSWORD", "SLIPWAY_PASSWORD_BILLING", "SLIPWAY_PASSWORD_SHOP"]);
        // The admin here is the superuser, whose password the server also gets.
        const superuserPassword = find(dev, "Secret", "shop-db-postgres-superuser").inputs.stringData.POSTGRES_PASSWORD;
        expect(credentials.inputs.stringData.PGPASSWORD).toBe(superuserPassword);
    });
});

describe("bootstrap Job", () => {
    const job = () => find(dev, "Job", "shop-db-bootstrap-job");

    test("runs the generated SQL from a ConfigMap with every password from the bootstrap Secret", () => {
        const spec = podSpec(job());
        const c = spec.containers[0];
        expect(c.envFrom).toEqual([{ secretRef: { name: "postgres-bootstrap" } }]);
        expect(c.env.find((e: any) => e.name === "PGPASSWORD")).toBeUndefined(); // it comes from envFrom, never a literal
        expect(envValue(c, "PGUSER").value).toBe("postgres");
        expect(envValue(c, "PGHOST").value).toBe("postgres"); // the Service name, never a pod IP
        expect(c.command.join(" ")).toContain("psql -v ON_ERROR_STOP=1 -f /bootstrap/bootstrap.sql");
        // The newest psql: \getenv needs 15+, and a client serves every older server.
        expect(c.image).toBe(POSTGRES_IMAGES[POSTGRES_VERSIONS[POSTGRES_VERSIONS.length - 1]]);
        const sqlMap = find(dev, "ConfigMap", "shop-db-bootstrap-sql");
        expect(spec.volumes.find((v: any) => v.name === "sql").configMap.name).toBe(sqlMap.inputs.metadata.name);
        const sql = sqlMap.inputs.data["bootstrap.sql"];
        expect(sql).toContain("\\getenv slipway_password_shop SLIPWAY_PASSWORD_SHOP");
        expect(sql).toMatch(/REVOKE ALL ON DATABASE "?billing"? FROM PUBLIC/);
    });

    test("waits for the StatefulSet, and apps wait for it", () => {
        const sts = find(dev, "StatefulSet", "shop-db-postgres-statefulset");
        expect(job().dependencies).toContain(sts.urn);
        const webMigrate = find(dev, "Job", "web-migrate");
        expect(webMigrate.dependencies).toContain(job().urn);
    });

    test("gets a new name (so it runs again) when the databases list changes", async () => {
        const more = await runStack("dev", stackConfig("dev", (v) => v["slipway:database"].databases.push({ name: "search" })));
        const before = job().inputs.metadata.name;
        const after = find(more, "Job", "shop-db-bootstrap-job").inputs.metadata.name;
        expect(before).toMatch(/^postgres-bootstrap-[0-9a-f]{8}$/);
        expect(after).toMatch(/^postgres-bootstrap-[0-9a-f]{8}$/);
        expect(after).not.toBe(before);
        expect(find(more, "ConfigMap", "shop-db-bootstrap-sql").inputs.data["bootstrap.sql"]).toContain("SLIPWAY_PASSWORD_SEARCH");
    });

    test("keeps its name when nothing changed (no needless re-run)", async () => {
        const again = await runStack("dev");
        expect(find(again, "Job", "shop-db-bootstrap-job").inputs.metadata.name).toBe(job().inputs.metadata.name);
    });
});

describe("PgBouncer", () => {
    const deployment = () => find(dev, "Deployment", "shop-db-pgbouncer-deployment");

    test("a pinned image of 1.25.1 or later, 2 replicas, PDB and spread", () => {
        const image: string = container(deployment()).image;
        const [major, minor, patch] = image.split(":")[1].split(".").map(Number);
        expect(major * 10000 + minor * 100 + patch).toBeGreaterThanOrEqual(12501);
        expect(deployment().inputs.spec.replicas).toBe(2);
        expect(podSpec(deployment()).topologySpreadConstraints.length).toBeGreaterThan(0);
        expect(find(dev, "PodDisruptionBudget", "shop-db-pgbouncer-pdb").inputs.spec.maxUnavailable).toBe(1);
    });

    test("ini in a ConfigMap pointing at the Postgres Service; auth file from a Secret", () => {
        const ini: string = find(dev, "ConfigMap", "shop-db-pgbouncer-config").inputs.data["pgbouncer.ini"];
        expect(ini).toMatch(/^shop = host=postgres port=5432 dbname=shop$/m);
        expect(ini).toMatch(/^auth_type = scram-sha-256$/m);
        expect(ini).toMatch(/^server_login_retry = \d$/m);
        const spec = podSpec(deployment());
        expect(spec.volumes.find((v: any) => v.name === "auth").secret.secretName).toBe("pgbouncer-auth");
        expect(container(deployment()).volumeMounts.find((m: any) => m.name === "auth").mountPath).toBe("/etc/pgbouncer/auth");
        expect(ini).toContain("auth_file = /etc/pgbouncer/auth/userlist.txt");
    });

    test("pods roll when the config or a password changes", () => {
        const checksum = deployment().inputs.spec.template.metadata.annotations["slipway.dev/config-checksum"];
        expect(checksum).toMatch(/^[0-9a-f]{8}$/);
    });
});

describe("connection Secrets", () => {
    test("DATABASE_URL and its parts point at the pooler, one Secret per service", () => {
        const shop = find(dev, "Secret", "shop-db-shop-connection");
        expect(shop.inputs.metadata.name).toBe("db-shop");
        expect(shop.inputs.stringData.DATABASE_URL).toMatch(/^postgres:\/\/shop:[^@]+@pgbouncer:5432\/shop\?sslmode=disable$/);
        expect(shop.inputs.stringData).toMatchObject({ PGHOST: "pgbouncer", PGPORT: "5432", PGDATABASE: "shop", PGUSER: "shop" });
        expect(find(dev, "Secret", "shop-db-billing-connection").inputs.stringData.PGUSER).toBe("billing");
    });

    test("apps read their database and cache Secrets by reference", () => {
        const envFrom = (name: string) => container(find(dev, "Deployment", name)).envFrom?.map((e: any) => e.secretRef.name) ?? [];
        expect(envFrom("web-deployment")).toEqual(["db-shop", "redis"]);
        expect(envFrom("worker-deployment")).toEqual(["db-shop", "redis"]);
        expect(envFrom("billing-deployment")).toEqual(["db-billing"]);
    });

    test("without the pooler, apps connect to Postgres directly and may reach it", async () => {
        const direct = await runStack("dev", stackConfig("dev", (v) => (v["slipway:database"].pooler = false)));
        expect(findAll(direct, "Deployment").map((d) => d.name)).not.toContain("shop-db-pgbouncer-deployment");
        expect(find(direct, "Secret", "shop-db-shop-connection").inputs.stringData.PGHOST).toBe("postgres");
        const from = find(direct, "NetworkPolicy", "shop-db-postgres-ingress").inputs.spec.ingress[0].from;
        expect(from).toContainEqual({ podSelector: { matchExpressions: [{ key: "slipway.dev/database", operator: "Exists" }] } });
    });
});

describe("NetworkPolicies of the data layer", () => {
    test("only the pooler, Slipway's Jobs and the apps' migrate Jobs reach Postgres", () => {
        const policy = find(dev, "NetworkPolicy", "shop-db-postgres-ingress").inputs.spec;
        expect(policy.podSelector.matchLabels["app.kubernetes.io/name"]).toBe("postgres");
        expect(policy.ingress).toEqual([
            {
                from: [
                    { podSelector: { matchLabels: { "slipway.dev/postgres-client": "true" } } },
                    { podSelector: { matchExpressions: [{ key: "slipway.dev/database-migrate", operator: "Exists" }] } },
                ],
                ports: [{ port: 5432, protocol: "TCP" }],
            },
        ]);
        const labelled = (r: RecordedResource) => (r.inputs.spec.template ?? r.inputs.spec.jobTemplate.spec.template).metadata.labels["slipway.dev/postgres-client"];
        expect(labelled(find(dev, "Deployment", "shop-db-pgbouncer-deployment"))).toBe("true");
        expect(labelled(find(dev, "Job", "shop-db-bootstrap-job"))).toBe("true");
        expect(labelled(find(dev, "CronJob", "shop-db-backup-cronjob"))).toBe("true");
        expect(labelled(find(dev, "Deployment", "web-deployment"))).toBeUndefined();
    });

    test("only apps that declare a database reach the pooler; only cache apps reach Redis", () => {
        const pooler = find(dev, "NetworkPolicy", "shop-db-pgbouncer-ingress").inputs.spec;
        expect(pooler.ingress[0].from).toEqual([{ podSelector: { matchExpressions: [{ key: "slipway.dev/database", operator: "Exists" }] } }]);
        const redis = find(dev, "NetworkPolicy", "shop-cache-ingress").inputs.spec;
        expect(redis.ingress[0]).toEqual({ from: [{ podSelector: { matchLabels: { "slipway.dev/cache": "true" } } }], ports: [{ port: 6379, protocol: "TCP" }] });
        const labels = (name: string) => find(dev, "Deployment", name).inputs.spec.template.metadata.labels;
        expect(labels("billing-deployment")["slipway.dev/database"]).toBe("billing");
        expect(labels("billing-deployment")["slipway.dev/cache"]).toBeUndefined();
        expect(labels("web-deployment")["slipway.dev/cache"]).toBe("true");
        // The migrate Job talks to the database too, under its own (non-selector) labels.
        expect(find(dev, "Job", "web-migrate").inputs.spec.template.metadata.labels["slipway.dev/database"]).toBe("shop");
    });
});

describe("Redis", () => {
    const sts = () => find(dev, "StatefulSet", "shop-cache-statefulset");

    test("AOF persistence on a retained volume", () => {
        const conf: string = find(dev, "ConfigMap", "shop-cache-config").inputs.data["redis.conf"];
        expect(conf).toMatch(/^appendonly yes$/m);
        expect(conf).toMatch(/^dir \/data$/m);
        expect(conf).not.toMatch(/^\s*requirepass/m);
        expect(dataKeptProblems(dev, sts())).toEqual([]);
        expect(sts().inputs.spec.volumeClaimTemplates[0].spec.storageClassName).toBe("local-path-retain");
    });

    test("password from the Secret, expanded by the kubelet, and REDIS_URL for apps", () => {
        const c = container(sts());
        expect(c.command).toEqual(["redis-server", "/etc/redis/redis.conf", "--requirepass", "$(REDIS_PASSWORD)"]);
        expect(envValue(c, "REDIS_PASSWORD").valueFrom.secretKeyRef).toEqual({ name: "redis", key: "REDIS_PASSWORD" });
        expect(find(dev, "Secret", "shop-cache-credentials").inputs.stringData.REDIS_URL).toMatch(/^redis:\/\/:[^@]+@redis:6379\/0$/);
        expect(find(dev, "random:index/randomPassword:RandomPassword", "shop-cache-password").additionalSecretOutputs).toContain("result");
    });
});

describe("backups", () => {
    test("a CronJob runs pg_dump -Fc per database onto its own retained volume", () => {
        const cron = find(dev, "CronJob", "shop-db-backup-cronjob");
        expect(cron.inputs.spec).toMatchObject({ schedule: "0 3 * * *", concurrencyPolicy: "Forbid" });
        const script: string = cron.inputs.spec.jobTemplate.spec.template.spec.containers[0].command[2];
        expect(script).toContain("pg_dump -Fc -d shop");
        expect(script).toContain("pg_dump -Fc -d billing");
        expect(script).toContain("tail -n +8"); // keep: 7
        const claim = find(dev, "PersistentVolumeClaim", "shop-db-backup-volume");
        // Kept through destroy and `backup.enabled: false`, and adopted when backups come back.
        expect(claim.retainOnDelete).toBe(true);
        expect(claim.provider).toBe(retainedProviderOf(dev).ref);
        expect(claim.inputs.spec.storageClassName).toBe("local-path-retain");
    });
});

describe("outputs", () => {
    test("the admin connection for data migration is a secret output; connection Secret names are not", () => {
        expect(dev.secretOutputs).toContain("databaseAdmin");
        expect((dev.outputs.databaseAdmin as any).user).toBe("postgres");
        expect(dev.secretOutputs).not.toContain("databaseSecrets");
        expect(dev.outputs.databaseSecrets).toEqual({ shop: "db-shop", billing: "db-billing" });
    });
});

describe("connection and memory limits", () => {
    test("max_connections covers every pooler replica's pool for every database, with room for the Jobs", async () => {
        const { postgresMaxConnections } = await import("../components/data/postgres");
        expect(postgresMaxConnections({ defaultPoolSize: 20, replicas: 2 }, 2)).toBe(100); // 90 fits the default
        expect(postgresMaxConnections({ defaultPoolSize: 20, replicas: 2 }, 3)).toBe(130);
        expect(postgresMaxConnections(undefined, 5)).toBe(100);
        const args: string[] = container(find(dev, "StatefulSet", "shop-db-postgres-statefulset"), "postgres").args;
        expect(args).toEqual(["postgres", "-c", "max_connections=100", "-c", "shared_buffers=64MB"]);
    });

    test("a bigger pool raises the server's limit in the running stack", async () => {
        const big = await runStack("dev", stackConfig("dev", (v) => (v["slipway:database"].pool = { defaultPoolSize: 50, replicas: 3 })));
        const args: string[] = container(find(big, "StatefulSet", "shop-db-postgres-statefulset"), "postgres").args;
        expect(args).toContain(`max_connections=${50 * 3 * 2 + 10}`);
    });
});
