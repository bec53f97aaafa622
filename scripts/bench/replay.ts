// What the SDK alone charges for one stack's resources, for `npm run bench`: the same resources (types,
// names, parents, inputs as the engine received them) registered straight from recorded JSON, with no
// Slipway code, run by the same harness. A stack's start-up minus its replay's is Slipway's own share.
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import type { RecordedResource } from "../offline";
import { skipMappingPromiseDebugStacks } from "../../lib/stack-traces";

// As index.ts does, so the replay prices the SDK under the program's own settings.
skipMappingPromiseDebugStacks();
process.env.PULUMI_NODEJS_SKIP_COMPONENT_INPUTS ??= "1";

class Replayed extends pulumi.CustomResource {}
class ReplayedProvider extends pulumi.ProviderResource {}

const recorded = JSON.parse(fs.readFileSync(process.env.SLIPWAY_BENCH_REPLAY!, "utf8")) as RecordedResource[];
const byUrn = new Map<string, pulumi.Resource>();
for (const r of recorded) {
    const opts = { parent: byUrn.get(r.parent) };
    const resource = !r.custom
        ? new pulumi.ComponentResource(r.type, r.name, {}, opts)
        : r.type.startsWith("pulumi:providers:")
          ? new ReplayedProvider(r.type.slice("pulumi:providers:".length), r.name, r.inputs, opts)
          : new Replayed(r.type, r.name, r.inputs, opts);
    byUrn.set(r.urn, resource);
}
export const resources = recorded.length;
