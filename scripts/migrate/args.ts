// Command-line contract of `npm run migrate-data`. Pure: argv and env in, options or a UsageError out.
import { RELAY_IMAGE } from "./relay";

/** Where one side of the move is read from: a Pulumi stack's outputs, or an explicit superuser URL. */
export type EndpointSpec = { readonly kind: "stack"; readonly stack: string } | { readonly kind: "url"; readonly url: string };

export interface MigrateOptions {
    readonly from: EndpointSpec;
    readonly to: EndpointSpec;
    /** Databases to move; undefined means every database the source declares. */
    readonly databases?: readonly string[];
    /** Overwrite target databases that already hold tables. */
    readonly force: boolean;
    /** Print the plan (connections, binaries, per-database verdict) and change nothing. */
    readonly dryRun: boolean;
}

export type ParseResult = { readonly help: true } | ({ readonly help: false } & MigrateOptions);

export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

export const USAGE = `Usage: npm run migrate-data -- (--from <stack> | --from-url <url>) (--to <stack> | --to-url <url>) [options]

Copies every database of the source to the target with pg_dump/pg_restore, then compares exact row
counts per table and sequence values. Stop the apps writing to the source first.

  --from <stack>       source Pulumi stack; its databaseAdmin/databases outputs say what to copy, and
                       its cluster outputs how to reach it (needs kubectl, and for GKE the
                       gke-gcloud-auth-plugin its kubeconfig names):
                         in-cluster Postgres (k3d, existing)  kubectl port-forward to databaseService
                         private database (Cloud SQL on GKE)  a relay pod (socat) in the stack's
                                                              namespace, deleted afterwards, and
                                                              kubectl port-forward to it
                       kubectl uses the stack's kubeconfig output, else the kubeContext (and
                       kubeconfigPath) of an existing cluster in your own kubeconfig
  --to <stack>         target Pulumi stack, reached the same way
  --from-url <url>     source superuser URL, postgres://user:password@host:port/postgres?sslmode=...
  --to-url <url>       target superuser URL (env SLIPWAY_FROM_URL / SLIPWAY_TO_URL keep passwords off argv)
  --databases a,b      only these databases
  --force              overwrite target databases that already contain tables
  --dry-run            print what would happen; no database is changed (port-forwards and a relay pod
                       are still opened, to read both ends)
  --help               this text

Environment: PG_BIN (folder holding pg_dump/pg_restore), KUBECTL, PULUMI (binaries to use),
SLIPWAY_RELAY_IMAGE (relay image, default ${RELAY_IMAGE}, e.g. a mirror in your registry).
Exit codes: 0 migrated and verified, 1 failed, 2 usage error, 3 refused (non-empty target), 4 verification mismatch.`;

const STACK_NAME = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+){0,2}$/;
const BOOLEAN_FLAGS = new Set(["--force", "--dry-run", "--help"]);
const VALUE_FLAGS = new Set(["--from", "--to", "--from-url", "--to-url", "--databases"]);

/** Parses argv (without node and script); env supplies SLIPWAY_FROM_URL / SLIPWAY_TO_URL fallbacks. */
export function parseArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): ParseResult {
    const values = new Map<string, string>();
    const flags = new Set<string>();
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const eq = arg.indexOf("=");
        const name = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
        if (BOOLEAN_FLAGS.has(name)) {
            if (name !== arg) throw new UsageError(`${name} takes no value (got "${arg}")`);
            flags.add(name);
        } else if (VALUE_FLAGS.has(name)) {
            const value = name !== arg ? arg.slice(eq + 1) : argv[++i];
            if (value === undefined || value === "" || (name === arg && value.startsWith("--"))) {
                throw new UsageError(`${name} needs a value`);
            }
            if (values.has(name)) throw new UsageError(`${name} given more than once`);
            values.set(name, value);
        } else {
            throw new UsageError(`unknown argument "${arg}"`);
        }
    }
    if (flags.has("--help")) return { help: true };
    const from = endpoint("from", values, env.SLIPWAY_FROM_URL);
    const to = endpoint("to", values, env.SLIPWAY_TO_URL);
    if (from.kind === to.kind && (from.kind === "stack" ? from.stack === (to as typeof from).stack : from.url === (to as typeof from).url)) {
        throw new UsageError("source and target are the same; nothing to migrate");
    }
    return {
        help: false,
        from,
        to,
        databases: values.has("--databases") ? databaseList(values.get("--databases")!) : undefined,
        force: flags.has("--force"),
        dryRun: flags.has("--dry-run"),
    };
}

function endpoint(side: "from" | "to", values: Map<string, string>, envUrl: string | undefined): EndpointSpec {
    const stack = values.get(`--${side}`);
    const url = values.get(`--${side}-url`);
    if (stack !== undefined && url !== undefined) throw new UsageError(`--${side} and --${side}-url are mutually exclusive`);
    if (stack !== undefined) {
        if (!STACK_NAME.test(stack)) throw new UsageError(`--${side}: "${stack}" is not a Pulumi stack name`);
        return { kind: "stack", stack };
    }
    const chosen = url ?? (envUrl !== undefined && envUrl !== "" ? envUrl : undefined);
    if (chosen === undefined) {
        throw new UsageError(`the ${side === "from" ? "source" : "target"} is missing: give --${side} <stack> or --${side}-url <url>`);
    }
    return { kind: "url", url: chosen };
}

function databaseList(raw: string): string[] {
    const names = raw.split(",").map((n) => n.trim());
    if (names.some((n) => n === "")) throw new UsageError(`--databases: empty name in "${raw}"`);
    const seen = new Set<string>();
    for (const n of names) {
        if (seen.has(n)) throw new UsageError(`--databases: "${n}" listed twice`);
        seen.add(n);
    }
    return names;
}
