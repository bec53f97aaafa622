// The start-up shortcut in lib/stack-traces.ts: Pulumi's per-promise debug traces skip source
// mapping; every other stack still goes through the installed hook (source-map-support under ts-node).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { skipMappingPromiseDebugStacks, UNRENDERED_PROMISE_STACK, v8StackText } from "../lib/stack-traces";

const frame = (file: string, fn = "fn"): NodeJS.CallSite => ({ getFileName: () => file, getFunctionName: () => fn, toString: () => `${fn} (${file}:1:1)` }) as unknown as NodeJS.CallSite;

describe("skipMappingPromiseDebugStacks", () => {
    const original = Error.prepareStackTrace;
    afterEach(() => (Error.prepareStackTrace = original));

    test("promise-debug traces are rendered as V8 does; all others go to the installed hook; wrapping twice is a no-op", () => {
        const calls: string[] = [];
        // A hook whose output is not source-map-support's text (no header of its own): every stack goes to it whole.
        Error.prepareStackTrace = ((_e: Error, frames: NodeJS.CallSite[]) => {
            if (frames.length === 0) return undefined;
            calls.push(frames[0].getFileName()!);
            return "mapped";
        }) as typeof Error.prepareStackTrace;
        skipMappingPromiseDebugStacks();
        const wrapped = Error.prepareStackTrace!;
        skipMappingPromiseDebugStacks();
        expect(Error.prepareStackTrace).toBe(wrapped);

        const debug = [frame("/app/node_modules/@pulumi/pulumi/runtime/debuggable.js", "debuggablePromise"), frame("/app/index.ts")];
        const err = new Error("");
        // Pulumi prints these only under PULUMI_DEBUG_PROMISE_LEAKS: rendered (unmapped) then, not at all otherwise.
        const saved = process.env.PULUMI_DEBUG_PROMISE_LEAKS;
        delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
        expect(wrapped(err, debug)).toBe(UNRENDERED_PROMISE_STACK);
        process.env.PULUMI_DEBUG_PROMISE_LEAKS = "1";
        expect(wrapped(err, debug)).toBe(v8StackText(err, debug));
        if (saved === undefined) delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
        else process.env.PULUMI_DEBUG_PROMISE_LEAKS = saved;
        expect(v8StackText(err, debug)).toBe("Error\n    at debuggablePromise (/app/node_modules/@pulumi/pulumi/runtime/debuggable.js:1:1)\n    at fn (/app/index.ts:1:1)");
        // A real error thrown inside debuggable.js (e.g. annotating a rejection with a string reason) is mapped as any other.
        const real = new TypeError("Cannot create property 'promise' on string 'registry lookup failed'");
        expect(wrapped(real, [frame("/app/node_modules/@pulumi/pulumi/runtime/debuggable.js", "")])).toBe("mapped");
        expect(wrapped(new Error(""), [frame("/app/node_modules/@pulumi/pulumi/runtime/debuggable.js", "leakedPromises")])).toBe("mapped");
        expect(wrapped(err, [frame("/app/index.ts")])).toBe("mapped");
        expect(wrapped(err, [frame("/app/node_modules/@pulumi/pulumi/resource.js")])).toBe("mapped");
        expect(calls).toEqual(["/app/node_modules/@pulumi/pulumi/runtime/debuggable.js", "/app/node_modules/@pulumi/pulumi/runtime/debuggable.js", "/app/index.ts", "/app/node_modules/@pulumi/pulumi/resource.js"]);
    });

    test("frame by frame from the cache, every stack reads exactly as source-map-support renders it whole", () => {
        // In a fresh Node process: source-map-support keeps its hooks in process-wide state, which
        // the tests' own ts-node shares. There, its real hook (what ts-node installs under Pulumi's
        // host) renders stacks through compiled TypeScript on disk with an inline source map, as the
        // SDKs ship and ts-node serves; types are erased, so TypeScript lines differ from the JavaScript.
        const ts = require("typescript") as typeof import("typescript");
        const swc = require("@swc/core") as typeof import("@swc/core");
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-frames-"));
        const inline = (code: string, map: string) => `${code}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(map).toString("base64")}\n`;
        // Both transpilers ts-node may use: TypeScript's maps carry no names, swc's (Pulumi.yaml's choice) do,
        // and source-map-support names frames from them.
        const compilers = {
            tsc: (fileName: string, source: string) =>
                ts.transpileModule(source, { fileName, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, inlineSourceMap: true } }).outputText,
            swc: (fileName: string, source: string) => {
                const out = swc.transformSync(source, { filename: fileName, sourceMaps: true, jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } });
                return inline(out.code, out.map!);
            },
        };
        fs.writeFileSync(path.join(dir, "stack-traces.js"), compilers.tsc("stack-traces.ts", fs.readFileSync(path.join(__dirname, "../lib/stack-traces.ts"), "utf8")));
        const chain = [
            "interface Opts {",
            "    readonly depth: number;",
            "}",
            "export class Base { frames: unknown; constructor(capture: () => unknown) { this.frames = capture(); } }",
            "export class Child extends Base {}",
            "type Capture = () => unknown;",
            "export const viaArrow = (c: Capture) => new Child(c).frames;",
            "export function viaFunction(c: Capture, _o?: Opts) {",
            "    return [new Child(c).frames, viaArrow(c)];",
            "}",
            // Frames with no file between a frame and its caller (Array.map, eval code), as in a component's loops.
            "export const viaMap = (c: Capture) => [1, 2].map(() => new Child(c).frames);",
            "export const viaNamedInMap = (c: Capture) => [1].map(function inner() { return viaArrow(c); });",
            "export const viaEval = (c: Capture) => eval(\"[1].map(() => new Child(c).frames)\");",
        ].join("\n");
        for (const [name, compile] of Object.entries(compilers)) fs.writeFileSync(path.join(dir, `chain-${name}.js`), compile(`chain-${name}.ts`, chain));
        const check = `
            require(${JSON.stringify(require.resolve("@cspotcode/source-map-support"))}).install({ environment: "node", hookRequire: false, handleUncaughtExceptions: false });
            const real = Error.prepareStackTrace;
            const { mapFrames } = require("./stack-traces.js");
            const capture = () => { const saved = Error.prepareStackTrace; Error.prepareStackTrace = (_e, f) => f; const f = new Error().stack; Error.prepareStackTrace = saved; return f; };
            const stacks = ["tsc", "swc"].flatMap((name) => {
                const chain = require("./chain-" + name + ".js");
                return [new chain.Child(capture).frames, chain.viaArrow(capture), ...chain.viaFunction(capture), ...[1, 2].map(() => chain.viaArrow(capture)), ...chain.viaMap(capture), ...chain.viaNamedInMap(capture), ...chain.viaEval(capture)];
            });
            let calls = 0;
            const counted = (e, f) => (calls++, real(e, f));
            const same = [new Error(""), new TypeError("boom")].every((e) => stacks.every((f) => mapFrames(counted, e, f) === real(e, f)));
            const differing = stacks.filter((f) => mapFrames(counted, new Error(""), f) !== real(new Error(""), f)).map((f) => real(new Error(""), f));
            calls = 0;
            for (const f of stacks) mapFrames(counted, new Error(""), f);
            console.log(JSON.stringify({ same, differing, cachedCalls: calls, stacks: stacks.length, sample: stacks.map((f) => real(new Error(""), f)).join("\\n") }));
        `;
        fs.writeFileSync(path.join(dir, "check.js"), check);
        const result = JSON.parse(require("child_process").execFileSync(process.execPath, [path.join(dir, "check.js")], { encoding: "utf8" }));
        fs.rmSync(dir, { recursive: true, force: true });
        // The frames really were mapped, by both transpilers' maps, and swc's names were used.
        expect(result.sample).toMatch(/chain-tsc\.ts:7:/);
        expect(result.sample).toMatch(/chain-swc\.ts:11:/);
        expect(result.differing).toEqual([]);
        expect(result.same).toBe(true);
        // The second round of the same stacks comes from the cache: only each stack's header is rendered.
        expect(result.cachedCalls).toBe(result.stacks);
    });

    test("without a hook (plain Node) nothing is installed", () => {
        (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
        skipMappingPromiseDebugStacks();
        expect(Error.prepareStackTrace).toBeUndefined();
    });
});

