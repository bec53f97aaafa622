// What the SDKs alone charge for one stack's resources, for `npm run bench`: the same resources (types,
// names, parents, inputs as the engine received them) registered through their own SDK classes, which
// load the same SDK modules and make the same output properties, straight from recorded JSON with no
// Slipway code, run by the same harness. A stack's start-up minus its replay's is Slipway's own share.
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";
import type { RecordedResource } from "../offline";
import { skipMappingPromiseDebugStacks } from "../../lib/stack-traces";

// As index.ts does, so the replay prices the SDK under the program's own settings.
skipMappingPromiseDebugStacks();
process.env.PULUMI_NODEJS_SKIP_COMPONENT_INPUTS ??= "1";

/** Where the @pulumi packages are installed (one folder per package: aws, gcp, kubernetes...). */
const SDKS = path.dirname(path.dirname(require.resolve("@pulumi/pulumi/package.json")));

type ResourceClass = new (name: string, args: Record<string, unknown>, opts: pulumi.CustomResourceOptions) => pulumi.Resource;

/** A type's SDK module: `aws:rds/instance:Instance` -> @pulumi/aws/rds/instance, `kubernetes:networking.k8s.io/v1:NetworkPolicy` -> @pulumi/kubernetes/networking/v1/networkPolicy. */
function sdkModule(type: string): { path: string; name: string } {
    const [pkg, mod, name] = type.split(":");
    const file = name.charAt(0).toLowerCase() + name.slice(1);
    if (pkg === "kubernetes") {
        const [group, version] = mod.split("/");
        return { path: `@pulumi/kubernetes/${group.split(".")[0]}/${version}/${file}`, name };
    }
    // `aws:rds/instance:Instance`, `random:index/randomId:RandomId`, `command:local:Command`.
    const [dir, member = file] = mod.split("/");
    return { path: `@pulumi/${pkg}/${dir === "index" ? "" : `${dir}/`}${member}`, name };
}

const sdkClasses = new Map<string, ResourceClass | undefined>();

/**
 * The SDK class of a type, looked up once per type. Only installed @pulumi packages are tried: a
 * failed require of a component's or provider's type would charge the replay for resolving paths
 * the program never resolves.
 */
export function sdkClass(type: string): ResourceClass | undefined {
    if (!sdkClasses.has(type)) sdkClasses.set(type, findSdkClass(type));
    return sdkClasses.get(type);
}

function findSdkClass(type: string): ResourceClass | undefined {
    const pkg = type.split(":")[0];
    if (pkg === "pulumi" || !fs.existsSync(path.join(SDKS, pkg))) return undefined;
    const found = sdkModule(type);
    // A token's member names its file, except where the file is all lower case (`projects/iAMMember` -> iammember.js).
    for (const file of [found.path, found.path.replace(/[^/]+$/, (f) => f.toLowerCase())]) {
        try {
            return require(file)[found.name] as ResourceClass;
        } catch {
            // not this file; or a kind with no SDK class (a CRD's)
        }
    }
    return undefined;
}

class Replayed extends pulumi.CustomResource {}
// Providers as they went on the wire: their classes JSON-encode non-string inputs, which the
// recording already holds encoded (a kubeconfig and a tags object both arrive as strings).
class ReplayedProvider extends pulumi.ProviderResource {}
const customResource = (): ResourceClass => require("@pulumi/kubernetes/apiextensions/customResource").CustomResource;

/** Registers the recorded resources, parents first (the order they were recorded in). */
function replay(recorded: readonly RecordedResource[]): number {
    const byUrn = new Map<string, pulumi.Resource>();
    for (const r of recorded) {
        const opts = { parent: byUrn.get(r.parent) };
        const sdk = sdkClass(r.type);
        const resource = r.type.startsWith("pulumi:providers:")
            ? new ReplayedProvider(r.type.slice("pulumi:providers:".length), r.name, r.inputs, opts)
            : sdk
            ? new sdk(r.name, r.inputs, opts)
            : !r.custom
              ? new pulumi.ComponentResource(r.type, r.name, {}, opts)
              : r.type.startsWith("kubernetes:")
                ? new (customResource())(r.name, r.inputs, opts)
                : new Replayed(r.type, r.name, { ...r.inputs, __provider: r.dynamicProvider }, opts);
        byUrn.set(r.urn, resource);
    }
    return recorded.length;
}

const file = process.env.SLIPWAY_BENCH_REPLAY;
export const resources = file ? replay(JSON.parse(fs.readFileSync(file, "utf8"))) : 0;
