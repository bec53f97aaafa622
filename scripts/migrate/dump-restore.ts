// pg_dump -Fc from the source, pg_restore into the target as the database's owner. Credentials go
// by environment (libpqEnv); the command lines hold only file names, options and database names.
import { spawn } from "child_process";
import * as path from "path";
import { libpqEnv, type PgConnection } from "./connection";

/** A libpq conninfo naming just the database, so a name holding '=' is never read as a conninfo. */
export function conninfoDbname(database: string): string {
    return `dbname='${database.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/**
 * Ownership and grants are dropped on purpose: the source's roles need not exist on the target;
 * restoring as the owner makes every object belong to the service user there. `snapshot` makes the
 * dump read exactly the data the tool counted.
 */
export function dumpArgs(database: string, file: string, snapshot?: string): string[] {
    return ["--format=custom", "--no-owner", "--no-privileges", ...(snapshot ? [`--snapshot=${snapshot}`] : []), `--file=${file}`, `--dbname=${conninfoDbname(database)}`];
}

export interface TocSplit {
    /** `CREATE EXTENSION` entries: restored by the admin, since a service user may not create untrusted ones (PostGIS). */
    readonly extensions: string[];
    /** Everything else, minus `COMMENT ON EXTENSION` (CREATE EXTENSION sets it, and only the extension's owner may). */
    readonly rest: string[];
}

/** Splits `pg_restore --list` output ("<id>; <catalog> <oid> <DESC> <schema> <name> <owner>") for two restores. */
export function splitToc(toc: string): TocSplit {
    const entries = toc.split("\n").filter((l) => /^\d+;/.test(l));
    const isExtension = (l: string) => /^\d+; \d+ \d+ EXTENSION - /.test(l);
    const isExtensionComment = (l: string) => /^\d+; \d+ \d+ COMMENT - EXTENSION /.test(l);
    return { extensions: entries.filter(isExtension), rest: entries.filter((l) => !isExtension(l) && !isExtensionComment(l)) };
}

/** Extension name of a TOC entry from splitToc().extensions. */
export const extensionName = (entry: string) => entry.replace(/^\d+; \d+ \d+ EXTENSION - /, "").trim().split(" ")[0];

/** As the admin, no --clean: CREATE EXTENSION IF NOT EXISTS keeps what the target already has. */
export function extensionRestoreArgs(database: string, file: string, listFile: string): string[] {
    return ["--no-owner", "--no-privileges", "--single-transaction", `--use-list=${listFile}`, `--dbname=${conninfoDbname(database)}`, file];
}

/** One transaction: a failed restore leaves the target as it was. --clean only when overwriting. */
export function restoreArgs(database: string, file: string, role: string, clean: boolean, listFile?: string): string[] {
    return [
        "--no-owner",
        "--no-privileges",
        `--role=${role}`,
        "--single-transaction",
        ...(clean ? ["--clean", "--if-exists"] : []),
        ...(listFile ? [`--use-list=${listFile}`] : []),
        `--dbname=${conninfoDbname(database)}`,
        file,
    ];
}

/**
 * Runs one client tool against `conn` (or no server when conn is undefined); resolves to its
 * stdout and rejects with the end of its stderr.
 */
export function runTool(binDir: string, tool: "pg_dump" | "pg_restore", args: string[], conn: PgConnection | undefined, database: string): Promise<string> {
    return new Promise((resolve, reject) => {
        const env = conn ? libpqEnv(conn, database) : process.env;
        const child = spawn(path.join(binDir, tool), args, { env, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr = (stderr + d).slice(-8000)));
        child.once("error", (e) => reject(new Error(`cannot run ${tool}: ${e.message}`)));
        child.once("close", (code, signal) => {
            if (code === 0) resolve(stdout);
            else reject(new Error(`${tool} failed for database "${database}" (${signal ?? `exit ${code}`}):\n${stderr.trim()}`));
        });
    });
}
