// Reaching a database only the cluster can reach (Cloud SQL's private IP): a short-lived socat pod in
// the stack's namespace forwards TCP to it, and `kubectl port-forward` reaches that pod. The relay is
// plain TCP, so TLS (sslmode=verify-ca) runs end to end between the tools and the server.
// Ingress needs no NetworkPolicy: port-forward enters the pod through the kubelet, not the pod
// network. Egress to a managed server is open to database clients only (managed-egress.ts), which
// the relay's label makes it.
import * as crypto from "crypto";
import type { KubectlSession } from "./kubectl";
import { openPortForward, type PortForward } from "./port-forward";
import { POSTGRES_CLIENT_LABEL } from "../../lib/labels";

/** Pinned, multi-arch, socat as entrypoint; SLIPWAY_RELAY_IMAGE points at a mirror where Docker Hub is unreachable. */
export const RELAY_IMAGE = "docker.io/alpine/socat:1.8.0.3";
/** Where socat listens inside the pod (unprivileged, so a non-root user may bind it). */
export const RELAY_PORT = 5432;
/** Any non-root uid: socat writes nothing and needs no home. */
export const RELAY_UID = 65532;
/** Stops a relay whose tool was killed before it could delete it; far beyond any migration's length. */
export const RELAY_MAX_SECONDS = 12 * 3600;
export const RELAY_LABELS: Readonly<Record<string, string>> = {
    // A client of the database: the namespace's egress guard lets only its clients reach a managed server.
    [POSTGRES_CLIENT_LABEL]: "true",
    "app.kubernetes.io/name": "slipway-migrate-relay",
    "app.kubernetes.io/part-of": "slipway",
    "app.kubernetes.io/component": "migrate-data",
    "app.kubernetes.io/managed-by": "slipway-migrate-data",
};

export interface RelayTarget {
    readonly host: string;
    readonly port: number;
}

/** A unique pod name, so two runs (or two stacks in one namespace) never collide. */
export function relayPodName(suffix = crypto.randomBytes(3).toString("hex")): string {
    return `slipway-migrate-relay-${suffix}`;
}

const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV6 = /^[0-9A-Fa-f:.]+$/;

/** socat's TCP address; the host is checked because ',' or ':' in it would be read as socat options. */
export function socatConnect(t: RelayTarget): string {
    if (!Number.isInteger(t.port) || t.port < 1 || t.port > 65535) throw new Error(`relay target port ${t.port} is not a port number`);
    if (t.host.includes(":") && IPV6.test(t.host)) return `TCP:[${t.host}]:${t.port}`;
    if (HOSTNAME.test(t.host)) return `TCP:${t.host}:${t.port}`;
    throw new Error(`relay target host "${t.host}" is not a host name or IP address`);
}

/**
 * The pod, as `kubectl run --overrides` merges it over kubectl's own (a JSON merge patch: this
 * containers list replaces kubectl's). Meets Pod Security "restricted", which the namespace enforces.
 */
export function relayOverrides(t: RelayTarget, image = RELAY_IMAGE) {
    return {
        apiVersion: "v1",
        metadata: { labels: { ...RELAY_LABELS } },
        spec: {
            restartPolicy: "Never",
            automountServiceAccountToken: false,
            activeDeadlineSeconds: RELAY_MAX_SECONDS,
            securityContext: { runAsNonRoot: true, runAsUser: RELAY_UID, runAsGroup: RELAY_UID, seccompProfile: { type: "RuntimeDefault" } },
            containers: [
                {
                    name: "relay",
                    image,
                    args: [`TCP-LISTEN:${RELAY_PORT},fork,reuseaddr`, socatConnect(t)],
                    ports: [{ name: "postgres", containerPort: RELAY_PORT, protocol: "TCP" }],
                    // Ready once socat listens; a startup probe runs only until then, so the database
                    // sees one probe connection, not one every few seconds for the whole migration.
                    startupProbe: { tcpSocket: { port: RELAY_PORT }, periodSeconds: 1, failureThreshold: 30 },
                    resources: { requests: { cpu: "50m", memory: "32Mi" }, limits: { memory: "64Mi" } },
                    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } },
                },
            ],
        },
    };
}

