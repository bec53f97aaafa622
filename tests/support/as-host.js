// What the fresh-process contract tests share: the program run the way Pulumi's host runs it
// (ts-node with the project's Pulumi tsconfig: transpile-only, swc), and one JSON object printed
// with a value per stack.
const path = require("path");
const root = path.resolve(__dirname, "../..");

/** Registers ts-node as the host does (@pulumi/pulumi cmd/run/run.js), from the project's folder. */
exports.registerAsHost = () => {
    process.chdir(root);
    require("ts-node").register({ project: path.join(root, "tsconfig.pulumi.json"), transpileOnly: true });
};

/** Runs each stack under the offline runner in turn and prints `{ [stack]: await observe(stack, run) }`. */
exports.printPerStack = (stacks, observe) =>
    (async () => {
        // Loaded before the first stack, so what the runner itself loads counts for no stack.
        const { runProgram } = require("../../scripts/offline");
        const out = {};
        for (const stack of stacks) out[stack] = await observe(stack, () => runProgram(stack));
        process.stdout.write(JSON.stringify(out));
    })().catch((e) => {
        console.error(e);
        process.exit(1);
    });
