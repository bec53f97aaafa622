// The shape of a target's price table, which the offline plan's cost estimate sums (scripts/cost.ts).
import type { RecordedResource } from "../scripts/offline";

export interface CostLine {
    readonly resource: string;
    readonly detail: string;
    readonly monthlyUsd: number;
}

/** One target's dated prices: the cost lines of the resources it knows, from a stack's recorded resources. */
export interface PriceTable {
    /** When the prices were read ("2026-10"). */
    readonly date: string;
    costs(resources: readonly RecordedResource[]): CostLine[];
}
