// The contract between a Slipway stack and this tool: what `pulumi stack output --json --show-secrets`
// must contain. index.ts exports these (databaseAdmin as a secret):
//   databaseAdmin    { host, port, user, password, sslmode }  an administrative login
//   databases        ["shop", ...] (or [{ name, user }])      the per-service databases
//   databaseService  Service name of in-cluster Postgres       present => reach it by port-forward
//   kubeconfig, namespace                                      where that Service lives
import { SSL_MODES, type PgConnection, type SslMode } from "./connection";

export interface StackDatabaseAccess {
    /** The admin login as exported; host/port are in-cluster ones when `portForward` is set. */
    readonly admin: PgConnection;
    readonly databases: string[];
    /** Set when the server is only reachable inside the cluster (k3d, in-cluster Postgres). */
    readonly portForward?: { readonly kubeconfig: string; readonly namespace: string; readonly service: string };
}

/** Validates the outputs of `stack`; every problem names the output so the user knows what to export. */
export function parseStackOutputs(stack: string, outputs: unknown): StackDatabaseAccess {
    const o = (outputs ?? {}) as Record<string, unknown>;
    const fail = (what: string): never => {
        throw new Error(`stack "${stack}": ${what} (outputs present: ${Object.keys(o).join(", ") || "none"})`);
    };
    const adminRaw = o.databaseAdmin as Record<string, unknown> | undefined;
    if (adminRaw === undefined || adminRaw === null || typeof adminRaw !== "object") {
        return fail("no databaseAdmin output; deploy a Slipway version that exports it, or pass --from-url/--to-url");
    }
    const str = (key: string): string => {
        const v = adminRaw[key];
        if (typeof v !== "string" || v === "") return fail(`databaseAdmin.${key} must be a non-empty string`);
        return v;
    };
    const port = Number(adminRaw.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`databaseAdmin.port must be a port number (got ${JSON.stringify(adminRaw.port)})`);
    const sslmode = (adminRaw.sslmode ?? "prefer") as string;
    if (!(SSL_MODES as readonly string[]).includes(sslmode)) fail(`databaseAdmin.sslmode "${sslmode}" is not one of ${SSL_MODES.join(", ")}`);
    const admin: PgConnection = {
        host: str("host"),
        port,
        user: str("user"),
        password: str("password"),
        database: typeof adminRaw.database === "string" && adminRaw.database !== "" ? adminRaw.database : "postgres",
        sslmode: sslmode as SslMode,
    };
    if (!Array.isArray(o.databases) || o.databases.length === 0) fail("databases output must be a non-empty list");
    const databases = (o.databases as unknown[]).map((d) => {
        const name = typeof d === "string" ? d : (d as { name?: unknown } | null)?.name;
        return typeof name === "string" && name !== "" ? name : fail(`databases holds an entry without a name: ${JSON.stringify(d)}`);
    });
    if (o.databaseService === undefined) return { admin, databases };
    const forward = { kubeconfig: o.kubeconfig, namespace: o.namespace, service: o.databaseService };
    for (const [key, v] of Object.entries({ kubeconfig: forward.kubeconfig, namespace: forward.namespace, databaseService: forward.service })) {
        if (typeof v !== "string" || v === "") fail(`${key} output must be a non-empty string when databaseService is exported`);
    }
    return { admin, databases, portForward: forward as { kubeconfig: string; namespace: string; service: string } };
}
