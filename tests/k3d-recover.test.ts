// The one recovery command for a k3d cluster deleted by hand, and what it refuses: it may only
// let the Kubernetes provider drop unreachable objects from state when the cluster is really gone.
import { recover, REFUSED } from "../scripts/k3d-recover";

function fakes(world: { docker: boolean; clusters: string[] }) {
    const calls: { cmd: string; args: string[]; env?: NodeJS.ProcessEnv }[] = [];
    const logs: string[] = [];
    return {
        calls,
        logs,
        deps: {
            log: (l: string) => logs.push(l),
            run: (cmd: string, args: string[], env?: NodeJS.ProcessEnv) => {
                calls.push({ cmd, args, env });
                if (args[0] === "info") return world.docker ? { status: 0, stdout: "28.2.2", stderr: "" } : { status: 1, stdout: "", stderr: "Cannot connect to the Docker daemon" };
                if (args[0] === "cluster") return { status: 0, stdout: JSON.stringify(world.clusters.map((name) => ({ name }))), stderr: "" };
                return { status: 0, stdout: "", stderr: "" };
            },
        },
    };
}
const pulumiCalls = (f: ReturnType<typeof fakes>) => f.calls.filter((c) => c.args[0] === "up");

test("cluster gone, Docker up: pulumi up --refresh with PULUMI_K8S_DELETE_UNREACHABLE, the stack and the user's flags", () => {
    const f = fakes({ docker: true, clusters: ["other"] });
    expect(recover("dev", ["--yes"], "shop", f.deps)).toBe(0);
    const [up] = pulumiCalls(f);
    expect(up.args).toEqual(["up", "--refresh", "--stack", "dev", "--yes"]);
    expect(up.env?.PULUMI_K8S_DELETE_UNREACHABLE).toBe("true");
});

test("Docker not answering (after a reboot): refused, state untouched", () => {
    const f = fakes({ docker: false, clusters: [] });
    expect(recover("dev", [], "shop", f.deps)).toBe(REFUSED);
    expect(pulumiCalls(f)).toEqual([]);
    expect(f.logs.join("\n")).toMatch(/Docker does not answer/);
});

test("cluster still there (perhaps stopped): refused, with how to start it", () => {
    const f = fakes({ docker: true, clusters: ["shop"] });
    expect(recover("dev", [], "shop", f.deps)).toBe(REFUSED);
    expect(pulumiCalls(f)).toEqual([]);
    expect(f.logs.join("\n")).toContain("k3d cluster start shop");
});

test("k3d's list is read with quiet logging, so log lines never corrupt its JSON", () => {
    const f = fakes({ docker: true, clusters: [] });
    recover("dev", [], "shop", f.deps);
    expect(f.calls.find((c) => c.args[0] === "cluster")!.env?.LOG_LEVEL).toBe("warn");
});
