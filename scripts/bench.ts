// `npm run bench`: start-up as Pulumi's host pays it before any provider call, per stack, in both of
// the host's modes (type-checking, its default; transpile-only, what Pulumi.yaml selects), against a
// floor (@pulumi/kubernetes and one Namespace) and a synthetic 50-app stack; peak memory; each stack's
// replay (its recorded resources registered with no Slipway code: what the SDK alone charges for
// them, so the rest is Slipway's own); and what the
// type-check costs on its own (`tsc --noEmit`). One fresh process per start-up; each figure is the
// median of BENCH_ROUNDS rounds (default 3), every round starting each target once in turn, so a
// slow moment of the machine lands on one round of every target instead of on one target. It prints
// figures and the goals they meet; it asserts nothing.
import { spawnSync } from "child_process";
import * as path from "path";
import * as fs from "fs";
import * as os from "os";
import { runProgram, stackNames } from "./offline";
import { syntheticStack } from "./bench/synthetic";

const ROOT = path.resolve(__dirname, "..");
const MODES = (process.env.BENCH_MODES ?? "transpile,check").split(",");
const GOALS = { stack: 1.3, apps50: 1.6, rss: 1.3 };
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? "3"));
interface Figure { seconds: number; rssMb: number; resources: number }

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Every target once per round, rounds in turn; each figure the median of its rounds. */
function measureAll(mode: string, targets: string[]): Map<string, Figure> {
    const runs = new Map<string, Figure[]>(targets.map((t) => [t, []]));
    for (let round = 1; round <= ROUNDS; round++) {
        process.stderr.write(`[${mode}] round ${round}/${ROUNDS}\n`);
        for (const target of targets) runs.get(target)!.push(measure(mode, target));
    }
    return new Map(
        [...runs].map(([target, figures]) => [
            target,
            { seconds: median(figures.map((f) => f.seconds)), rssMb: median(figures.map((f) => f.rssMb)), resources: figures[0].resources },
        ]),
    );
}

function measure(mode: string, target: string): Figure {
    const env = { ...process.env, SLIPWAY_BENCH_REPLAY: target.startsWith("replay:") ? replayFile(target.slice("replay:".length)) : undefined };
    const started = process.hrtime.bigint();
    const child = spawnSync(process.execPath, [path.join(__dirname, "bench", "child.js"), mode, target], { cwd: ROOT, encoding: "utf8", env });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (child.status !== 0) throw new Error(`${target} (${mode}) failed:\n${child.stderr}`);
    const out = JSON.parse(child.stdout.trim().split("\n").pop()!);
    return { seconds, rssMb: out.maxRssKb / 1024, resources: out.resources };
}

const REPLAY_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-bench-"));
const replayFile = (target: string) => path.join(REPLAY_DIR, `${target}.json`);

/** Records each target's resources once, in this process, for its replay. */
async function recordReplays(targets: string[]): Promise<void> {
    for (const target of targets) {
        const run = target.startsWith("apps") ? await runProgram("dev", syntheticStack(Number(target.slice(4)))) : await runProgram(target);
        fs.writeFileSync(replayFile(target), JSON.stringify(run.resources));
    }
}

/** Each target next to its replay: what the SDK alone charges for the same resources, and the rest. */
function printOwnShare(figures: Map<string, Figure>, floor: Figure, targets: string[]): void {
    console.log(`\n${"target".padEnd(9)} ${"start".padStart(8)} ${"replay".padStart(8)} ${"x floor".padStart(8)} ${"Slipway's own".padStart(14)} ${"x floor".padStart(8)}`);
    for (const target of targets) {
        const f = figures.get(target)!;
        const sdk = figures.get(`replay:${target}`)!;
        const own = f.seconds - sdk.seconds;
        const row = [f.seconds.toFixed(2).padStart(7) + "s", sdk.seconds.toFixed(2).padStart(7) + "s", (sdk.seconds / floor.seconds).toFixed(2).padStart(7) + "x", `${(own * 1000).toFixed(0)} ms`.padStart(14), (own / floor.seconds).toFixed(2).padStart(7) + "x"];
        console.log(`${target.padEnd(9)} ${row.join(" ")}`);
    }
    console.log("replay: the target's recorded resources registered with no Slipway code (scripts/bench/replay.ts)");
}

async function main(): Promise<void> {
    const programs = [...stackNames(), "apps50"];
    await recordReplays(programs);
    const targets = ["floor", ...programs, ...programs.map((t) => `replay:${t}`)];
    const missed: string[] = [];
    for (const mode of MODES) {
        console.log(`\n${mode === "check" ? "type-checking (ts-node's default)" : "transpile-only (Pulumi.yaml: tsconfig.pulumi.json, noCheck)"}`);
        console.log(`${"target".padEnd(9)} ${"resources".padStart(9)} ${"start".padStart(8)} ${"x floor".padStart(8)} ${"peak RSS".padStart(9)} ${"x floor".padStart(8)}`);
        const figures = measureAll(mode, targets);
        const floor = figures.get("floor")!;
        for (const target of ["floor", ...programs]) {
            const f = figures.get(target)!;
            const time = f.seconds / floor.seconds;
            const rss = f.rssMb / floor.rssMb;
            console.log(`${target.padEnd(9)} ${String(f.resources).padStart(9)} ${f.seconds.toFixed(2).padStart(7)}s ${time.toFixed(2).padStart(7)}x ${f.rssMb.toFixed(0).padStart(6)} MiB ${rss.toFixed(2).padStart(7)}x`);
            if (target === "floor") continue;
            const limit = target === "apps50" ? GOALS.apps50 : GOALS.stack;
            if (time > limit) missed.push(`${mode}: ${target} starts in ${time.toFixed(2)}x the floor (goal <= ${limit}x)`);
            if (rss > GOALS.rss) missed.push(`${mode}: ${target} peaks at ${rss.toFixed(2)}x the floor's memory (goal <= ${GOALS.rss}x)`);
        }
        printOwnShare(figures, floor, programs);
    }
    fs.rmSync(REPLAY_DIR, { recursive: true, force: true });
    const started = process.hrtime.bigint();
    const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "--noEmit"], { cwd: ROOT, encoding: "utf8" });
    console.log(`\ntsc --noEmit (npm run typecheck): ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)}s, exit ${tsc.status}`);
    console.log(missed.length === 0 ? "\ngoals: all met" : `\ngoals missed:\n  ${missed.join("\n  ")}`);
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
