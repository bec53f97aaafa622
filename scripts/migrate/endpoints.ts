// Turns --from/--to into a live admin connection. Pluggable: a URL is used as given; a stack is
// read through the Pulumi CLI and reached the way its outputs say (stack-outputs.ts databaseRoute):
// directly, by port-forward to its in-cluster Postgres, or through a relay pod to a private address.
import { execFile } from "child_process";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import type { EndpointSpec } from "./args";
import { describeConnection, parsePostgresUrl, type PgConnection } from "./connection";
import { openKubectl } from "./kubectl";
import { openPortForward, type PortForward } from "./port-forward";
import { openRelay } from "./relay";
import { parseStackOutputs, type DatabaseRoute } from "./stack-outputs";

export interface ResolvedEndpoint {
    /** How the endpoint is named in progress lines (no secrets). */
    readonly label: string;
    readonly admin: PgConnection;
    /** Databases the stack declares; undefined for a bare URL. */
    readonly databases?: readonly string[];
    /** Ends whatever the resolution opened (port-forward, relay pod). */
    close(): Promise<void>;
}

export type ClusterRoute = Exclude<DatabaseRoute, { kind: "direct" }>;

/** A local port leading to the database, and how (for the label). */
export interface Tunnel extends PortForward {
    readonly via: string;
}

export interface ResolverDeps {
    readStackOutputs(stack: string): Promise<unknown>;
    openTunnel(route: ClusterRoute): Promise<Tunnel>;
}

const PROJECT_DIR = path.resolve(__dirname, "..", "..");

async function pulumiStackOutputs(stack: string): Promise<unknown> {
    const pulumi = process.env.PULUMI ?? "pulumi";
    try {
        const { stdout } = await promisify(execFile)(pulumi, ["stack", "output", "--stack", stack, "--show-secrets", "--json"], {
            cwd: PROJECT_DIR,
            maxBuffer: 64 * 1024 * 1024,
        });
        return JSON.parse(stdout);
    } catch (e) {
        const err = e as { code?: string; stderr?: string; message: string };
        if (err.code === "ENOENT") throw new Error(`stack "${stack}": the Pulumi CLI (${pulumi}) is not installed; pass --from-url/--to-url instead`);
        throw new Error(`stack "${stack}": pulumi stack output failed: ${(err.stderr ?? err.message).trim()}`);
    }
}

/** Opens the port-forward (and relay pod) a route needs; everything it started ends with close(). */
export async function openTunnel(route: ClusterRoute): Promise<Tunnel> {
    // Relative kubeconfig paths mean what they meant to `pulumi up`, which runs in the project.
    const kubectl = openKubectl(route.kube, route.namespace, { home: os.homedir(), cwd: PROJECT_DIR });
    try {
        const { forward, via } =
            route.kind === "service"
                ? { forward: await openPortForward(kubectl, `service/${route.service}`, route.port), via: `via port-forward to ${route.namespace}/service/${route.service}` }
                : await openRelay(kubectl, route, { image: process.env.SLIPWAY_RELAY_IMAGE || undefined }).then((relay) => ({
                      forward: relay,
                      via: `via relay pod ${route.namespace}/${relay.pod} to ${route.host}:${route.port}`,
                  }));
        return {
            host: forward.host,
            port: forward.port,
            via,
            close: async () => {
                try {
                    await forward.close();
                } finally {
                    await kubectl.close();
                }
            },
        };
    } catch (e) {
        await kubectl.close();
        throw e;
    }
}

export const defaultDeps: ResolverDeps = { readStackOutputs: pulumiStackOutputs, openTunnel };

export async function resolveEndpoint(spec: EndpointSpec, deps: ResolverDeps = defaultDeps): Promise<ResolvedEndpoint> {
    if (spec.kind === "url") {
        const admin = parsePostgresUrl(spec.url);
        return { label: describeConnection(admin), admin, close: async () => undefined };
    }
    const access = parseStackOutputs(spec.stack, await deps.readStackOutputs(spec.stack));
    if (access.route.kind === "direct") {
        return { label: `stack ${spec.stack}: ${describeConnection(access.admin)}`, admin: access.admin, databases: access.databases, close: async () => undefined };
    }
    const tunnel = await deps.openTunnel(access.route);
    // Only host and port change: user, password and sslmode go through the tunnel untouched.
    const admin = { ...access.admin, host: tunnel.host, port: tunnel.port };
    return {
        label: `stack ${spec.stack}: ${describeConnection(admin)} ${tunnel.via}`,
        admin,
        databases: access.databases,
        close: () => tunnel.close(),
    };
}
