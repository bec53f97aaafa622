// Start-up: Pulumi's Node.js SDK records a stack trace for every promise it makes
// (@pulumi/pulumi runtime/debuggable.js `debuggablePromise`: `new Error().stack`), only to print it
// if the promise leaks at exit. Under ts-node (how Pulumi's host runs a TypeScript program) each of
// those traces goes through source-map-support, which maps every frame back to TypeScript: about half
// of a preview's start-up, growing with the number of resources (`npm run bench`). Those traces are
// left in V8's own format; every other stack (errors, the source position Pulumi records for each
// resource) is still mapped.

const PROMISE_DEBUG_FRAME = /[\\/]@pulumi[\\/]pulumi[\\/]runtime[\\/]debuggable\.js$/;

type PrepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => unknown;

/** V8's default rendering of a stack (what `error.stack` is without a prepareStackTrace hook). */
export function v8StackText(error: Error, frames: readonly NodeJS.CallSite[]): string {
    return [String(error), ...frames.map((f) => `    at ${f}`)].join("\n");
}

/** Wraps an installed prepareStackTrace hook (source-map-support) to skip the promise-debug traces; a no-op without one. */
export function skipMappingPromiseDebugStacks(): void {
    const mapped = Error.prepareStackTrace as PrepareStackTrace | undefined;
    if (!mapped || (mapped as { slipwayWrapped?: boolean }).slipwayWrapped) return;
    const hook: PrepareStackTrace & { slipwayWrapped?: boolean } = (error, frames) =>
        PROMISE_DEBUG_FRAME.test(frames[0]?.getFileName() ?? "") ? v8StackText(error, frames) : mapped(error, frames);
    hook.slipwayWrapped = true;
    Error.prepareStackTrace = hook as typeof Error.prepareStackTrace;
}
