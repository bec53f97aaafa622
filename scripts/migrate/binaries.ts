// Finds pg_dump/pg_restore. pg_dump refuses to dump a server newer than itself, and a laptop often
// has an old client on PATH while Debian/Ubuntu keep newer ones under /usr/lib/postgresql/<major>/bin,
// so every candidate is considered in order and the first one new enough for the source wins.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export const TOOLS = ["pg_dump", "pg_restore"] as const;
const VERSIONED_ROOT = "/usr/lib/postgresql";

/** What discovery may look at; injected so the order is testable without touching the machine. */
export interface BinaryProbe {
    readonly env: Readonly<Record<string, string | undefined>>;
    /** Entries of a folder, or undefined when it does not exist. */
    listDir(dir: string): string[] | undefined;
    isExecutable(file: string): boolean;
}

export const systemProbe: BinaryProbe = {
    env: process.env,
    listDir: (dir) => (fs.existsSync(dir) ? fs.readdirSync(dir) : undefined),
    isExecutable: (file) => {
        try {
            fs.accessSync(file, fs.constants.X_OK);
            return fs.statSync(file).isFile();
        } catch {
            return false;
        }
    },
};

/**
 * Folders holding both tools, in the order they are preferred: PG_BIN alone when set (an error if it
 * lacks a tool), else each PATH folder in PATH order, then /usr/lib/postgresql/<major>/bin newest first.
 */
export function candidateDirs(probe: BinaryProbe): string[] {
    const hasTools = (dir: string) => TOOLS.every((t) => probe.isExecutable(path.join(dir, t)));
    const pgBin = probe.env.PG_BIN;
    if (pgBin !== undefined && pgBin !== "") {
        const missing = TOOLS.filter((t) => !probe.isExecutable(path.join(pgBin, t)));
        if (missing.length > 0) throw new Error(`PG_BIN=${pgBin} has no executable ${missing.join(" or ")}`);
        return [pgBin];
    }
    const fromPath = (probe.env.PATH ?? "").split(path.delimiter).filter((d) => d !== "");
    const versioned = (probe.listDir(VERSIONED_ROOT) ?? [])
        .filter((v) => /^\d+(\.\d+)?$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => path.join(VERSIONED_ROOT, v, "bin"));
    return [...new Set([...fromPath, ...versioned])].filter(hasTools);
}

/** Major version from `pg_dump --version` ("pg_dump (PostgreSQL) 15.14 (Debian ...)" -> 15; 9.6.x -> 9.6). */
export function parseToolVersion(output: string): number {
    const m = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(output);
    if (!m) throw new Error(`cannot read a PostgreSQL version from "${output.trim()}"`);
    const major = Number(m[1]);
    return major >= 10 ? major : Number(`${m[1]}.${m[2] ?? 0}`);
}

/** Major version from `SHOW server_version_num` (150014 -> 15, 90624 -> 9.6). */
export function serverMajor(versionNum: number): number {
    return versionNum >= 100000 ? Math.floor(versionNum / 10000) : Math.floor(versionNum / 10000) + Math.floor((versionNum % 10000) / 100) / 10;
}

export interface Candidate {
    readonly dir: string;
    readonly major: number;
}

/** The first candidate whose pg_dump can dump a server of `sourceMajor`; an error lists what was found. */
export function chooseBinDir(candidates: readonly Candidate[], sourceMajor: number): Candidate {
    const chosen = candidates.find((c) => c.major >= sourceMajor);
    if (chosen) return chosen;
    const found = candidates.length === 0 ? "none found" : candidates.map((c) => `${c.dir} (${c.major})`).join(", ");
    throw new Error(
        `no pg_dump of version ${sourceMajor} or newer for the source server (${found}); ` +
            `install the PostgreSQL ${sourceMajor} client tools or point PG_BIN at their folder`,
    );
}

/** Discovers the tools on this machine and picks the folder to use for a source of `sourceMajor`. */
export function findBinaries(sourceMajor: number, probe: BinaryProbe = systemProbe): Candidate {
    // /bin and /usr/bin are one folder on merged-/usr systems; list it once.
    const byRealPath = new Map<string, string>();
    for (const d of candidateDirs(probe)) if (!byRealPath.has(fs.realpathSync(d))) byRealPath.set(fs.realpathSync(d), d);
    const dirs = [...byRealPath.values()];
    const candidates = dirs.map((dir) => ({
        dir,
        major: parseToolVersion(execFileSync(path.join(dir, "pg_dump"), ["--version"], { encoding: "utf8" })),
    }));
    return chooseBinDir(candidates, sourceMajor);
}
