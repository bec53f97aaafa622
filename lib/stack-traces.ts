// Start-up: Pulumi's Node.js SDK records a stack trace for every promise it makes
// (@pulumi/pulumi runtime/debuggable.js `debuggablePromise`: `new Error().stack`), only to print it
// if the promise leaks at exit. Under ts-node (how Pulumi's host runs a TypeScript program) each of
// those traces goes through source-map-support, which maps every frame back to TypeScript: about half
// of a preview's start-up, growing with the number of resources (`npm run bench`). Those traces are
// left in V8's own format; every other stack (errors, the source position Pulumi records for each
// resource) is still mapped, one frame at a time through a cache: Pulumi captures the whole stack of
// every resource it registers (resource.js Resource.callsites, no depth limit), and those stacks
// repeat the same SDK and component frames resource after resource.

const PROMISE_DEBUG_FRAME = /[\\/]@pulumi[\\/]pulumi[\\/]runtime[\\/]debuggable\.js$/;

type PrepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => unknown;

/** V8's default rendering of a stack (what `error.stack` is without a prepareStackTrace hook). */
export function v8StackText(error: Error, frames: readonly NodeJS.CallSite[]): string {
    return [String(error), ...frames.map((f) => `    at ${f}`)].join("\n");
}

/**
 * Pulumi prints a promise's creation stack only when PULUMI_DEBUG_PROMISE_LEAKS is set (debuggable.js
 * `leakedPromises`); otherwise the text is never read, so it is not even rendered.
 */
export const UNRENDERED_PROMISE_STACK = "(promise creation stack not rendered: set PULUMI_DEBUG_PROMISE_LEAKS=1 to record it)";

/** A frame's mapped line, by the V8 text of the frames it is rendered from (its window). */
const mappedLines = new Map<string, string>();
/** A whole stack's mapped frames (all but the header), by its frames' V8 text. */
const mappedStacks = new Map<string, string>();
const FRAME_PREFIX = "\n    at ";

/**
 * Where the frames that decide frame i's rendering end. source-map-support names a frame from the
 * mapped position of the nearest outer frame that records one (prepareStackTrace walks the stack
 * outermost first, passing `state.nextPosition`): a native frame clears it, a frame with a file sets
 * it, and one with neither (`Array.map`, `new Promise`, eval code) passes the outer one on. So the
 * window runs from frame i to that frame.
 */
function windowEnd(frames: readonly NodeJS.CallSite[], i: number): number {
    for (let j = i + 1; j < frames.length; j++) {
        const f = frames[j];
        if (f.isNative() || f.getFileName() || f.getScriptNameOrSourceURL()) return j;
    }
    return frames.length - 1;
}

/**
 * What `mapped(error, frames)` returns, frame by frame from the cache: each frame is rendered with
 * the frames its name depends on (windowEnd), so it reads exactly as it does inside the whole stack.
 * A hook whose output is not that text is called on the whole stack.
 */
export function mapFrames(mapped: PrepareStackTrace, error: Error, frames: readonly NodeJS.CallSite[]): unknown {
    const header = mapped(error, []);
    if (typeof header !== "string") return mapped(error, [...frames]);
    const raw = frames.map(String);
    // Whole stacks repeat too: every pass of a loop that registers resources (one per app) is the same stack.
    const whole = raw.join("\n");
    const known = mappedStacks.get(whole);
    if (known !== undefined) return header + known;
    let text = "";
    for (let i = 0; i < frames.length; i++) {
        const end = windowEnd(frames, i);
        const key = raw.slice(i, end + 1).join("\n");
        let line = mappedLines.get(key);
        if (line === undefined) {
            const rendered = mapped(error, frames.slice(i, end + 1));
            if (typeof rendered !== "string" || !rendered.startsWith(header + FRAME_PREFIX)) return mapped(error, [...frames]);
            line = rendered.slice(header.length + FRAME_PREFIX.length).split(FRAME_PREFIX)[0];
            mappedLines.set(key, line);
        }
        text += FRAME_PREFIX + line;
    }
    mappedStacks.set(whole, text);
    return header + text;
}

/** Wraps an installed prepareStackTrace hook (source-map-support) to skip the promise-debug traces; a no-op without one. */
export function skipMappingPromiseDebugStacks(): void {
    const mapped = Error.prepareStackTrace as PrepareStackTrace | undefined;
    if (!mapped || (mapped as { slipwayWrapped?: boolean }).slipwayWrapped) return;
    const hook: PrepareStackTrace & { slipwayWrapped?: boolean } = (error, frames) => {
        // Only the bare `new Error().stack` debuggablePromise records; any real error raised inside
        // debuggable.js (a rejection it cannot annotate, say) keeps its mapped stack and message.
        const record = error.message === "" && frames[0]?.getFunctionName() === "debuggablePromise" && PROMISE_DEBUG_FRAME.test(frames[0]?.getFileName() ?? "");
        if (!record) return mapFrames(mapped, error, frames);
        return process.env.PULUMI_DEBUG_PROMISE_LEAKS ? v8StackText(error, frames) : UNRENDERED_PROMISE_STACK;
    };
    hook.slipwayWrapped = true;
    Error.prepareStackTrace = hook as typeof Error.prepareStackTrace;
}
