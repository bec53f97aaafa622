// Prints, as JSON, the stack trace Pulumi's SDK records for every resource of every stack
// (@pulumi/pulumi resource.js Resource.stackTrace: the source position and frames it sends the
// engine, which the engine keeps in state). Run as Pulumi's host runs the program: ts-node with the
// project's Pulumi tsconfig (swc, so source maps carry names). With SLIPWAY_PLAIN_STACKS set,
// index.ts's stack hook is left out and source-map-support renders every stack whole.
const path = require("path");
const root = path.resolve(__dirname, "../..");
process.chdir(root);
require("ts-node").register({ project: path.join(root, "tsconfig.pulumi.json"), transpileOnly: true });
// Marking the installed hook as already wrapped makes skipMappingPromiseDebugStacks a no-op.
if (process.env.SLIPWAY_PLAIN_STACKS) Error.prepareStackTrace.slipwayWrapped = true;
const { Resource } = require("@pulumi/pulumi/resource");
const recorded = [];
const stackTrace = Resource.stackTrace;
Resource.stackTrace = function (skip) {
    const frames = stackTrace.call(this, skip + 1);
    recorded.push(frames);
    return frames;
};
const { runProgram, stackNames } = require("../../scripts/offline");
(async () => {
    const out = {};
    for (const stack of stackNames()) {
        recorded.length = 0;
        await runProgram(stack);
        out[stack] = [...recorded];
    }
    process.stdout.write(JSON.stringify(out));
})().catch((e) => {
    console.error(e);
    process.exit(1);
});