test("contract: @pulumi/pulumi prints a promise's creation stack only under PULUMI_DEBUG_PROMISE_LEAKS (runtime/debuggable.js)", () => {
    const source = require("fs").readFileSync(require.resolve("@pulumi/pulumi/runtime/debuggable.js"), "utf8") as string;
    expect(source).toContain("exports.debugPromiseLeaks = !!process.env.PULUMI_DEBUG_PROMISE_LEAKS;");
    // The only reader of _debugStackTrace is promiseDebugString, and its only caller is guarded by the flag.
    expect(source.match(/_debugStackTrace/g)).toHaveLength(2);
    expect(source.match(/promiseDebugString\(/g)).toHaveLength(2);
    expect(source).toMatch(/if \(exports\.debugPromiseLeaks\) \{\s*for \(const leak of leaked\) \{\s*console\.error\("Promise leak detected:"\);\s*console\.error\(promiseDebugString\(leak\)\);/);
    const users = require("child_process").execFileSync("grep", ["-rl", "--include=*.js", "_debugStackTrace\\|promiseDebugString", require("path").dirname(require.resolve("@pulumi/pulumi/package.json"))], { encoding: "utf8" }).trim().split("\n");
    expect(users.map((f: string) => f.split("@pulumi/pulumi/")[1])).toEqual(["runtime/debuggable.js"]);
});
