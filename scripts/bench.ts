// `npm run bench`: start-up as Pulumi's host pays it before any provider call, per stack, in both of
// the host's modes (type-checking, its default; transpile-only, what Pulumi.yaml selects), against a
// floor (@pulumi/kubernetes and one Namespace) and a synthetic 50-app stack; peak memory; and what the
// type-check costs on its own (`tsc --noEmit`). One fresh process per start-up; each figure is the
// median of BENCH_ROUNDS rounds (default 3), every round starting each target once in turn, so a
// slow moment of the machine lands on one round of every target instead of on one target. It prints
// figures and the goals they meet; it asserts nothing.
import { spawnSync } from "child_process";
import * as path from "path";
import { stackNames } from "./offline";

const ROOT = path.resolve(__dirname, "..");
const MODES = (process.env.BENCH_MODES ?? "transpile,check").split(",");
const GOALS = { stack: 1.3, apps50: 1.6, rss: 1.3 };
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? "3"));
/** @pulumi/kubernetes and 200 plain ConfigMaps: what the SDK itself charges per resource. */
const BARE = "bare200";

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
    const started = process.hrtime.bigint();
    const child = spawnSync(process.execPath, [path.join(__dirname, "bench", "child.js"), mode, target], { cwd: ROOT, encoding: "utf8" });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (child.status !== 0) throw new Error(`${target} (${mode}) failed:\n${child.stderr}`);
    const out = JSON.parse(child.stdout.trim().split("\n").pop()!);
    return { seconds, rssMb: out.maxRssKb / 1024, resources: out.resources };
}

/**
 * How much of each start-up the SDK charges for its resources alone (a bare program of the same
 * size), and what is Slipway's own: the part a change to this program can still win.
 */
function printSdkShare(figures: Map<string, Figure>, floor: Figure): void {
    const bare = figures.get(BARE)!;
    const perResource = (bare.seconds - floor.seconds) / (bare.resources - floor.resources);
    const perResourceMb = (bare.rssMb - floor.rssMb) / (bare.resources - floor.resources);
    console.log(`the SDK alone: ${(perResource * 1000).toFixed(1)} ms and ${(perResourceMb * 1024).toFixed(0)} KiB per resource (${BARE} vs floor)`);
    console.log(`${"target".padEnd(9)} ${"SDK floor".padStart(10)} ${"x floor".padStart(8)} ${"Slipway's own".padStart(14)}`);
    for (const [target, f] of figures) {
        if (target === "floor" || target === BARE) continue;
        const sdk = floor.seconds + (f.resources - floor.resources) * perResource;
        console.log(`${target.padEnd(9)} ${sdk.toFixed(2).padStart(9)}s ${(sdk / floor.seconds).toFixed(2).padStart(7)}x ${`${((f.seconds - sdk) * 1000).toFixed(0)} ms`.padStart(14)}`);
    }
}

function main(): void {
    const targets = ["floor", ...stackNames(), "apps50", BARE];
    const missed: string[] = [];
    for (const mode of MODES) {
        console.log(`\n${mode === "check" ? "type-checking (ts-node's default)" : "transpile-only (Pulumi.yaml: tsconfig.pulumi.json, noCheck)"}`);
        console.log(`${"target".padEnd(9)} ${"resources".padStart(9)} ${"start".padStart(8)} ${"x floor".padStart(8)} ${"peak RSS".padStart(9)} ${"x floor".padStart(8)}`);
        const figures = measureAll(mode, targets);
        const floor = figures.get("floor")!;
        for (const [target, f] of figures) {
            const time = f.seconds / floor.seconds;
            const rss = f.rssMb / floor.rssMb;
            console.log(`${target.padEnd(9)} ${String(f.resources).padStart(9)} ${f.seconds.toFixed(2).padStart(7)}s ${time.toFixed(2).padStart(7)}x ${f.rssMb.toFixed(0).padStart(6)} MiB ${rss.toFixed(2).padStart(7)}x`);
            if (target === "floor" || target === BARE) continue;
            const limit = target === "apps50" ? GOALS.apps50 : GOALS.stack;
            if (time > limit) missed.push(`${mode}: ${target} starts in ${time.toFixed(2)}x the floor (goal <= ${limit}x)`);
            if (rss > GOALS.rss) missed.push(`${mode}: ${target} peaks at ${rss.toFixed(2)}x the floor's memory (goal <= ${GOALS.rss}x)`);
        }
        printSdkShare(figures, floor);
    }
    const started = process.hrtime.bigint();
    const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "--noEmit"], { cwd: ROOT, encoding: "utf8" });
    console.log(`\ntsc --noEmit (npm run typecheck): ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)}s, exit ${tsc.status}`);
    console.log(missed.length === 0 ? "\ngoals: all met" : `\ngoals missed:\n  ${missed.join("\n  ")}`);
}

main();
