// The shape of a target's price table, which both the `costEstimate` stack output (lib/cost-ledger.ts)
// and the offline plan (scripts/cost.ts) sum.

/** What a price table reads of a resource: its type token, name and inputs (as registered). */
export interface PricedResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, any>;
}

export interface CostLine {
    readonly resource: string;
    readonly detail: string;
    readonly monthlyUsd: number;
}

/** One target's dated prices: the cost lines of the resources it knows, from a stack's resources. */
export interface PriceTable {
    /** The provider package whose resources mark a stack as on this cloud ("gcp", "aws", ...). */
    readonly cloud: string;
    /** When the prices were read ("2026-10"). */
    readonly date: string;
    /**
     * The resource types whose inputs costs() reads; the costEstimate output resolves only those
     * (every input of every Kubernetes object otherwise, on every preview). Names and types of all
     * resources are always given.
     */
    readonly reads: readonly string[];
    costs(resources: readonly PricedResource[]): CostLine[];
}
