// Turns --from/--to into a live admin connection. Pluggable: a URL is used as given; a stack is
// read through the Pulumi CLI and, for in-cluster Postgres, reached through a port-forward.
import { execFile } from "child_process";
import * as path from "path";
import { promisify } from "util";
import type { EndpointSpec } from "./args";
import { describeConnection, parsePostgresUrl, type PgConnection } from "./connection";
import { openPortForward, type PortForward, type PortForwardTarget } from "./port-forward";
import { parseStackOutputs } from "./stack-outputs";

export interface ResolvedEndpoint {
    /** How the endpoint is named in progress lines (no secrets). */
    readonly label: string;
    readonly admin: PgConnection;
    /** Databases the stack declares; undefined for a bare URL. */
    readonly databases?: readonly string[];
    /** Ends whatever the resolution opened (port-forward). */
    close(): Promise<void>;
}

export interface ResolverDeps {
    readStackOutputs(stack: string): Promise<unknown>;
    openPortForward(target: PortForwardTarget): Promise<PortForward>;
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

export const defaultDeps: ResolverDeps = { readStackOutputs: pulumiStackOutputs, openPortForward: (t) => openPortForward(t) };

export async function resolveEndpoint(spec: EndpointSpec, deps: ResolverDeps = defaultDeps): Promise<ResolvedEndpoint> {
    if (spec.kind === "url") {
        const admin = parsePostgresUrl(spec.url);
        return { label: describeConnection(admin), admin, close: async () => undefined };
    }
    const access = parseStackOutputs(spec.stack, await deps.readStackOutputs(spec.stack));
    if (access.portForward === undefined) {
        return { label: `stack ${spec.stack}: ${describeConnection(access.admin)}`, admin: access.admin, databases: access.databases, close: async () => undefined };
    }
    const { kubeconfig, namespace, service } = access.portForward;
    const forward = await deps.openPortForward({ kubeconfig, namespace, service, remotePort: access.admin.port });
    const admin = { ...access.admin, host: forward.host, port: forward.port };
    return {
        label: `stack ${spec.stack}: ${describeConnection(admin)} via port-forward to ${namespace}/service/${service}`,
        admin,
        databases: access.databases,
        close: () => forward.close(),
    };
}
