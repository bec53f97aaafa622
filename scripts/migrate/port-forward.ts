// `kubectl port-forward` to a Service (in-cluster Postgres) or to the relay pod, the way a user
// would by hand, on a local port kubectl picks.
import type { KubectlSession } from "./kubectl";

export interface PortForward {
    readonly host: string;
    readonly port: number;
    close(): Promise<void>;
}

/** The local port from kubectl's "Forwarding from 127.0.0.1:43215 -> 5432" line. */
export function parseForwardedPort(output: string): number | undefined {
    const m = /Forwarding from 127\.0\.0\.1:(\d+) ->/.exec(output);
    return m ? Number(m[1]) : undefined;
}

/** kubectl arguments after the session's; ":<port>" lets kubectl pick a free local port, so two stacks never collide. */
export function portForwardArgs(resource: string, remotePort: number): string[] {
    return ["port-forward", "--address", "127.0.0.1", resource, `:${remotePort}`];
}

/** Forwards to `resource` ("service/postgres", "pod/<name>"); the forward ends with close() or the session. */
export async function openPortForward(kubectl: KubectlSession, resource: string, remotePort: number, timeoutMs = 30000): Promise<PortForward> {
    const child = kubectl.spawn(portForwardArgs(resource, remotePort));
    const { namespace } = kubectl;
    const close = async () => {
        if (child.exitCode === null && child.signalCode === null) {
            const exited = new Promise((r) => child.once("exit", r));
            child.kill("SIGTERM");
            await exited;
        }
    };
    let stdout = "";
    let stderr = "";
    try {
        const port = await new Promise<number>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`kubectl port-forward to ${namespace}/${resource} gave no port within ${timeoutMs / 1000}s: ${stderr.trim()}`)), timeoutMs);
            child.stdout!.on("data", (d) => {
                stdout += d;
                const p = parseForwardedPort(stdout);
                if (p !== undefined) {
                    clearTimeout(timer);
                    resolve(p);
                }
            });
            child.stderr!.on("data", (d) => (stderr += d));
            child.once("error", (e) => {
                clearTimeout(timer);
                reject(new Error(`cannot run kubectl: ${e.message} (set KUBECTL to its path)`));
            });
            child.once("exit", (code) => {
                clearTimeout(timer);
                reject(new Error(`kubectl port-forward to ${namespace}/${resource} exited (${code}): ${stderr.trim()}`));
            });
        });
        return { host: "127.0.0.1", port, close };
    } catch (e) {
        await close();
        throw e;
    }
}
