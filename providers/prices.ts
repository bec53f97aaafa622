// Every target's dated price table, for the `costEstimate` stack output and the offline plan. Pure
// data and arithmetic: no cloud SDK is loaded, and each table prices only its own cloud's resources
// (local targets cost nothing).
import type { PriceTable } from "../lib/cost-types";
import { doPrices } from "./doks/prices";
import { eksPrices } from "./eks/prices";
import { gkePrices } from "./gke/prices";
import { hetznerPrices } from "./hetzner/prices";

export const PRICE_TABLES: readonly PriceTable[] = [gkePrices, eksPrices, doPrices, hetznerPrices];
