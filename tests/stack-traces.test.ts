// The start-up shortcut in lib/stack-traces.ts: Pulumi's per-promise debug traces skip source
// mapping; every other stack still goes through the installed hook (source-map-support under ts-node).
import { skipMappingPromiseDebugStacks, v8StackText } from "../lib/stack-traces";

const frame = (file: string): NodeJS.CallSite => ({ getFileName: () => file, toString: () => `fn (${file}:1:1)` }) as unknown as NodeJS.CallSite;

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

        const debug = [frame("/app/node_modules/@pulumi/pulumi/runtime/debuggable.js"), frame("/app/index.ts")];
        const err = new Error("x");
        expect(wrapped(err, debug)).toBe(v8StackText(err, debug));
        expect(v8StackText(err, debug)).toBe("Error: x\n    at fn (/app/node_modules/@pulumi/pulumi/runtime/debuggable.js:1:1)\n    at fn (/app/index.ts:1:1)");
        expect(wrapped(err, [frame("/app/index.ts")])).toBe("mapped");
        expect(wrapped(err, [frame("/app/node_modules/@pulumi/pulumi/resource.js")])).toBe("mapped");
        expect(calls).toEqual(["/app/index.ts", "/app/node_modules/@pulumi/pulumi/resource.js"]);
    });

    test("without a hook (plain Node) nothing is installed", () => {
        (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
        skipMappingPromiseDebugStacks();
        expect(Error.prepareStackTrace).toBeUndefined();
    });
});
