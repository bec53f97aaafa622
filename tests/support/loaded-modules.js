// Prints, as JSON, which installed packages' files each stack's program loads, run as Pulumi's
// host runs it (ts-node with the project's Pulumi tsconfig), one fresh process for all stacks:
// a stack's list is what its run added to what the runner and earlier stacks had loaded.
const path = require("path");
const root = path.resolve(__dirname, "../..");
process.chdir(root);
require("ts-node").register({ project: path.join(root, "tsconfig.pulumi.json"), transpileOnly: true });
const { runProgram } = require("../../scripts/offline");
const installed = () => Object.keys(require.cache).filter((f) => f.includes(`${path.sep}node_modules${path.sep}`)).map((f) => f.split(`${path.sep}node_modules${path.sep}`).pop());
(async () => {
    const out = {};
    // One process per stack would be truer and slower; each stack here is the first of its target.
    for (const stack of process.argv.slice(2)) {
        const before = new Set(installed());
        await runProgram(stack);
        out[stack] = installed().filter((f) => !before.has(f));
    }
    process.stdout.write(JSON.stringify(out));
})().catch((e) => {
    console.error(e);
    process.exit(1);
});
