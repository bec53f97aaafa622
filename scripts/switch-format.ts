// The switch report as a reviewer reads it: plain text for a terminal, Markdown for a pull-request
// comment (long lists folded in <details>). JSON needs no formatter: it is the report itself.
import type { SwitchReport } from "./switch";

const MAX_VALUE = 90;

/** A value as one short line: JSON, "(none)" when absent, long text cut with its length noted. */
export function showValue(v: unknown): string {
    if (v === undefined) return "(none)";
    const text = JSON.stringify(v);
    return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}… (${text.length} chars)` : text;
}

/** For two multi-line texts (a generated config file), the lines only one side has, as -/+ lines. */
export function lineChanges(from: unknown, to: unknown): string[] | undefined {
    if (typeof from !== "string" || typeof to !== "string" || !(from.includes("\n") || to.includes("\n"))) return undefined;
    const a = from.split("\n");
    const b = to.split("\n");
    return [...a.filter((l) => !b.includes(l)).map((l) => `- ${l}`), ...b.filter((l) => !a.includes(l)).map((l) => `+ ${l}`)];
}

/** A resource type token as a short, unambiguous name: gcp:sql/databaseInstance:DatabaseInstance -> gcp:sql.DatabaseInstance. */
export function shortType(type: string): string {
    const [pkg, module, name] = type.split(":");
    return name === undefined ? type : `${pkg}:${module.split("/")[0]}.${name}`;
}

const usd = (n: number) => `$${n.toFixed(0)}/month`;
const cloudList = (counts: Record<string, number>) =>
    Object.entries(counts).map(([type, n]) => `${shortType(type)}${n > 1 ? ` x${n}` : ""}`).join(", ") || "(none)";
const kindLines = (groups: Record<string, string[]>) => Object.entries(groups).map(([kind, names]) => `${kind} (${names.length}): ${names.join(", ")}`);
const count = (groups: Record<string, string[]>) => Object.values(groups).reduce((n, names) => n + names.length, 0);
const appsOnly = (r: SwitchReport) =>
    [r.appObjectsOnlyIn.from > 0 && `, ${r.appObjectsOnlyIn.from} only in ${r.from}`, r.appObjectsOnlyIn.to > 0 && `, ${r.appObjectsOnlyIn.to} only in ${r.to}`].filter(Boolean).join("");
const appChanged = (r: SwitchReport) => r.changed.filter((c) => c.app !== null).length;

export function switchText(r: SwitchReport): string {
    const out = [
        `== switching ${r.from} -> ${r.to}`,
        `cost: ${usd(r.cost.from)} -> ${usd(r.cost.to)}`,
        `apps: ${r.unchanged.appObjects} objects unchanged, ${appChanged(r)} changed${appsOnly(r)}; other objects: ${r.unchanged.otherObjects} unchanged`,
        `cloud resources: ${r.from}: ${cloudList(r.cloud.from)}`,
        `                 ${r.to}: ${cloudList(r.cloud.to)}`,
        "data (what keeps it):",
    ];
    for (const d of r.data) out.push(`  ${d.role.padEnd(9)} ${d.setting.padEnd(20)} ${d.from === d.to ? `${d.from} (same)` : `${d.from}  ->  ${d.to}`}`);
    out.push(`only in ${r.from} (${count(r.onlyIn.from)} objects):`, ...kindLines(r.onlyIn.from).map((l) => `  ${l}`));
    out.push(`only in ${r.to} (${count(r.onlyIn.to)} objects):`, ...kindLines(r.onlyIn.to).map((l) => `  ${l}`));
    out.push(`changed (${r.changed.length} objects):`);
    for (const c of r.changed) {
        out.push(`  ${c.id}${c.app ? `  (app ${c.app})` : ""}`);
        for (const d of c.changes) {
            const lines = lineChanges(d.from, d.to);
            if (lines) out.push(`    ${d.path}: lines changed`, ...lines.map((l) => `      ${l}`));
            else out.push(`    ${d.path}: ${showValue(d.from)} -> ${showValue(d.to)}`);
        }
    }
    return out.join("\n");
}

/** Markdown cells: pipes escaped, code spans kept on one line. */
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

export function switchMarkdown(r: SwitchReport): string {
    const out = [
        `### Switching \`${r.from}\` -> \`${r.to}\``,
        "",
        `**Cost:** ${usd(r.cost.from)} -> ${usd(r.cost.to)} (output \`costEstimate\`). **Apps:** ${r.unchanged.appObjects} objects unchanged, ${appChanged(r)} changed${appsOnly(r)}. ` +
            `**Other objects:** ${r.unchanged.otherObjects} unchanged, ${r.changed.length - appChanged(r)} changed, ${count(r.onlyIn.from)} only in \`${r.from}\`, ${count(r.onlyIn.to)} only in \`${r.to}\`.`,
        "",
        "#### Data: what keeps it",
        "",
        `| | setting | \`${r.from}\` | \`${r.to}\` |`,
        "| --- | --- | --- | --- |",
        ...r.data.map((d) => `| ${d.role} | ${d.setting} | ${cell(d.from)} | ${d.from === d.to ? "(same)" : `**${cell(d.to)}**`} |`),
        "",
        "#### Cloud resources",
        "",
        `- \`${r.from}\`: ${cloudList(r.cloud.from)}`,
        `- \`${r.to}\`: ${cloudList(r.cloud.to)}`,
        "",
    ];
    for (const [side, groups] of [[r.from, r.onlyIn.from], [r.to, r.onlyIn.to]] as const) {
        out.push(`<details><summary>Only in <code>${side}</code>: ${count(groups)} Kubernetes objects</summary>`, "", ...kindLines(groups).map((l) => `- ${cell(l)}`), "", "</details>", "");
    }
    out.push(`<details><summary>Changed: ${r.changed.length} Kubernetes objects, before -> after</summary>`, "", "| object | field | before | after |", "| --- | --- | --- | --- |");
    for (const c of r.changed) {
        for (const [i, d] of c.changes.entries()) {
            const lines = lineChanges(d.from, d.to);
            const before = lines ? lines.filter((l) => l.startsWith("-")).map((l) => code(cell(l.slice(2)))).join("<br>") || "(no line removed)" : code(cell(showValue(d.from)));
            const after = lines ? lines.filter((l) => l.startsWith("+")).map((l) => code(cell(l.slice(2)))).join("<br>") || "(no line added)" : code(cell(showValue(d.to)));
            out.push(`| ${i === 0 ? `${code(c.id)}${c.app ? ` (app ${c.app})` : ""}` : ""} | ${code(d.path)} | ${before} | ${after} |`);
        }
    }
    out.push("", "</details>");
    return out.join("\n");
}
