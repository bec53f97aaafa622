// Prints, as JSON, which installed packages' files each stack's program loads, run as Pulumi's
// host runs it, one fresh process for the stacks given: a stack's list is what its run added to what
// the runner and earlier stacks had loaded.
const path = require("path");
const { printPerStack, registerAsHost } = require("./as-host");
registerAsHost();
const installed = () => Object.keys(require.cache).filter((f) => f.includes(`${path.sep}node_modules${path.sep}`)).map((f) => f.split(`${path.sep}node_modules${path.sep}`).pop());
// One process per stack would be truer and slower; each stack here is the first of its target.
printPerStack(process.argv.slice(2), async (_stack, run) => {
    const before = new Set(installed());
    await run();
    return installed().filter((f) => !before.has(f));
});
