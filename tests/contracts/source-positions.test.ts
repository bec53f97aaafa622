// The source position and stack trace Pulumi records for each resource (sent to the engine, kept in
// state) are the same with index.ts's stack hook (lib/stack-traces.ts: frames mapped one at a time
// from a cache) as with source-map-support mapping each stack whole, for every stack, every resource,
// every frame. Both runs in fresh processes, as Pulumi's host runs the program (ts-node, swc).
import { execFile } from "child_process";
import * as path from "path";
import { promisify } from "util";

const SCRIPT = path.join(__dirname, "../support/source-positions.js");

async function positions(plain: boolean): Promise<Record<string, ({ uri: string; line: number; column: number } | undefined)[][]>> {
    const env = { ...process.env, SLIPWAY_PLAIN_STACKS: plain ? "1" : "" };
    const { stdout } = await promisify(execFile)(process.execPath, [SCRIPT], { env, maxBuffer: 256 * 1024 * 1024 });
    return JSON.parse(stdout);
}

test("every resource's recorded stack trace is identical with the cached frame mapping", async () => {
    const [plain, cached] = await Promise.all([positions(true), positions(false)]);
    expect(Object.keys(cached).length).toBeGreaterThanOrEqual(6);
    for (const [stack, traces] of Object.entries(plain)) {
        // Every resource has a source position in a project file (the place a reviewer is sent to).
        for (const trace of traces) expect(trace[0]?.uri).toMatch(/^file:\/\/.*\.ts$/);
        expect({ stack, traces: cached[stack] }).toEqual({ stack, traces });
    }
}, 120_000);
