// Who may reach Cloud SQL and Memorystore from the namespace, evaluated over the prod stack's real
// NetworkPolicies with Kubernetes' rules (kubernetes.io/docs/concepts/services-networking/network-policies/):
// a pod selected by any Egress policy may reach only what some selecting policy allows; policies add up.
import { RELAY_LABELS } from "../scripts/migrate/relay";
import type { ProgramRun } from "../scripts/offline";
import { findAll, runStack, stackConfig } from "./helpers";

const ipToInt = (ip: string) => ip.split(".").reduce((n, o) => n * 256 + Number(o), 0);
function inCidr(ip: string, cidr: string): boolean {
    const [base, bits] = cidr.split("/");
    const size = 2 ** (32 - Number(bits));
    return Math.floor(ipToInt(ip) / size) === Math.floor(ipToInt(base) / size);
}

function selects(selector: any, labels: Record<string, string>): boolean {
    const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
    const byExpressions = (selector.matchExpressions ?? []).every((e: any) => (e.operator === "Exists" ? e.key in labels : e.operator === "DoesNotExist" ? !(e.key in labels) : false));
    return byLabels && byExpressions;
}

/** Whether a pod may open connections to other pods (DNS, the pooler, its peers). */
function canReachPods(run: ProgramRun, labels: Record<string, string>): boolean {
    const egress = findAll(run, "NetworkPolicy").map((p) => p.inputs.spec).filter((s) => (s.policyTypes ?? []).includes("Egress"));
    const selecting = egress.filter((s) => selects(s.podSelector, labels));
    // On Dataplane V2 a CIDR rule never matches pods (Cilium): only a pod or namespace selector does.
    return selecting.length === 0 || selecting.some((s) => (s.egress ?? []).some((rule: any) => (rule.to ?? []).some((peer: any) => peer.namespaceSelector && Object.keys(peer.namespaceSelector).length === 0)));
}

function canReach(run: ProgramRun, labels: Record<string, string>, ip: string): boolean {
    const egress = findAll(run, "NetworkPolicy").map((p) => p.inputs.spec).filter((s) => (s.policyTypes ?? []).includes("Egress"));
    const selecting = egress.filter((s) => selects(s.podSelector, labels));
    if (selecting.length === 0) return true;
    return selecting.some((s) => (s.egress ?? []).some((rule: any) => (rule.to ?? []).some((peer: any) => peer.ipBlock && inCidr(ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((e: string) => inCidr(ip, e)))));
}

/** Pod labels of each workload and Job, by object name. */
function podLabels(run: ProgramRun): Record<string, Record<string, string>> {
    return Object.fromEntries(
        [...findAll(run, "Deployment"), ...findAll(run, "StatefulSet"), ...findAll(run, "Job"), ...findAll(run, "CronJob")].map((o) => [
            o.inputs.metadata.name,
            (o.inputs.spec.jobTemplate?.spec ?? o.inputs.spec).template.metadata.labels,
        ]),
    );
}

// The offline runner's private IPs for Cloud SQL and Memorystore.
const DB = "10.64.0.3";
const CACHE = "10.64.0.11";

test("prod: only PgBouncer and Slipway's Jobs reach Cloud SQL, only cache clients reach Memorystore, the rest reach neither but everything else", async () => {
    const prod = await runStack("prod");
    const pods = podLabels(prod);
    const migrate = Object.keys(pods).find((n) => n.startsWith("web-migrate-"))!;
    const bootstrap = Object.keys(pods).find((n) => n.startsWith("postgres-bootstrap-"))!;
    const reach = (labels: Record<string, string>) => ({ db: canReach(prod, labels, DB), cache: canReach(prod, labels, CACHE), internet: canReach(prod, labels, "8.8.8.8") });
    expect(reach(pods.pgbouncer)).toEqual({ db: true, cache: false, internet: true });
    expect(reach(pods[bootstrap])).toEqual({ db: true, cache: false, internet: true });
    expect(reach(pods[migrate])).toEqual({ db: true, cache: true, internet: true });
    expect(reach(pods.web)).toEqual({ db: false, cache: true, internet: true });
    expect(reach(pods.billing)).toEqual({ db: false, cache: false, internet: true });
    expect(reach(pods.kv)).toEqual({ db: false, cache: false, internet: true });
    // migrate-data's relay pod (started in the namespace by the tool) is a database client too.
    expect(reach({ ...RELAY_LABELS })).toEqual({ db: true, cache: false, internet: true });
    // Every guarded pod still reaches pods: kube-dns, the pooler, its peers (etcd's members).
    for (const labels of Object.values(pods)) expect(canReachPods(prod, labels)).toBe(true);
    // A pod someone adds to the namespace with the admin Secret mounted still cannot use it.
    expect(reach({ app: "intruder" })).toEqual({ db: false, cache: false, internet: true });
});

test("prod without the pooler: apps that declare the database reach Cloud SQL themselves", async () => {
    const run = await runStack("prod", stackConfig("prod", (v) => (v["slipway:database"].pooler = false)));
    const pods = podLabels(run);
    expect(canReach(run, pods.billing, DB)).toBe(true);
    expect(canReach(run, pods.kv, DB)).toBe(false);
});

test("stacks without managed services get no egress policy", async () => {
    for (const stack of ["dev", "e2e"]) {
        const run = await runStack(stack);
        expect(findAll(run, "NetworkPolicy").filter((p) => (p.inputs.spec.policyTypes ?? []).includes("Egress"))).toEqual([]);
    }
});
