// kubectl for one stack's cluster: the arguments that select it, a private copy of the stack's
// kubeconfig while it is needed, and every kubectl child tracked so an interrupt leaves none behind.
import { ChildProcess, execFile, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { interruptCleanups } from "./cleanup";
import type { KubeAccess } from "./stack-outputs";

/** Where relative paths and "~" in a stack's kubeconfigPath are resolved, as the Pulumi provider does. */
export interface PathBase {
    readonly home: string;
    readonly cwd: string;
}

/**
 * kubectl's cluster-selecting flags. A stack kubeconfig is passed as the temp file holding it; a
 * context uses the user's kubeconfig ($KUBECONFIG or ~/.kube/config) unless the stack names a file.
 */
export function kubectlGlobalArgs(kube: KubeAccess, kubeconfigFile: string | undefined, base: PathBase): string[] {
    if (kube.kind === "kubeconfig") {
        if (kubeconfigFile === undefined) throw new Error("the stack's kubeconfig must be written to a file first");
        return ["--kubeconfig", kubeconfigFile];
    }
    if (kube.kubeconfigPath === undefined) return ["--context", kube.context];
    // kubectl is spawned without a shell, so "~" must be expanded here.
    const p = kube.kubeconfigPath;
    const expanded = p === "~" ? base.home : p.startsWith("~/") ? path.join(base.home, p.slice(2)) : path.resolve(base.cwd, p);
    return ["--context", kube.context, "--kubeconfig", expanded];
}

export interface KubectlSession {
    readonly namespace: string;
    /** Cluster-selecting flags, then `--namespace <namespace>`. */
    readonly args: readonly string[];
    /** Runs `kubectl <args> <sub...>`; resolves to stdout, rejects with stderr. */
    exec(sub: string[], timeoutMs?: number): Promise<string>;
    /** A long-running kubectl (port-forward), tracked until it exits. */
    spawn(sub: string[]): ChildProcess;
    /** Blocking run, for the interrupt path only (the process exits right after). */
    execSync(sub: string[]): { ok: boolean; output: string };
    /** Sync cleanup run on interrupt before the kubeconfig copy goes (it still needs kubectl). */
    onInterrupt(fn: () => void): () => void;
    /** Ends tracked children and removes the kubeconfig copy. */
    close(): Promise<void>;
}

export function openKubectl(
    kube: KubeAccess,
    namespace: string,
    base: PathBase,
    kubectl = process.env.KUBECTL ?? "kubectl",
): KubectlSession {
    const dir = kube.kind === "kubeconfig" ? fs.mkdtempSync(path.join(os.tmpdir(), "slipway-kube-")) : undefined;
    const file = dir === undefined ? undefined : path.join(dir, "kubeconfig");
    if (file !== undefined && kube.kind === "kubeconfig") fs.writeFileSync(file, kube.kubeconfig, { mode: 0o600 });
    const args = [...kubectlGlobalArgs(kube, file, base), "--namespace", namespace];
    const children = new Set<ChildProcess>();
    const finalizers = new Set<() => void>();
    const track = (child: ChildProcess) => {
        children.add(child);
        child.once("exit", () => children.delete(child));
        child.once("error", () => children.delete(child));
        return child;
    };
    const removeDir = () => dir !== undefined && fs.rmSync(dir, { recursive: true, force: true });
    const interrupted = () => {
        children.forEach((c) => c.kill("SIGTERM"));
        try {
            finalizers.forEach((f) => f());
        } finally {
            removeDir();
        }
    };
    interruptCleanups.add(interrupted);
    return {
        namespace,
        args,
        exec: (sub, timeoutMs = 60000) =>
            new Promise((resolve, reject) => {
                const child = execFile(kubectl, [...args, ...sub], { timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
                    if (!err) return resolve(stdout);
                    const e = err as NodeJS.ErrnoException & { killed?: boolean };
                    if (e.code === "ENOENT") return reject(new Error(`cannot run ${kubectl}: not installed (set KUBECTL to its path)`));
                    const why = e.killed ? `timed out after ${timeoutMs / 1000}s` : `exit ${e.code}`;
                    reject(new Error(`kubectl ${sub[0]} failed (${why}): ${String(stderr).trim() || e.message}`));
                });
                track(child);
            }),
        spawn: (sub) => track(spawn(kubectl, [...args, ...sub], { stdio: ["ignore", "pipe", "pipe"] })),
        execSync(sub) {
            const r = spawnSync(kubectl, [...args, ...sub], { encoding: "utf8", timeout: 20000 });
            return { ok: r.status === 0, output: `${r.stdout ?? ""}${r.stderr ?? ""}`.trim() || (r.error?.message ?? "") };
        },
        onInterrupt(fn) {
            finalizers.add(fn);
            return () => finalizers.delete(fn);
        },
        async close() {
            interruptCleanups.delete(interrupted);
            await Promise.all(
                [...children].map((c) => {
                    const exited = new Promise((r) => c.once("exit", r));
                    c.kill("SIGTERM");
                    return exited;
                }),
            );
            removeDir();
        },
    };
}
