// Rules that span resources, which no single resource's test can see: one password per role,
// identical wherever it is read; pods that roll when something they read changes; the pooler
// waiting for the roles it logs in as; migrations that bypass the pooler.
import type { ProgramRun, RecordedResource } from "../../scripts/offline";
import { offlineGeneratedPassword } from "../../scripts/offline";
import { find, findAll, runStack, stackNames } from "../helpers";

/** Parses PgBouncer's auth file (`"user" "password"` per line, `""` escaping a quote). */
function authFile(text: string): Record<string, string> {
    const entries: Record<string, string> = {};
    for (const line of text.split("\n").filter(Boolean)) {
        const m = /^"((?:[^"]|"")*)" "((?:[^"]|"")*)"$/.exec(line);
        if (!m) throw new Error(`not an auth file line: ${line}`);
        entries[m[1].replace(/""/g, '"')] = m[2].replace(/""/g, '"');
    }
    return entries;
}

const secretData = (run: ProgramRun, name: string): Record<string, string> => {
    const hits = findAll(run, "Secret").filter((s) => s.inputs.metadata.name === name);
    if (hits.length !== 1) throw new Error(`expected one Secret ${name}, found ${hits.length}`);
    return hits[0].inputs.stringData;
};

describe.each(stackNames())("stack %s", (stack) => {
    let run: ProgramRun;
    beforeAll(async () => {
        run = await runStack(stack);
    });

    test("each service role has one password, the same in the bootstrap Secret, PgBouncer's auth file and both connection Secrets", () => {
        const bootstrap = secretData(run, "postgres-bootstrap");
        const pooler = authFile(secretData(run, "pgbouncer-auth")["userlist.txt"]);
        const services = Object.keys(pooler);
        expect(services.length).toBeGreaterThan(0);
        for (const user of services) {
            const password = bootstrap[`SLIPWAY_PASSWORD_${user.toUpperCase()}`];
            expect(password).toMatch(/^offline-/);
            expect(pooler[user]).toBe(password);
            for (const name of [`db-${user}`, `db-${user}-direct`]) {
                const conn = secretData(run, name);
                expect({ name, user: conn.PGUSER, password: conn.PGPASSWORD }).toEqual({ name, user, password });
                expect(decodeURIComponent(new URL(conn.DATABASE_URL).password)).toBe(password);
            }
        }
    });

    test("the admin's password the bootstrap Job uses is the server's (the superuser Secret in the cluster, the managed service's admin otherwise)", () => {
        const bootstrap = secretData(run, "postgres-bootstrap");
        const inCluster = findAll(run, "Secret").find((s) => s.inputs.metadata.name === "postgres-superuser");
        // Cloud SQL's admin is a sql.User; RDS's is the instance's master user; DO generates doadmin's with the cluster.
        const managedAdmin = [...findAll(run, "gcp:sql/user:User"), ...findAll(run, "aws:rds/instance:Instance")][0];
        const doCluster = findAll(run, "digitalocean:index/databaseCluster:DatabaseCluster").find((d) => d.inputs.engine === "pg");
        const serverSide = inCluster ? inCluster.inputs.stringData.POSTGRES_PASSWORD : doCluster ? offlineGeneratedPassword(doCluster.name) : managedAdmin.inputs.password;
        expect(bootstrap.PGPASSWORD).toBe(serverSide);
    });

    test("Redis's password is the one in REDIS_URL", () => {
        const redis = secretData(run, "redis");
        expect(decodeURIComponent(new URL(redis.REDIS_URL).password)).toBe(redis.REDIS_PASSWORD);
    });

    test("PgBouncer starts only after the bootstrap Job made the roles it logs in as", () => {
        const pooler = find(run, "Deployment", "shop-db-pgbouncer-deployment");
        const job = find(run, "Job", "shop-db-bootstrap-job");
        expect(pooler.dependencies).toContain(job.urn);
    });

    test("migrate Jobs read the direct connection (the server, not the pooler) and the database admits them", () => {
        const jobs = findAll(run, "Job").filter((j) => j.inputs.metadata.labels["app.kubernetes.io/component"] === "migrate");
        expect(jobs.length).toBeGreaterThan(0);
        for (const job of jobs) {
            const pod = job.inputs.spec.template;
            const secrets = pod.spec.containers[0].envFrom.map((e: any) => e.secretRef.name);
            const direct = secrets.filter((n: string) => n.endsWith("-direct"));
            expect(direct).toHaveLength(1);
            expect(secretData(run, direct[0]).PGHOST).not.toBe("pgbouncer");
            const policy = findAll(run, "NetworkPolicy").find((p) => p.inputs.metadata.name === "postgres-ingress");
            if (policy) {
                const peers = policy.inputs.spec.ingress.flatMap((r: any) => r.from);
                const admitted = peers.some((p: any) =>
                    (p.podSelector?.matchExpressions ?? []).some((e: any) => e.operator === "Exists" && e.key in pod.metadata.labels),
                );
                expect(admitted).toBe(true);
            }
        }
    });
});

/** The Secrets and ConfigMaps a pod template reads, by name. */
function readsOf(template: any): string[] {
    const spec = template.spec;
    const names: string[] = [];
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
        for (const e of c.envFrom ?? []) names.push(e.secretRef?.name ?? e.configMapRef?.name);
        for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef) names.push(e.valueFrom.secretKeyRef.name);
    }
    for (const v of spec.volumes ?? []) names.push(v.secret?.secretName ?? v.configMap?.name);
    return names.filter(Boolean);
}

const workloads = (run: ProgramRun): RecordedResource[] => [...findAll(run, "Deployment"), ...findAll(run, "StatefulSet")];

describe.each(stackNames())("stack %s: a rotation (every generated password new)", (stack) => {
    test("rolls every Deployment and StatefulSet that reads a changed Secret, and no other", async () => {
        const before = await runStack(stack);
        const after = await runStack(stack, { generation: "rotated-" });
        const content = (run: ProgramRun, kind: string) =>
            new Map(findAll(run, kind).map((o) => [o.inputs.metadata.name as string, JSON.stringify(o.inputs.stringData ?? o.inputs.data)]));
        const changed = new Set<string>();
        for (const kind of ["Secret", "ConfigMap"]) {
            const [a, b] = [content(before, kind), content(after, kind)];
            for (const [name, text] of a) if (b.get(name) !== text) changed.add(name);
        }
        expect(changed.size).toBeGreaterThan(0);
        for (const w of workloads(before)) {
            const next = workloads(after).find((x) => x.urn === w.urn)!;
            const rolled = JSON.stringify(w.inputs.spec.template) !== JSON.stringify(next.inputs.spec.template);
            const reads = readsOf(w.inputs.spec.template).filter((n) => changed.has(n));
            expect({ workload: w.name, reads, rolled }).toEqual({ workload: w.name, reads, rolled: reads.length > 0 });
        }
    });
});
