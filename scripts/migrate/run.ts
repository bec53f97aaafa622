// The whole move: resolve both ends, decide for every database before touching any, then migrate
// them one by one and report. Returns the process exit code.
import type { MigrateOptions } from "./args";
import { findBinaries, serverMajor, type Candidate } from "./binaries";
import { sameServer } from "./connection";
import { defaultDeps, resolveEndpoint, type ResolvedEndpoint, type ResolverDeps } from "./endpoints";
import { databaseOwner, listDatabases, serverVersionNum, userTables, withClient } from "./inspect";
import { migrateDatabase, type DatabaseResult } from "./migrate-database";
import { decide, type Verdict } from "./plan";

export const EXIT = { ok: 0, failed: 1, usage: 2, refused: 3, mismatch: 4 } as const;

export interface RunDeps extends ResolverDeps {
    findBinaries(sourceMajor: number): Candidate;
}

const num = (n: number) => n.toLocaleString("en-US");

export async function migrate(opts: MigrateOptions, log: (line: string) => void, deps: RunDeps = { ...defaultDeps, findBinaries }): Promise<number> {
    const started = Date.now();
    const opened: ResolvedEndpoint[] = [];
    try {
        const source = await resolveEndpoint(opts.from, deps);
        opened.push(source);
        const target = await resolveEndpoint(opts.to, deps);
        opened.push(target);
        log(`source: ${source.label}`);
        log(`target: ${target.label}`);
        if (sameServer(source.admin, target.admin)) throw new Error("source and target are the same server; refusing to restore a server onto itself");

        const sourceInfo = await withClient(source.admin, source.admin.database, async (c) => ({
            major: serverMajor(await serverVersionNum(c)),
            all: await listDatabases(c),
        }));
        const databases = [...(opts.databases ?? source.databases ?? sourceInfo.all)];
        const missing = databases.filter((d) => !sourceInfo.all.includes(d));
        if (missing.length > 0) throw new Error(`not on the source: ${missing.map((d) => `"${d}"`).join(", ")} (it has ${sourceInfo.all.join(", ") || "no databases"})`);
        if (databases.length === 0) throw new Error("the source has no application databases to migrate");

        const targetMajor = await withClient(target.admin, target.admin.database, async (c) => serverMajor(await serverVersionNum(c)));
        const bin = deps.findBinaries(sourceInfo.major);
        log(`PostgreSQL ${sourceInfo.major} -> ${targetMajor}; pg_dump/pg_restore ${bin.major} from ${bin.dir}`);
        if (targetMajor < sourceInfo.major) log(`warning: the target (${targetMajor}) is older than the source (${sourceInfo.major}); the restore may reject newer syntax`);

        const verdicts = new Map<string, Verdict>();
        for (const db of databases) {
            const owner = await withClient(target.admin, target.admin.database, (c) => databaseOwner(c, db));
            const tables = owner === undefined ? 0 : (await withClient(target.admin, db, userTables)).length;
            verdicts.set(db, decide(db, { owner, userTables: tables }, opts.force));
        }
        log("plan:");
        for (const [db, v] of verdicts) {
            log(`  ${db}: ${v.action === "refuse" ? `REFUSED: ${v.reason}` : v.action === "overwrite" ? `overwrite (--force), restore as ${v.role}` : `restore into the empty database as ${v.role}`}`);
        }
        if ([...verdicts.values()].some((v) => v.action === "refuse")) {
            log("nothing was changed.");
            return EXIT.refused;
        }
        if (opts.dryRun) {
            log("dry run: nothing was changed.");
            return EXIT.ok;
        }

        const results: DatabaseResult[] = [];
        let index = 0;
        for (const [db, v] of verdicts) {
            if (v.action === "refuse") continue;
            log(`[${++index}/${verdicts.size}] ${db}`);
            results.push(
                await migrateDatabase({ database: db, source: source.admin, target: target.admin, role: v.role, overwrite: v.action === "overwrite", binDir: bin.dir }, log),
            );
        }
        const rows = results.reduce((a, r) => a + r.rows, 0);
        const tables = results.reduce((a, r) => a + r.tables, 0);
        const mismatches = results.reduce((a, r) => a + r.mismatches, 0);
        log(`migrated ${num(rows)} rows in ${tables} table${tables === 1 ? "" : "s"} of ${results.length} database${results.length === 1 ? "" : "s"} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
        if (mismatches > 0) {
            log(`FAILED: ${mismatches} table/sequence mismatch${mismatches === 1 ? "" : "es"} (see MISMATCH above); was the source still being written?`);
            return EXIT.mismatch;
        }
        log("verified: every table's row count and every sequence match.");
        return EXIT.ok;
    } finally {
        // A relay pod that could not be deleted is worth telling: it says how to delete it by hand.
        for (const e of opened.reverse()) await e.close().catch((err: Error) => log(`warning: ${err.message}`));
    }
}