/** kubectl arguments (after the session's) that create the pod and return at once. */
export function relayRunArgs(name: string, t: RelayTarget, image = RELAY_IMAGE): string[] {
    return ["run", name, `--image=${image}`, "--restart=Never", `--overrides=${JSON.stringify(relayOverrides(t, image))}`];
}

/** Why a pod is not ready, from `kubectl get pod -o json` (image pull, scheduling, an exited container). */
export function describePodProblem(pod: any): string | undefined {
    const problems: string[] = [];
    for (const c of pod?.status?.containerStatuses ?? []) {
        const waiting = c.state?.waiting;
        const terminated = c.state?.terminated;
        if (waiting?.reason) problems.push(`container ${c.name}: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ""}`);
        if (terminated) problems.push(`container ${c.name} exited ${terminated.exitCode}${terminated.reason ? ` (${terminated.reason})` : ""}${terminated.message ? `: ${terminated.message}` : ""}`);
    }
    for (const cond of pod?.status?.conditions ?? []) {
        if (cond.type === "PodScheduled" && cond.status === "False") problems.push(`not scheduled: ${cond.reason ?? ""}${cond.message ? ` ${cond.message}` : ""}`.trim());
    }
    if (problems.length === 0 && pod?.status?.phase && pod.status.phase !== "Running") problems.push(`phase ${pod.status.phase}${pod.status.reason ? ` (${pod.status.reason})` : ""}`);
    return problems.length > 0 ? problems.join("; ") : undefined;
}

export interface Relay extends PortForward {
    readonly pod: string;
}

/** Creates the relay pod, waits for it, forwards to it; close() (or an interrupt) deletes the pod. */
export async function openRelay(kubectl: KubectlSession, t: RelayTarget, opts: { image?: string; readySeconds?: number; name?: string } = {}): Promise<Relay> {
    const image = opts.image ?? RELAY_IMAGE;
    const readySeconds = opts.readySeconds ?? 180;
    const name = opts.name ?? relayPodName();
    const where = `${kubectl.namespace}/pod/${name}`;
    const manual = `delete it with: kubectl --namespace ${kubectl.namespace} delete pod ${name}`;
    const deleteArgs = ["delete", "pod", name, "--ignore-not-found", "--wait=false"];
    // Registered before `run`: the pod may exist even if the tool is interrupted before run returns.
    const unregister = kubectl.onInterrupt(() => {
        const r = kubectl.execSync(deleteArgs);
        if (!r.ok) throw new Error(`relay pod ${where} was not deleted (${r.output}); ${manual}`);
    });
    const remove = async () => {
        unregister();
        await kubectl.exec(deleteArgs, 30000).catch((e: Error) => {
            throw new Error(`relay pod ${where} was not deleted (${e.message}); ${manual}`);
        });
    };
    try {
        await kubectl.exec(relayRunArgs(name, t, image));
        try {
            await kubectl.exec(["wait", "--for=condition=Ready", `pod/${name}`, `--timeout=${readySeconds}s`], (readySeconds + 30) * 1000);
        } catch (e) {
            const why = await kubectl
                .exec(["get", "pod", name, "-o", "json"])
                .then((json) => describePodProblem(JSON.parse(json)))
                .catch(() => undefined);
            throw new Error(`relay pod ${where} (${image}) did not become ready: ${(e as Error).message}${why ? `; ${why}` : ""}`);
        }
        const forward = await openPortForward(kubectl, `pod/${name}`, RELAY_PORT);
        return {
            pod: name,
            host: forward.host,
            port: forward.port,
            close: async () => {
                await forward.close();
                await remove();
            },
        };
    } catch (e) {
        const notDeleted = await remove().then(
            () => "",
            (d: Error) => ` (and ${d.message})`,
        );
        throw new Error(`${(e as Error).message}${notDeleted}`);
    }
}
