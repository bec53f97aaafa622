// Prints, as JSON, the stack trace Pulumi's SDK records for every resource of every stack
// (@pulumi/pulumi resource.js Resource.stackTrace: the source position and frames it sends the
// engine, which the engine keeps in state), run as Pulumi's host runs the program (swc, so source
// maps carry names). With SLIPWAY_PLAIN_STACKS set, index.ts's stack hook is left out and
// source-map-support renders every stack whole.
const { printPerStack, registerAsHost } = require("./as-host");
registerAsHost();
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
printPerStack(require("../../scripts/offline").stackNames(), async (_stack, run) => {
    recorded.length = 0;
    await run();
    return [...recorded];
});
