// What a preview loads before the first provider call (README: start-up). Each stack loads its own
// target's cloud SDK and none of the others', and the Kubernetes SDK by the API groups it uses: the
// package's root index loads every group's index, the legacy yaml/helm v3 code and glob (~100 files,
// ~35 ms of every preview). Run in fresh processes as Pulumi's host runs the program.
import { execFile } from "child_process";
import * as path from "path";
import { promisify } from "util";

const SCRIPT = path.join(__dirname, "../support/loaded-modules.js");
const CLOUD_SDKS = ["@pulumi/gcp/", "@pulumi/aws/", "@pulumi/digitalocean/", "@pulumi/hcloud/"];
const OWN_SDK: Record<string, string | undefined> = { dev: undefined, e2e: undefined, prod: "@pulumi/gcp/", eks: "@pulumi/aws/", doks: "@pulumi/digitalocean/", hetzner: "@pulumi/hcloud/" };

async function loaded(stacks: string[]): Promise<Record<string, string[]>> {
    const { stdout } = await promisify(execFile)(process.execPath, [SCRIPT, ...stacks], { maxBuffer: 64 * 1024 * 1024 });
    return JSON.parse(stdout);
}

test("each stack loads only its own cloud SDK, and never @pulumi/kubernetes' root index", async () => {
    // Local and cloud stacks in separate processes: a cloud SDK loaded by one stack stays loaded.
    const runs = await Promise.all([loaded(["dev", "e2e"]), ...["prod", "eks", "doks", "hetzner"].map((s) => loaded([s]))]);
    const all: Record<string, string[]> = Object.assign({}, ...runs);
    expect(Object.keys(all).sort()).toEqual(Object.keys(OWN_SDK).sort());
    for (const [stack, files] of Object.entries(all)) {
        const clouds = CLOUD_SDKS.filter((sdk) => files.some((f) => f.startsWith(sdk)));
        expect({ stack, clouds }).toEqual({ stack, clouds: OWN_SDK[stack] ? [OWN_SDK[stack]] : [] });
        expect({ stack, root: files.filter((f) => f === "@pulumi/kubernetes/index.js" || f.startsWith("@pulumi/kubernetes/yaml/yaml.js") || f.startsWith("glob/")) }).toEqual({ stack, root: [] });
    }
    // The first stack of the first process shows what a k3d preview loads of Kubernetes' SDK.
    expect(all.dev.filter((f) => f.startsWith("@pulumi/kubernetes/")).length).toBeLessThan(45);
}, 120_000);
