// The start-up shortcut in lib/stack-traces.ts: Pulumi's per-promise debug traces skip source
// mapping; every other stack still goes through the installed hook (source-map-support under ts-node).
import { skipMappingPromiseDebugStacks, UNRENDERED_PROMISE_STACK, v8StackText } from "../lib/stack-traces";

const frame = (file: string, fn = "fn"): NodeJS.CallSite => ({ getFileName: () => file, getFunctionName: () => fn, toString: () => `${fn} (${file}:1:1)` }) as unknown as NodeJS.CallSite;

describe("skipMappingPromiseDebugStacks", () => {
    const original = Error.prepareStackTrace;
    afterEach(() => (Error.prepareStackTrace = original));

    test("promise-debug traces are rendered as V8 does; all others go to the installed hook; wrapping twice is a no-op", () => {
        const calls: string[] = [];
        Error.prepareStackTrace = ((_e: Error, frames: NodeJS.CallSite[]) => {
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
