// `npm run snapshot -- <file>`: every stack's recorded resources (type, name, URN, parent, provider,
// options and inputs, secrets masked) as one JSON file, to prove a refactor changes nothing a real
// `pulumi up` would see: run it before and after, then `diff` the two files.
import * as fs from "fs";
import { maskSecrets } from "./plan-format";
import { runProgram, stackNames } from "./offline";

async function main(out: string | undefined): Promise<void> {
    if (!out) throw new Error("usage: npm run snapshot -- <output.json>");
    const stacks: Record<string, unknown[]> = {};
    for (const stack of stackNames()) {
        const run = await runProgram(stack);
        stacks[stack] = run.resources.map((r) => ({
            type: r.type,
            name: r.name,
            urn: r.urn,
            parent: r.parent,
            provider: r.provider,
            protect: r.protect,
            retainOnDelete: r.retainOnDelete,
            deleteBeforeReplace: r.deleteBeforeReplace,
            ignoreChanges: r.ignoreChanges,
            additionalSecretOutputs: r.additionalSecretOutputs,
            dependencies: [...r.dependencies].sort(),
            inputs: maskSecrets(r.inputs, r.secretPaths),
            dynamicProvider: r.dynamicProvider,
        }));
    }
    fs.writeFileSync(out, JSON.stringify(stacks, null, 1));
    console.log(`${Object.entries(stacks).map(([s, rs]) => `${s}: ${rs.length} resources`).join(", ")} -> ${out}`);
}

main(process.argv[2]).catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
});
