// `npm run plan -- <stack> [<other stack>]`: runs the program for Pulumi.<stack>.yaml under the
// mock runtime (no CLI, no credentials), prints the resource tree with key settings, and writes
// every Kubernetes object it would create to out/<stack>/. With two stacks it also prints what
// switching from the first to the second changes.
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import type { CostEstimate } from "../lib/cost-ledger";
import { diffObjects } from "./diff";
import { deployTimeExpansions, kubernetesObjects, manifestFileName } from "./manifests";
import { PROJECT_DIR, ProgramRun, RecordedResource, runProgram } from "./offline";
import { maskSecrets, summarize } from "./plan-format";
import { runPolicies } from "./policy-run";

async function main(stacks: string[]): Promise<void> {
    if (stacks.length === 0 || stacks.length > 2) {
        throw new Error("usage: npm run plan -- <stack> [<other stack>]   (stacks: Pulumi.<stack>.yaml)");
    }
    const runs: ProgramRun[] = [];
    for (const stack of stacks) {
        const started = process.hrtime.bigint();
        const run = await runProgram(stack);
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        runs.push(run);
        printTree(run);
        const dir = writeManifests(run);
        const expansions = deployTimeExpansions(run);
        console.log(`\n${run.resources.length} resources, ${kubernetesObjects(run).length} Kubernetes objects written to ${path.relative(process.cwd(), dir) || "."}/`);
        for (const e of expansions) console.log(`  expanded at deploy time: ${e.type} ${e.name} (${summarize(e)})`);
        printCost(run.outputs.costEstimate as CostEstimate);
        const violations = await runPolicies(run.resources);
        const mandatory = violations.filter((v) => v.level === "mandatory");
        console.log(`policies (policy/, as \`pulumi preview --policy-pack policy\` runs them): ${mandatory.length} mandatory, ${violations.length - mandatory.length} advisory violations`);
        for (const v of violations) console.log(`  ${v.level.padEnd(9)} ${v.policy}: ${v.resource}: ${v.message}`);
        // As the CLI would stop the preview.
        if (mandatory.length > 0) process.exitCode = 1;
        console.log(`outputs: ${Object.keys(run.outputs).filter((k) => run.outputs[k] !== undefined).map((k) => (run.secretOutputs.includes(k) ? `${k} [secret]` : k)).join(", ")}`);
        console.log(`planned in ${ms.toFixed(0)} ms\n`);
    }
    if (runs.length === 2) printSwitch(runs[0], runs[1]);
}

/** The stack's `costEstimate` output, as `pulumi stack output costEstimate` would show it. */
function printCost(cost: CostEstimate): void {
    const dated = cost.priceTables.length > 0 ? `list prices of ${cost.priceTables.join(", ")}; internet egress excluded, usage lines at the stated volumes` : "nothing billed by a cloud";
    console.log(`estimated cost (output costEstimate): $${cost.monthlyTotal.toFixed(0)}/month (${dated})`);
    for (const item of cost.items) console.log(`  ${item.monthly === null ? "    ?" : `$${item.monthly.toFixed(0).padStart(5)}`}  ${item.resource}: ${item.detail}`);
}

function printTree(run: ProgramRun): void {
    console.log(`== stack ${run.stack}`);
    const children = new Map<string, RecordedResource[]>();
    for (const r of run.resources) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
    const visit = (parent: string, depth: number) => {
        for (const r of children.get(parent) ?? []) {
            const flags = [r.protect && "protect", r.retainOnDelete && "retainOnDelete", r.secretPaths.length > 0 && `secret: ${r.secretPaths.join(",")}`].filter(Boolean);
            const settings = summarize(r);
            console.log(`${"  ".repeat(depth)}${r.type} ${r.name}${settings ? `  ${settings}` : ""}${flags.length ? `  [${flags.join("; ")}]` : ""}`);
            visit(r.urn, depth + 1);
        }
    };
    const urns = new Set(run.resources.map((r) => r.urn));
    for (const root of new Set(run.resources.filter((r) => !urns.has(r.parent)).map((r) => r.parent))) visit(root, 1);
}

function writeManifests(run: ProgramRun): string {
    const dir = path.join(PROJECT_DIR, "out", run.stack);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    for (const r of run.resources) {
        const [object] = kubernetesObjects({ ...run, resources: [r] });
        if (!object) continue;
        fs.writeFileSync(path.join(dir, manifestFileName(object)), yaml.dump(maskSecrets(object, r.secretPaths), { noRefs: true, sortKeys: false, lineWidth: -1 }));
    }
    return dir;
}

function printSwitch(from: ProgramRun, to: ProgramRun): void {
    console.log(`== switching ${from.stack} -> ${to.stack}`);
    const diffs = diffObjects(kubernetesObjects(from), kubernetesObjects(to));
    const nonK8s = (run: ProgramRun) => new Set(run.resources.filter((r) => r.custom && !r.type.startsWith("kubernetes:")).map((r) => r.type));
    console.log(`cluster-level resources: ${[...nonK8s(from)].join(", ") || "none"}  ->  ${[...nonK8s(to)].join(", ") || "none"}`);
    for (const d of diffs) console.log(`  ${d.change.padEnd(8)} ${d.id}${d.paths.length ? `: ${d.paths.join(", ")}` : ""}`);
    console.log(`${diffs.length} Kubernetes objects differ`);
}

main(process.argv.slice(2)).catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
});
