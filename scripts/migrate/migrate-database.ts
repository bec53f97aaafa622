// Moves one database: count rows in a snapshot, dump exactly that snapshot, restore as the owner,
// then count again on the target and compare table by table and sequence by sequence.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { interruptCleanups } from "./cleanup";
import type { PgConnection } from "./connection";
import { dumpArgs, extensionName, extensionRestoreArgs, restoreArgs, runTool, splitToc } from "./dump-restore";
import { connect, quoteIdent, rowCounts, sequenceStates, withClient } from "./inspect";
import { compareCounts, compareSequences, extraTables, formatSequenceCheck, formatTableCheck } from "./verify";

export interface DatabaseResult {
    readonly database: string;
    readonly rows: number;
    readonly tables: number;
    readonly sequences: number;
    readonly mismatches: number;
}

export interface DatabaseJob {
    readonly database: string;
    readonly source: PgConnection;
    readonly target: PgConnection;
    /** Owner of the target database; the restore runs as this role so it owns every object. */
    readonly role: string;
    readonly overwrite: boolean;
    readonly binDir: string;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
const num = (n: number) => n.toLocaleString("en-US");

export async function migrateDatabase(job: DatabaseJob, log: (line: string) => void): Promise<DatabaseResult> {
    const { database } = job;
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-migrate-"));
    // The dump holds the data in clear: removed also when the CLI is interrupted.
    const removeWorkDir = () => fs.rmSync(workDir, { recursive: true, force: true });
    interruptCleanups.add(removeWorkDir);
    try {
        const file = path.join(workDir, `${database}.dump`);
        const snapshotHolder = await connect(job.source, database);
        let sourceCounts: Map<string, number>;
        const dumpStart = Date.now();
        try {
            await snapshotHolder.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
            const snapshot = (await snapshotHolder.query<{ id: string }>("SELECT pg_export_snapshot() AS id")).rows[0].id;
            sourceCounts = await rowCounts(snapshotHolder);
            const rows = [...sourceCounts.values()].reduce((a, b) => a + b, 0);
            log(`  dumping ${num(rows)} rows in ${sourceCounts.size} table${sourceCounts.size === 1 ? "" : "s"} ...`);
            await runTool(job.binDir, "pg_dump", dumpArgs(database, file, snapshot), job.source, database);
        } finally {
            await snapshotHolder.query("ROLLBACK").catch(() => undefined);
            await snapshotHolder.end();
        }
        // Sequences are not covered by the snapshot; pg_dump read them just now, and so do we.
        const sourceSequences = await withClient(job.source, database, sequenceStates);
        log(`  dumped ${(fs.statSync(file).size / 1048576).toFixed(1)} MB in ${seconds(Date.now() - dumpStart)}`);

        const restoreStart = Date.now();
        const toc = splitToc(await runTool(job.binDir, "pg_restore", ["--list", file], undefined, database));
        const restListFile = path.join(workDir, "rest.list");
        fs.writeFileSync(restListFile, toc.rest.join("\n") + "\n");
        if (toc.extensions.length > 0) {
            const listFile = path.join(workDir, "extensions.list");
            fs.writeFileSync(listFile, toc.extensions.join("\n") + "\n");
            log(`  creating extensions as ${job.target.user}: ${toc.extensions.map(extensionName).join(", ")}`);
            await runTool(job.binDir, "pg_restore", extensionRestoreArgs(database, file, listFile), job.target, database);
        }
        log(`  restoring as ${job.role}${job.overwrite ? " (--force: replacing existing objects)" : ""} ...`);
        await runTool(job.binDir, "pg_restore", restoreArgs(database, file, job.role, job.overwrite, restListFile), job.target, database);
        log(`  restored in ${seconds(Date.now() - restoreStart)}`);

        const { targetCounts, targetSequences } = await withClient(job.target, database, async (client) => {
            // The admin of a managed service is often not a superuser; the owner can read what it owns.
            await client.query(`SET ROLE ${quoteIdent(job.role)}`);
            return { targetCounts: await rowCounts(client), targetSequences: await sequenceStates(client) };
        });
        const tables = compareCounts(sourceCounts, targetCounts);
        const sequences = compareSequences(sourceSequences, targetSequences);
        const width = Math.max(5, ...tables.map((t) => t.table.length), ...sequences.map((s) => s.sequence.length));
        log(`  ${"table".padEnd(width + 2)}  ${"source".padStart(10)} -> ${"target".padStart(10)}`);
        tables.forEach((t) => log(formatTableCheck(t, width)));
        if (sequences.length > 0) log(`  sequences (last value)`);
        sequences.forEach((s) => log(formatSequenceCheck(s, width)));
        for (const extra of extraTables(sourceCounts, targetCounts)) {
            log(`  note: ${extra} exists only on the target (not in the source dump); left as it was`);
        }
        const mismatches = [...tables, ...sequences].filter((c) => !c.ok).length;
        return {
            database,
            rows: tables.reduce((a, t) => a + t.source, 0),
            tables: tables.length,
            sequences: sequences.length,
            mismatches,
        };
    } finally {
        removeWorkDir();
        interruptCleanups.delete(removeWorkDir);
    }
}
