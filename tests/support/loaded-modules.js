// Prints, as JSON, which installed packages' files each stack's program loads, run as Pulumi's
// host runs it, one fresh process for the stacks given: a stack's list is what its run added to what
// the runner and earlier stacks had loaded. With it, the Kubernetes modules whose resource
// references the SDK can rebuild (@pulumi/pulumi runtime/rpc.js registerResourceModule) and the
// modules of the Kubernetes types the stack registered.
const path = require("path");
const { printPerStack, registerAsHost } = require("./as-host");
registerAsHost();
const installed = () => Object.keys(require.cache).filter((f) => f.includes(`${path.sep}node_modules${path.sep}`)).map((f) => f.split(`${path.sep}node_modules${path.sep}`).pop());
// One process per stack would be truer and slower; each stack here is the first of its target.
const { getResourceModules } = require("@pulumi/pulumi/runtime/state");
printPerStack(process.argv.slice(2), async (_stack, run) => {
    const before = new Set(installed());
    const { resources } = await run();
    return {
        files: installed().filter((f) => !before.has(f)),
        rebuildable: [...getResourceModules().keys()].filter((k) => k.startsWith("kubernetes:")),
        used: [...new Set(resources.filter((r) => r.type.startsWith("kubernetes:")).map((r) => r.type.split(":").slice(0, 2).join(":")))],
    };
});
