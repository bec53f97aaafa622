// The dev -> prod switch a reviewer signs off on (`npm run plan -- dev prod`, --markdown, --json):
// exactly the expected differences, with their values, and where dev's data protection went.
import { objectId } from "../scripts/diff";
import { isKubernetesObject } from "../scripts/manifests";
import { parsePlanArgs } from "../scripts/plan";
import type { ProgramRun } from "../scripts/offline";
import { SwitchReport, switchReport } from "../scripts/switch";
import { lineChanges, switchMarkdown, switchText } from "../scripts/switch-format";
import { findAll, runStack, stackNames } from "./helpers";

let dev: ProgramRun;
let prod: ProgramRun;
let report: SwitchReport;

beforeAll(async () => {
    dev = await runStack("dev");
    prod = await runStack("prod");
    report = switchReport(dev, prod);
}, 120_000);

const change = (id: string, path: string) => report.changed.find((c) => c.id === id)?.changes.find((d) => d.path === path);
const row = (role: string, setting: string) => report.data.find((d) => d.role === role && d.setting === setting)!;

test("each changed object carries its before -> after values", () => {
    expect(change("Gateway/shop/slipway", "spec.gatewayClassName")).toEqual({ path: "spec.gatewayClassName", from: "traefik", to: "gke-l7-global-external-managed" });
    expect(change("Gateway/shop/slipway", "spec.listeners[0].port")).toMatchObject({ from: 8000, to: 80 });
    expect(change("StatefulSet/shop/kv", "spec.volumeClaimTemplates[0].spec.storageClassName")).toMatchObject({ from: "local-path-retain", to: "standard-rwo-retain" });
    expect(report.changed.find((c) => c.id === "StatefulSet/shop/kv")!.app).toBe("kv");
    // The pooler's config: only the server lines change, shown line by line.
    const ini = change("ConfigMap/shop/pgbouncer-config", "data.pgbouncer.ini")!;
    expect(lineChanges(ini.from, ini.to)).toEqual(expect.arrayContaining(["- server_tls_sslmode = prefer", "+ server_tls_sslmode = verify-ca"]));
});

test("the app objects: identical ones counted, every app object accounted for once", () => {
    const appObjectIds = (run: ProgramRun) => {
        const apps = new Set(findAll(run, "slipway:app:App").map((a) => a.urn));
        const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
        const inApp = (urn: string): boolean => apps.has(urn) || (byUrn.has(urn) && inApp(byUrn.get(urn)!.parent));
        return new Set(run.resources.filter((r) => isKubernetesObject(r) && inApp(r.parent)).map((r) => objectId(r.inputs as any)));
    };
    const [before, after] = [appObjectIds(dev), appObjectIds(prod)];
    const changedApps = report.changed.filter((c) => c.app !== null).length;
    const onlyBefore = [...before].filter((id) => !after.has(id));
    expect(onlyBefore).toEqual([]);
    // GKE's load-balancer health check for web is the one app object only prod has.
    expect([...after].filter((id) => !before.has(id))).toEqual(["HealthCheckPolicy/shop/web"]);
    expect(report.unchanged.appObjects + changedApps).toBe(before.size);
    expect(report.unchanged.appObjects).toBeGreaterThan(0);
    expect(report.appObjectsOnlyIn).toEqual({ from: 0, to: 1 });
    expect(switchText(report)).toContain(`apps: ${report.unchanged.appObjects} objects unchanged, ${changedApps} changed, 1 only in prod;`);
});

test("what exists in only one stack, grouped by kind: dev's in-cluster data layer, prod's managed-service wiring", () => {
    expect(report.onlyIn.from.CronJob).toEqual(["shop/postgres-backup"]);
    expect(report.onlyIn.from.StatefulSet.sort()).toEqual(["shop/postgres", "shop/redis"]);
    expect(report.onlyIn.to.ConfigMap).toEqual(expect.arrayContaining(["shop/postgres-server-ca", "shop/redis-server-ca"]));
    expect(report.onlyIn.to.StatefulSet).toBeUndefined();
    expect(report.cloud.from).toEqual({ "pulumi-nodejs:dynamic/slipway:K3dCluster": 1, "random:index/randomPassword:RandomPassword": 5 });
    expect(report.cloud.to["gcp:sql/databaseInstance:DatabaseInstance"]).toBe(1);
});

