// `npm run migrate-data -- --from dev --to prod`: moves every service database from one stack's
// Postgres to another's (the k3d -> GKE move) and proves every row arrived. See scripts/migrate/.
import { parseArgs, USAGE, UsageError } from "./migrate/args";
import { runInterruptCleanups } from "./migrate/cleanup";
import { EXIT, migrate } from "./migrate/run";

async function main(): Promise<number> {
    let parsed;
    try {
        parsed = parseArgs(process.argv.slice(2), process.env);
    } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        console.error(`migrate-data: ${e.message}\n\n${USAGE}`);
        return EXIT.usage;
    }
    if (parsed.help) {
        console.log(USAGE);
        return EXIT.ok;
    }
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
        process.once(signal, () => {
            // Dumps, kubectl children and a relay pod must not outlive the tool.
            runInterruptCleanups((message) => console.error(`migrate-data: ${message}`));
            console.error(`migrate-data: interrupted (${signal}); a database being restored is left as it was (one transaction)`);
            process.exit(130);
        });
    }
    try {
        return await migrate(parsed, (line) => console.log(line));
    } catch (e) {
        console.error(`migrate-data: ${(e as Error).message}`);
        return EXIT.failed;
    }
}

main().then((code) => process.exit(code));
