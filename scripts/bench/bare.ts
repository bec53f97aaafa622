// The SDK's own price per resource for `npm run bench`: @pulumi/kubernetes and N plain ConfigMaps, no
// Slipway code, run by the same harness as the stacks. (bareN - floor) / (N - 1) is what each
// registered resource costs before any program logic.
import * as k8s from "@pulumi/kubernetes";
import { skipMappingPromiseDebugStacks } from "../../lib/stack-traces";

// As index.ts does, so this prices the SDK, not source-mapping stacks nobody reads.
skipMappingPromiseDebugStacks();

const count = Number(process.env.SLIPWAY_BENCH_BARE ?? "1");
for (let i = 0; i < count; i++) {
    new k8s.core.v1.ConfigMap(`bare-${i}`, { metadata: { name: `bare-${i}`, namespace: "bench", labels: { "app.kubernetes.io/part-of": "bench" } }, data: { key: "value" } });
}
export const resources = count;
