// What must not outlive the tool when it is interrupted (Ctrl-C, SIGTERM): dumps holding data in
// clear, kubectl children, the relay pod. Synchronous, because the signal handler exits right after.

/** Run in insertion order by the CLI's signal handler; each removes itself once done normally. */
export const interruptCleanups = new Set<() => void>();

/** Runs every registered cleanup; one failing must not stop the others. */
export function runInterruptCleanups(report: (message: string) => void): void {
    for (const cleanup of [...interruptCleanups]) {
        try {
            cleanup();
        } catch (e) {
            report((e as Error).message);
        }
        interruptCleanups.delete(cleanup);
    }
}
