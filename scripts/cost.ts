// The monthly cost estimate of a stack: the sum of every target's price table over the stack's
// recorded resources (each table prices only its own cloud's resources; local targets cost nothing).
// A guide for reviewing a plan, not a quote.
import type { CostLine, PriceTable } from "../lib/cost-types";
import { doPrices } from "../providers/doks/prices";
import { eksPrices } from "../providers/eks/prices";
import { gkePrices } from "../providers/gke/prices";
import { hetznerPrices } from "../providers/hetzner/prices";
import type { RecordedResource } from "./offline";

export type { CostLine };

/** Every target's price table (pure data and arithmetic: no cloud SDK is loaded). */
const PRICE_TABLES: readonly PriceTable[] = [gkePrices, eksPrices, doPrices, hetznerPrices];

/** Every costed resource, the total, and the dates of the price tables that priced something. */
export function estimateMonthlyCost(resources: readonly RecordedResource[]): { lines: CostLine[]; totalUsd: number; dates: string[] } {
    const priced = PRICE_TABLES.map((t) => ({ date: t.date, lines: t.costs(resources) }));
    const lines = priced.flatMap((p) => p.lines);
    return { lines, totalUsd: lines.reduce((sum, l) => sum + l.monthlyUsd, 0), dates: [...new Set(priced.filter((p) => p.lines.length > 0).map((p) => p.date))] };
}
