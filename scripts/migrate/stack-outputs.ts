// The contract between a Slipway stack and this tool: what `pulumi stack output --json --show-secrets`
// holds, and from it how the laptop reaches the stack's Postgres. index.ts exports:
//   databaseAdmin    { host, port, user, password, sslmode, caCertificate? }  an administrative login (secret);
//                    caCertificate: the server CA bundle that verify-ca checks (managed servers)
//   databases        ["shop", ...] (or [{ name, user }])      the per-service databases
//   databaseService  Service name of in-cluster Postgres       k3d, existing clusters
//   kubeconfig       the cluster's own kubeconfig (secret)     k3d, GKE
//   kubeContext, kubeconfigPath                               existing clusters: the user's kubeconfig
//   namespace        where the Service or the relay pod lives
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SSL_MODES, type PgConnection, type SslMode } from "./connection";

/** How kubectl reaches the stack's cluster. */
export type KubeAccess =
    /** The stack's kubeconfig text, written to a private temp file for kubectl. */
    | { readonly kind: "kubeconfig"; readonly kubeconfig: string }
    /** A context of the user's own kubeconfig ($KUBECONFIG or ~/.kube/config unless a file is named). */
    | { readonly kind: "context"; readonly context: string; readonly kubeconfigPath?: string };

/** How the laptop reaches the database server the stack exported. */
export type DatabaseRoute =
    /** Reachable as exported (outputs without any cluster). */
    | { readonly kind: "direct" }
    /** In-cluster Postgres: `kubectl port-forward service/<service> :<port>`. */
    | { readonly kind: "service"; readonly kube: KubeAccess; readonly namespace: string; readonly service: string; readonly port: number }
    /** A private address only the cluster reaches (Cloud SQL): a short-lived relay pod forwards to host:port. */
    | { readonly kind: "relay"; readonly kube: KubeAccess; readonly namespace: string; readonly host: string; readonly port: number };

export interface StackDatabaseAccess {
    /** The admin login as exported; host/port are the cluster's view unless the route is direct. */
    readonly admin: PgConnection;
    readonly databases: string[];
    readonly route: DatabaseRoute;
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
    const ca = adminRaw.caCertificate;
    if (ca !== undefined && ca !== null && (typeof ca !== "string" || !ca.includes("BEGIN CERTIFICATE"))) fail("databaseAdmin.caCertificate must be a PEM bundle when present");
    if ((sslmode === "verify-ca" || sslmode === "verify-full") && typeof ca !== "string") fail(`databaseAdmin.sslmode is ${sslmode} but no caCertificate is exported`);
    const admin: PgConnection = {
        host: str("host"),
        port,
        user: str("user"),
        password: str("password"),
        database: typeof adminRaw.database === "string" && adminRaw.database !== "" ? adminRaw.database : "postgres",
        sslmode: sslmode as SslMode,
        ...(typeof ca === "string" ? { sslrootcert: caFile(stack, ca) } : {}),
    };
    if (!Array.isArray(o.databases) || o.databases.length === 0) fail("databases output must be a non-empty list");
    const databases = (o.databases as unknown[]).map((d) => {
        const name = typeof d === "string" ? d : (d as { name?: unknown } | null)?.name;
        return typeof name === "string" && name !== "" ? name : fail(`databases holds an entry without a name: ${JSON.stringify(d)}`);
    });
    return { admin, databases, route: databaseRoute(o, admin, fail) };
}

/** The stack's CA bundle as a file for libpq (PGSSLROOTCERT) and node-postgres; removed when the process exits. */
function caFile(stack: string, pem: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `slipway-ca-${stack.replace(/[^A-Za-z0-9_-]/g, "_")}-`));
    const file = path.join(dir, "ca.pem");
    fs.writeFileSync(file, pem, { mode: 0o600 });
    process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
    return file;
}

/** Optional string output: absent (undefined/null) or a non-empty string. */
function optionalString(o: Record<string, unknown>, key: string, fail: (what: string) => never): string | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string" || v === "") return fail(`${key} output must be a non-empty string when present`);
    return v;
}

/**
 * The route follows the outputs alone: a databaseService means in-cluster Postgres (port-forward to
 * it); otherwise a stack with a cluster keeps its database on a private network the cluster reaches
 * (relay pod); a stack with no cluster outputs is reached directly.
 */
export function databaseRoute(o: Record<string, unknown>, admin: PgConnection, fail: (what: string) => never): DatabaseRoute {
    const kubeconfig = optionalString(o, "kubeconfig", fail);
    const context = optionalString(o, "kubeContext", fail);
    const kubeconfigPath = optionalString(o, "kubeconfigPath", fail);
    const service = optionalString(o, "databaseService", fail);
    // The stack's own kubeconfig names its own cluster; a context only means something in the user's file.
    const kube: KubeAccess | undefined =
        kubeconfig !== undefined ? { kind: "kubeconfig", kubeconfig } : context !== undefined ? { kind: "context", context, ...(kubeconfigPath ? { kubeconfigPath } : {}) } : undefined;
    if (service === undefined && kube === undefined) return { kind: "direct" };
    if (kube === undefined) {
        return fail(
            "databaseService is exported but neither kubeconfig nor kubeContext is, so kubectl cannot reach the cluster; " +
                "deploy a Slipway version that exports kubeContext, or pass --from-url/--to-url",
        );
    }
    const namespace = optionalString(o, "namespace", fail) ?? fail(`namespace output is missing; kubectl needs it to reach ${service !== undefined ? `service ${service}` : "the database"}`);
    if (service !== undefined) return { kind: "service", kube, namespace, service, port: admin.port };
    return { kind: "relay", kube, namespace, host: admin.host, port: admin.port };
}
