// The `costEstimate` stack output. Every resource the program registers passes through a resource
// transformation (given to each top-level component, so children inherit it) that records its type,
// name and inputs; once the inputs resolve, the same dated price tables `npm run plan` prints price
// them. A guide for reviewing a stack, not a quote.
import * as pulumi from "@pulumi/pulumi";
import type { CostLine, PriceTable, PricedResource } from "./cost-types";

export interface CostEstimate {
    readonly currency: "USD";
    /** Sum of the priced items (items a table could not price are listed with `monthly: null`). */
    readonly monthlyTotal: number;
    readonly items: { resource: string; detail: string; monthly: number | null }[];
    /** When the prices used were read, e.g. ["2026-11"]; empty when nothing is billed by a cloud. */
    readonly priceTables: string[];
    readonly note: string;
}

/**
 * The tables of the clouds a stack is on (it registers a resource of that cloud's package). A table
 * prices only a stack on its own cloud: Kubernetes objects it reads (a `cilium` Gateway, an
 * NLB-annotated Service) can be anywhere, e.g. on an existing cluster that bills nobody here.
 */
function tablesOnCloud(tables: readonly PriceTable[], resources: readonly { type: string }[]): PriceTable[] {
    return tables.filter((t) => resources.some((r) => r.type.startsWith(`${t.cloud}:`)));
}

/** Monthly total and items from the price tables, rounded to cents. */
export function summarizeCost(tables: readonly PriceTable[], resources: readonly PricedResource[]): CostEstimate {
    const priced = tablesOnCloud(tables, resources).map((t) => ({ date: t.date, lines: t.costs(resources) }));
    // Sorted, so the output never changes with the order resources happen to register in.
    const lines: CostLine[] = priced.flatMap((p) => p.lines).sort((a, b) => a.resource.localeCompare(b.resource) || a.detail.localeCompare(b.detail));
    const cents = (usd: number) => Math.round(usd * 100) / 100;
    return {
        currency: "USD",
        monthlyTotal: cents(lines.filter((l) => Number.isFinite(l.monthlyUsd)).reduce((sum, l) => sum + l.monthlyUsd, 0)),
        items: lines.map((l) => ({ resource: l.resource, detail: l.detail, monthly: Number.isFinite(l.monthlyUsd) ? cents(l.monthlyUsd) : null })),
        priceTables: [...new Set(priced.filter((p) => p.lines.length > 0).map((p) => p.date))],
        note: "list prices of the dated tables; internet egress excluded; usage-based lines at the volumes their details state",
    };
}

/**
 * An input with what is unknown (a value computed during `preview`) or secret left out: the price
 * tables read sizes, counts and types, which come from config and are known at preview.
 */
async function knownValue(value: unknown): Promise<unknown> {
    if (pulumi.Output.isInstance(value)) {
        const o = value as any;
        if (!(await o.isKnown) || (await o.isSecret)) return undefined;
        return knownValue(await o.promise());
    }
    if (value instanceof Promise) return knownValue(await value);
    if (pulumi.Resource.isInstance(value) || pulumi.asset.Asset.isInstance(value) || pulumi.asset.Archive.isInstance(value)) return undefined;
    if (Array.isArray(value)) return Promise.all((value as unknown[]).map(knownValue));
    if (value !== null && typeof value === "object") {
        const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await knownValue(v)] as const));
        return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
    }
    return value;
}

export class CostLedger {
    private readonly registered: { type: string; name: string; props: unknown }[] = [];

    /** Give to every top-level component (`transformations: [ledger.record]`). Changes nothing. */
    readonly record: pulumi.ResourceTransformation = (args) => {
        this.registered.push({ type: args.type, name: args.name, props: args.props });
        return undefined;
    };

    /** The estimate over every resource registered so far: call after the program has created them all. */
    estimate(tables: readonly PriceTable[]): pulumi.Output<CostEstimate> {
        // Only the inputs a table on this stack's cloud reads are resolved: walking every input of
        // every Kubernetes object is most of what the estimate would cost a preview.
        const read = new Set(tablesOnCloud(tables, this.registered).flatMap((t) => t.reads));
        const resources = Promise.all(
            this.registered.map(async (r) => ({ type: r.type, name: r.name, inputs: (read.has(r.type) ? ((await knownValue(r.props)) ?? {}) : {}) as Record<string, any> })),
        );
        return pulumi.output(resources.then((all) => summarizeCost(tables, all)));
    }
}
