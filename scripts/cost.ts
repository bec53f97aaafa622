// The offline plan's cost estimate of a stack's recorded resources: the same summary (and price
// tables) as the program's `costEstimate` output.
import { summarizeCost } from "../lib/cost-ledger";
import { PRICE_TABLES } from "../providers/prices";
import type { RecordedResource } from "./offline";

export function estimateMonthlyCost(resources: readonly RecordedResource[]) {
    return summarizeCost(PRICE_TABLES, resources);
}
