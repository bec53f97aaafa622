// After the restore: every table of the source must hold exactly as many rows on the target, and
// every sequence must stand where it stood, or the next insert collides with a migrated id.
import type { SequenceState } from "./inspect";

export interface TableCheck {
    readonly table: string;
    readonly source: number;
    /** undefined when the table is missing on the target. */
    readonly target: number | undefined;
    readonly ok: boolean;
}

export interface SequenceCheck {
    readonly sequence: string;
    readonly source: SequenceState;
    readonly target: SequenceState | undefined;
    readonly ok: boolean;
}

export function compareCounts(source: ReadonlyMap<string, number>, target: ReadonlyMap<string, number>): TableCheck[] {
    return [...source].map(([table, n]) => {
        const t = target.get(table);
        return { table, source: n, target: t, ok: t === n };
    });
}

export function compareSequences(source: ReadonlyMap<string, SequenceState>, target: ReadonlyMap<string, SequenceState>): SequenceCheck[] {
    return [...source].map(([sequence, s]) => {
        const t = target.get(sequence);
        return { sequence, source: s, target: t, ok: t !== undefined && t.lastValue === s.lastValue && t.isCalled === s.isCalled };
    });
}

/** Tables only the target has (kept by --force's restore); worth a warning, not a failure. */
export function extraTables(source: ReadonlyMap<string, number>, target: ReadonlyMap<string, number>): string[] {
    return [...target.keys()].filter((t) => !source.has(t));
}

export function formatTableCheck(c: TableCheck, width: number): string {
    return `    ${c.table.padEnd(width)}  ${String(c.source).padStart(10)} -> ${c.target === undefined ? "missing".padStart(10) : String(c.target).padStart(10)}  ${c.ok ? "OK" : "MISMATCH"}`;
}

export function formatSequenceCheck(c: SequenceCheck, width: number): string {
    const show = (s: SequenceState | undefined) => (s === undefined ? "missing" : `${s.lastValue}${s.isCalled ? "" : " (unused)"}`);
    return `    ${c.sequence.padEnd(width)}  ${show(c.source).padStart(10)} -> ${show(c.target).padStart(10)}  ${c.ok ? "OK" : "MISMATCH"}`;
}
