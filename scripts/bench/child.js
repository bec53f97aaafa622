// One measured start-up, in a fresh Node process, the way Pulumi's Node.js host starts a TypeScript
// program (@pulumi/pulumi cmd/run/run.js): ts-node registered with the project's tsconfig, type-checking
// unless transpileOnly, then the program run to completion (here under mocks: scripts/offline.ts).
// Prints one JSON line: the peak resident memory of this process.
const path = require("path");
const [mode, target] = process.argv.slice(2);
const root = path.resolve(__dirname, "../..");
process.chdir(root);
require("ts-node").register({
    transpileOnly: mode === "transpile",
    project: path.join(root, mode === "transpile" ? "tsconfig.pulumi.json" : "tsconfig.json"),
    compilerOptions: {},
});
const { runProgram } = require("../offline");
const { syntheticStack } = require("./synthetic");

const run =
    target === "floor"
        ? runProgram("dev", { config: {}, load: () => require("./floor") })
        : target.startsWith("replay:")
          ? runProgram("dev", { config: {}, load: () => require("./replay") })
        : target.startsWith("apps")
          ? runProgram("dev", { ...syntheticStack(Number(target.slice(4))), load: () => require("../..") })
          : runProgram(target, { load: () => require("../..") });
run.then(
    (r) => console.log(JSON.stringify({ resources: r.resources.length, maxRssKb: process.resourceUsage().maxRSS })),
    (e) => {
        console.error(e);
        process.exit(1);
    },
);
