// `npm run plan -- [--markdown | --json] [--all] [--switch <from>:<to>] <stack>...`: runs the program
// for each Pulumi.<stack>.yaml under the mock runtime (no CLI, no credentials), prints the resource
// tree with key settings, the costEstimate output and the policy pack's findings, and writes every
// Kubernetes object it would create to out/<stack>/. Two stacks (or --switch) also print what
// switching from the first to the second changes (scripts/switch.ts). --markdown is for a PR comment,
// --json for machines; progress goes to stderr, so stdout stays the document.
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import type { CostEstimate } from "../lib/cost-ledger";
import { deployTimeExpansions, kubernetesObjects, manifestFileName } from "./manifests";
import { PROJECT_DIR, ProgramRun, runProgram, stackNames } from "./offline";
import { maskSecrets, summarize } from "./plan-format";
import { runPolicies, Violation } from "./policy-run";
import { switchReport } from "./switch";
import { switchMarkdown, switchText } from "./switch-format";

type Format = "text" | "markdown" | "json";

export interface PlanArgs {
    readonly format: Format;
    readonly stacks: string[];
    readonly switchPair?: [string, string];
}

const USAGE = "usage: npm run plan -- [--markdown | --json] [--all] [--switch <from>:<to>] <stack>...   (stacks: Pulumi.<stack>.yaml)";

export function parsePlanArgs(argv: string[], known: string[] = stackNames()): PlanArgs {
    let format: Format = "text";
    let switchPair: [string, string] | undefined;
    const stacks: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--markdown" || arg === "--json") format = arg.slice(2) as Format;
        else if (arg === "--all") stacks.push(...known);
        else if (arg === "--switch") {
            const pair = (argv[++i] ?? "").split(":");
            if (pair.length !== 2 || !pair[0] || !pair[1]) throw new Error(`--switch: got "${argv[i] ?? ""}"; expected <from>:<to>, e.g. dev:prod\n${USAGE}`);
            switchPair = [pair[0], pair[1]];
        } else if (arg.startsWith("--")) throw new Error(`unknown option ${arg}\n${USAGE}`);
        else stacks.push(arg);
    }
    if (!switchPair && stacks.length === 2) switchPair = [stacks[0], stacks[1]];
    const all = [...new Set([...stacks, ...(switchPair ?? [])])];
    if (all.length === 0) throw new Error(USAGE);
    const unknown = all.filter((s) => !known.includes(s));
    if (unknown.length > 0) throw new Error(`no stack file for ${unknown.join(", ")}; stacks: ${known.join(", ")}`);
    return { format, stacks: all, switchPair };
}

interface Planned {
    readonly run: ProgramRun;
    readonly dir: string;
    readonly ms: number;
    readonly violations: Violation[];
}

async function main(args: PlanArgs): Promise<void> {
    const planned = new Map<string, Planned>();
    for (const [i, stack] of args.stacks.entries()) {
        if (args.stacks.length > 1 || args.format !== "text") process.stderr.write(`[${i + 1}/${args.stacks.length}] planning ${stack}... `);
        const started = process.hrtime.bigint();
        const run = await runProgram(stack);
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        const violations = await runPolicies(run.resources);
        planned.set(stack, { run, dir: writeManifests(run), ms, violations });
        if (args.stacks.length > 1 || args.format !== "text") process.stderr.write(`${run.resources.length} resources in ${ms.toFixed(0)} ms\n`);
    }
    const report = args.switchPair && switchReport(planned.get(args.switchPair[0])!.run, planned.get(args.switchPair[1])!.run);
    const all = [...planned.values()];
    if (args.format === "json") console.log(JSON.stringify({ stacks: all.map(summary), switch: report }, null, 2));
    else if (args.format === "markdown") {
        const document = (trees: boolean) => [markdownSummary(all, trees), ...(report ? [switchMarkdown(report)] : [])].join("\n\n");
        console.log(fitComment(document(true), document(false)));
    }
    else {
        for (const p of all) console.log(planText(p));
        if (report) console.log(switchText(report));
    }
    // As the CLI would stop the preview.
    if (all.some((p) => p.violations.some((v) => v.level === "mandatory"))) process.exitCode = 1;
}

/** The stack outputs a run sets, and which are secret. */
function outputList(run: ProgramRun): { name: string; secret: boolean }[] {
    return Object.keys(run.outputs).filter((k) => run.outputs[k] !== undefined).map((k) => ({ name: k, secret: run.secretOutputs.includes(k) }));
}

function summary(p: Planned) {
    return {
        stack: p.run.stack,
        target: p.run.outputs.target,
        resources: p.run.resources.length,
        kubernetesObjects: kubernetesObjects(p.run).length,
        deployTimeExpansions: deployTimeExpansions(p.run).map((e) => ({ type: e.type, name: e.name })),
        costEstimate: p.run.outputs.costEstimate as CostEstimate,
        policyViolations: p.violations,
        outputs: outputList(p.run),
        manifests: path.relative(PROJECT_DIR, p.dir),
        plannedMs: Math.round(p.ms),
    };
}

