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

interface Loaded {
    readonly files: string[];
    /** `kubernetes:<module>` keys the SDK can rebuild resource references of. */
    readonly rebuildable: string[];
    /** `kubernetes:<module>` of every Kubernetes type the stack registered. */
    readonly used: string[];
}

async function loaded(stacks: string[]): Promise<Record<string, Loaded>> {
    const { stdout } = await promisify(execFile)(process.execPath, [SCRIPT, ...stacks], { maxBuffer: 64 * 1024 * 1024 });
    return JSON.parse(stdout);
}

test("each stack loads only its own cloud SDK, and never @pulumi/kubernetes' root index", async () => {
    // Local and cloud stacks in separate processes: a cloud SDK loaded by one stack stays loaded.
    const runs = await Promise.all([loaded(["dev", "e2e"]), ...["prod", "eks", "doks", "hetzner"].map((s) => loaded([s]))]);
    const all: Record<string, Loaded> = Object.assign({}, ...runs);
    expect(Object.keys(all).sort()).toEqual(Object.keys(OWN_SDK).sort());
    for (const [stack, { files }] of Object.entries(all)) {
        const clouds = CLOUD_SDKS.filter((sdk) => files.some((f) => f.startsWith(sdk)));
        expect({ stack, clouds }).toEqual({ stack, clouds: OWN_SDK[stack] ? [OWN_SDK[stack]] : [] });
        expect({ stack, root: files.filter((f) => f === "@pulumi/kubernetes/index.js" || f.startsWith("@pulumi/kubernetes/yaml/yaml.js") || f.startsWith("glob/")) }).toEqual({ stack, root: [] });
    }
    // The first stack of the first process shows what a k3d preview loads of Kubernetes' SDK.
    expect(all.dev.files.filter((f) => f.startsWith("@pulumi/kubernetes/")).length).toBeLessThan(45);
}, 120_000);

test("every Kubernetes kind a stack registers can still come back from the engine as a resource", async () => {
    // The root index used to register every group; now each imported group/version index registers
    // its own (@pulumi/kubernetes <group>/<version>/index.js registerResourceModule), and a reference
    // of an unregistered module deserializes to a bare URN or ID (@pulumi/pulumi runtime/rpc.js).
    // Custom resource kinds (Gateway API, Cilium, GKE) have no SDK module either way.
    const CUSTOM = ["kubernetes:gateway.networking.k8s.io/", "kubernetes:cilium.io/", "kubernetes:networking.gke.io/"];
    const runs = await Promise.all(["dev", "prod", "eks", "doks", "hetzner"].map((s) => loaded([s])));
    for (const [stack, { rebuildable, used }] of Object.entries(Object.assign({}, ...runs) as Record<string, Loaded>)) {
        const missing = used.filter((m) => !CUSTOM.some((c) => m.startsWith(c)) && !rebuildable.includes(m));
        expect({ stack, missing }).toEqual({ stack, missing: [] });
    }
}, 120_000);
