// Reaches in-cluster Postgres (k3d) the way a user would by hand: `kubectl port-forward` to its
// Service, with the stack's own kubeconfig written to a private temp file for the duration.
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface PortForwardTarget {
    readonly kubeconfig: string;
    readonly namespace: string;
    readonly service: string;
    readonly remotePort: number;
}

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

/** kubectl arguments; ":<port>" lets kubectl pick a free local port, so two stacks never collide. */
export function portForwardArgs(kubeconfigFile: string, t: PortForwardTarget): string[] {
    return ["--kubeconfig", kubeconfigFile, "--namespace", t.namespace, "port-forward", "--address", "127.0.0.1", `service/${t.service}`, `:${t.remotePort}`];
}

export async function openPortForward(t: PortForwardTarget, kubectl = process.env.KUBECTL ?? "kubectl", timeoutMs = 30000): Promise<PortForward> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-kube-"));
    const kubeconfigFile = path.join(dir, "kubeconfig");
    fs.writeFileSync(kubeconfigFile, t.kubeconfig, { mode: 0o600 });
    const child = spawn(kubectl, portForwardArgs(kubeconfigFile, t), { stdio: ["ignore", "pipe", "pipe"] });
    const cleanup = async () => {
        if (child.exitCode === null && child.signalCode === null) {
            const exited = new Promise((r) => child.once("exit", r));
            child.kill("SIGTERM");
            await exited;
        }
        fs.rmSync(dir, { recursive: true, force: true });
    };
    let stdout = "";
    let stderr = "";
    try {
        const port = await new Promise<number>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`kubectl port-forward to service/${t.service} gave no port within ${timeoutMs / 1000}s: ${stderr.trim()}`)), timeoutMs);
            child.stdout.on("data", (d) => {
                stdout += d;
                const p = parseForwardedPort(stdout);
                if (p !== undefined) {
                    clearTimeout(timer);
                    resolve(p);
                }
            });
            child.stderr.on("data", (d) => (stderr += d));
            child.once("error", (e) => {
                clearTimeout(timer);
                reject(new Error(`cannot run ${kubectl}: ${e.message}`));
            });
            child.once("exit", (code) => {
                clearTimeout(timer);
                reject(new Error(`kubectl port-forward to ${t.namespace}/service/${t.service} exited (${code}): ${stderr.trim()}`));
            });
        });
        return { host: "127.0.0.1", port, close: cleanup };
    } catch (e) {
        await cleanup();
        throw e;
    }
}