/** GitHub refuses a comment over 65,536 characters (pulumi/actions caps its own at 64,000); room is left for a marker. */
export const COMMENT_LIMIT = 64_000;

/** The full document if it fits; else without the resource trees; else cut, saying where the rest is. */
export function fitComment(full: string, withoutTrees: string, limit = COMMENT_LIMIT): string {
    if (full.length <= limit) return full;
    const note = "\n\n_Cut to fit a GitHub comment: run `npm run plan -- <stack>` (or the CI job's log) for everything._";
    const trimmed = `${withoutTrees}\n\n_Resource trees left out to fit a GitHub comment: \`npm run plan -- <stack>\` prints them._`;
    if (trimmed.length <= limit) return trimmed;
    return `${withoutTrees.slice(0, limit - note.length - 20)}\n\n</details>${note}`;
}

function markdownSummary(all: Planned[], withTrees = true): string {
    const rows = all.map(summary).map((s) => {
        const mandatory = s.policyViolations.filter((v) => v.level === "mandatory").length;
        return `| \`${s.stack}\` | ${s.target} | ${s.resources} | ${s.kubernetesObjects} | $${s.costEstimate.monthlyTotal.toFixed(0)} | ${mandatory} mandatory, ${s.policyViolations.length - mandatory} advisory |`;
    });
    const trees = all.map((p) => [`<details><summary><code>${p.run.stack}</code>: resource tree</summary>`, "", "```", ...treeLines(p.run), "```", "", "</details>"].join("\n"));
    return ["### Slipway offline plan", "", "| stack | target | resources | Kubernetes objects | cost a month | policies |", "| --- | --- | --- | --- | --- | --- |", ...rows, "", ...(withTrees ? trees : [])].join("\n");
}

function planText(p: Planned): string {
    const { run, violations } = p;
    const cost = run.outputs.costEstimate as CostEstimate;
    const mandatory = violations.filter((v) => v.level === "mandatory").length;
    const dated = cost.priceTables.length > 0 ? `list prices of ${cost.priceTables.join(", ")}; internet egress excluded, usage lines at the stated volumes` : "nothing billed by a cloud";
    return [
        `== stack ${run.stack}`,
        ...treeLines(run),
        "",
        `${run.resources.length} resources, ${kubernetesObjects(run).length} Kubernetes objects written to ${path.relative(process.cwd(), p.dir) || "."}/`,
        ...deployTimeExpansions(run).map((e) => `  expanded at deploy time: ${e.type} ${e.name} (${summarize(e)})`),
        `estimated cost (output costEstimate): $${cost.monthlyTotal.toFixed(0)}/month (${dated})`,
        ...cost.items.map((i) => `  ${i.monthly === null ? "    ?" : `$${i.monthly.toFixed(0).padStart(5)}`}  ${i.resource}: ${i.detail}`),
        `policies (policy/, as \`pulumi preview --policy-pack policy\` runs them): ${mandatory} mandatory, ${violations.length - mandatory} advisory violations`,
        ...violations.map((v) => `  ${v.level.padEnd(9)} ${v.policy}: ${v.resource}: ${v.message}`),
        `outputs: ${outputList(run).map((o) => (o.secret ? `${o.name} [secret]` : o.name)).join(", ")}`,
        `planned in ${p.ms.toFixed(0)} ms`,
        "",
    ].join("\n");
}

function treeLines(run: ProgramRun): string[] {
    const lines: string[] = [];
    const children = new Map<string, ProgramRun["resources"]>();
    for (const r of run.resources) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
    const visit = (parent: string, depth: number) => {
        for (const r of children.get(parent) ?? []) {
            const flags = [r.protect && "protect", r.retainOnDelete && "retainOnDelete", r.secretPaths.length > 0 && `secret: ${r.secretPaths.join(",")}`].filter(Boolean);
            const settings = summarize(r);
            lines.push(`${"  ".repeat(depth)}${r.type} ${r.name}${settings ? `  ${settings}` : ""}${flags.length ? `  [${flags.join("; ")}]` : ""}`);
            visit(r.urn, depth + 1);
        }
    };
    const urns = new Set(run.resources.map((r) => r.urn));
    for (const root of new Set(run.resources.filter((r) => !urns.has(r.parent)).map((r) => r.parent))) visit(root, 1);
    return lines;
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

if (require.main === module) {
    Promise.resolve()
        .then(() => main(parsePlanArgs(process.argv.slice(2))))
        .catch((err) => {
            console.error(err instanceof Error ? err.message : err);
            process.exit(1);
        });
}