test("where dev's backup CronJob went: the managed services' backups, PITR, HA, private IP and deletion protection, side by side", () => {
    expect(row("database", "backups").from).toBe('CronJob postgres-backup "0 3 * * *" (pg_dump to a retained volume)');
    expect(row("database", "backups").to).toMatch(/^daily at 03:00 UTC, \d+ kept, kept after the instance is deleted$/);
    expect(row("database", "pointInTimeRecovery")).toMatchObject({ from: "none (restore a dump)", to: "on, 7 days of logs" });
    expect(row("database", "highAvailability")).toMatchObject({ from: "1 replica", to: "regional (standby in another zone)" });
    expect(row("database", "network").to).toMatch(/^private IP only/);
    expect(row("database", "deletionProtection").to).toBe("Pulumi provider + GCP API, Pulumi protect");
    expect(row("cache", "highAvailability").to).toBe("replica with automatic failover");
    expect(report.cost.from).toBe(0);
    expect(report.cost.to).toBe((prod.outputs.costEstimate as { monthlyTotal: number }).monthlyTotal);
});

test("every cloud stack's managed services are read (no '(none)' where the stack has a database and cache)", async () => {
    for (const stack of ["eks", "doks", "hetzner"]) {
        const rows = switchReport(dev, await runStack(stack)).data;
        expect({ stack, missing: rows.filter((r) => r.to === "(none)" || r.to.includes("undefined")) }).toEqual({ stack, missing: [] });
    }
}, 120_000);

test("Markdown for the PR comment and JSON for machines hold the same report, with no secret value", () => {
    const markdown = switchMarkdown(report);
    expect(markdown).toContain("### Switching `dev` -> `prod`");
    expect(markdown).toContain(`| database | backups | ${row("database", "backups").from} | **${row("database", "backups").to}** |`);
    expect(markdown).toMatch(/<details><summary>Only in <code>dev<\/code>: \d+ Kubernetes objects<\/summary>/);
    expect(markdown).toContain("| `Gateway/shop/slipway` | `spec.addresses` |");
    expect(markdown).toContain("| `spec.gatewayClassName` | `\"traefik\"` | `\"gke-l7-global-external-managed\"` |");
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    // Generated passwords and secret config are masked before the diff.
    for (const text of [markdown, switchText(report), JSON.stringify(report)]) expect(text).not.toMatch(/offline-[A-Za-z0-9_-]{6,}/);
});

test("plan arguments: formats, --all, --switch, and clear refusals", () => {
    const known = stackNames();
    expect(parsePlanArgs(["dev", "prod"], known)).toEqual({ format: "text", stacks: ["dev", "prod"], switchPair: ["dev", "prod"] });
    expect(parsePlanArgs(["--json", "eks"], known)).toEqual({ format: "json", stacks: ["eks"], switchPair: undefined });
    expect(parsePlanArgs(["--markdown", "--switch", "dev:doks", "eks"], known)).toEqual({ format: "markdown", stacks: ["eks", "dev", "doks"], switchPair: ["dev", "doks"] });
    expect(parsePlanArgs(["--all"], known).stacks).toEqual(known);
    expect(() => parsePlanArgs(["staging"], known)).toThrow(`no stack file for staging; stacks: ${known.join(", ")}`);
    expect(() => parsePlanArgs(["--switch", "dev"], known)).toThrow('--switch: got "dev"; expected <from>:<to>');
    expect(() => parsePlanArgs(["--yaml", "dev"], known)).toThrow("unknown option --yaml");
    expect(() => parsePlanArgs([], known)).toThrow("usage: npm run plan");
});

test("the PR comment fits GitHub's 65,536-character limit: trees go first, then the rest is cut with a pointer", () => {
    const { fitComment, COMMENT_LIMIT } = require("../scripts/plan") as typeof import("../scripts/plan");
    expect(COMMENT_LIMIT).toBeLessThan(65_536 - 100);
    expect(fitComment("short", "x")).toBe("short");
    const withoutTrees = "s".repeat(1000);
    expect(fitComment("t".repeat(2000), withoutTrees, 1500)).toMatch(/^s{1000}\n\n_Resource trees left out/);
    const cut = fitComment("t".repeat(5000), "s".repeat(4000), 1500);
    expect(cut.length).toBeLessThanOrEqual(1500);
    expect(cut).toContain("</details>");
    expect(cut).toContain("npm run plan -- <stack>");
});
