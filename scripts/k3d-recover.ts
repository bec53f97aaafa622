// `npm run k3d:recover -- <stack> [pulumi up flags]`: brings back a dev stack whose k3d cluster
// was deleted by hand (or lost with Docker's data). It runs
//   PULUMI_K8S_DELETE_UNREACHABLE=true pulumi up --refresh --stack <stack>
// but only once Docker answers and k3d says the cluster is gone: with a cluster that is merely
// stopped (or Docker not up yet after a reboot) that variable would drop every Kubernetes object
// from the state while they still exist, and the next `up` would fail on each (AlreadyExists).
import { spawnSync } from "child_process";
import { parsedStackConfig } from "./offline";

/** Exit codes: 0 recovered (pulumi's own code otherwise), 2 usage, 3 refused (nothing to recover or Docker down). */
export const REFUSED = 3;

export interface RecoverDeps {
    /** Runs a command; returns its exit status and output. */
    run(cmd: string, args: string[], env?: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string };
    log(line: string): void;
}

const bin = (name: string, fallback: string) => process.env[name] || fallback;

/** The decision and, when it is safe, the recovery itself. Returns the process exit code. */
export function recover(stack: string, pulumiArgs: string[], clusterName: string, deps: RecoverDeps): number {
    const docker = deps.run(bin("DOCKER", "docker"), ["info", "--format", "{{.ServerVersion}}"]);
    if (docker.status !== 0) {
        deps.log(`Docker does not answer (${docker.stderr.trim() || `exit ${docker.status}`}): start it first. A cluster that is only stopped comes back with Docker; nothing to recover.`);
        return REFUSED;
    }
    const listed = deps.run(bin("K3D", "k3d"), ["cluster", "list", "-o", "json"], { ...process.env, LOG_LEVEL: "warn" });
    if (listed.status !== 0) {
        deps.log(`k3d cluster list failed: ${listed.stderr.trim()}`);
        return REFUSED;
    }
    const clusters = JSON.parse(listed.stdout || "[]") as { name: string }[];
    if (clusters.some((c) => c.name === clusterName)) {
        deps.log(`k3d cluster "${clusterName}" exists: nothing to recover (if it is stopped: k3d cluster start ${clusterName}).`);
        return REFUSED;
    }
    deps.log(`k3d cluster "${clusterName}" is gone: refreshing the state (dropping its objects) and creating it again; volumes bind the data dir as before.`);
    const up = deps.run(bin("PULUMI", "pulumi"), ["up", "--refresh", "--stack", stack, ...pulumiArgs], { ...process.env, PULUMI_K8S_DELETE_UNREACHABLE: "true" });
    return up.status ?? 1;
}

function main(argv: string[]): number {
    const [stack, ...rest] = argv;
    if (!stack || stack.startsWith("-")) {
        console.error("usage: npm run k3d:recover -- <stack> [pulumi up flags, e.g. --yes]");
        return 2;
    }
    const cfg = parsedStackConfig(stack);
    if (cfg.target !== "k3d") {
        console.error(`stack ${stack} targets ${cfg.target}, not k3d: nothing for this command to recover`);
        return 2;
    }
    return recover(stack, rest, cfg.cluster.name, {
        // Pulumi's own output goes straight to the terminal; only checks are captured.
        run: (cmd, args, env) => {
            const r = spawnSync(cmd, args, { env: env ?? process.env, encoding: "utf8", stdio: cmd === bin("PULUMI", "pulumi") ? "inherit" : "pipe" });
            return { status: r.error ? 127 : r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? (r.error ? String(r.error.message) : "") };
        },
        log: (line) => console.error(line),
    });
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
