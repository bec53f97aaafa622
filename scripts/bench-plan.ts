// `npm run bench`: how long the offline plan takes per stack and how much memory it holds, so a
// change that slows every preview (e.g. loading a big SDK eagerly) shows up as a figure.
import { runProgram, stackNames } from "./offline";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

async function main(): Promise<void> {
    const stacks = stackNames();
    console.log(`offline plan, ${RUNS} runs per stack (first run includes module loading)`);
    for (const stack of stacks) {
        const times: number[] = [];
        let resources = 0;
        for (let i = 0; i < RUNS; i++) {
            const started = process.hrtime.bigint();
            resources = (await runProgram(stack)).resources.length;
            times.push(Number(process.hrtime.bigint() - started) / 1e6);
        }
        const warm = times.slice(1).sort((a, b) => a - b);
        const median = warm.length ? warm[Math.floor(warm.length / 2)] : times[0];
        const rssMb = process.memoryUsage().rss / 2 ** 20;
        console.log(`${stack.padEnd(8)} ${String(resources).padStart(3)} resources  first ${times[0].toFixed(0)} ms  warm median ${median.toFixed(0)} ms  rss ${rssMb.toFixed(0)} MiB`);
    }
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
