// The one shape every Postgres takes (managed or in-cluster), so apps and the pooler never know which runs it.
import * as pulumi from "@pulumi/pulumi";
import type { DatabaseConfig } from "../config";

/** How clients reach Postgres: plain in the cluster, TLS verified against the server's CA when managed. */
export type PostgresSslMode = "disable" | "require" | "verify-ca";

/** One service's database and the role that owns it. */
export interface ServiceDatabase {
    readonly database: string;
    readonly user: string;
    /** Always a Pulumi secret. */
    readonly password: pulumi.Output<string>;
}

/** Where a Postgres server is reached, and its per-service databases. */
export interface DatabaseEndpoint {
    readonly host: pulumi.Input<string>;
    readonly port: number;
    /** Keyed by database name. */
    readonly services: Record<string, ServiceDatabase>;
    /** How clients must connect: managed services require TLS, verified against `caCertificate`. */
    readonly sslMode: PostgresSslMode;
    /** PEM bundle of the CAs the server's certificate chains to (every one during a rotation). */
    readonly caCertificate?: pulumi.Output<string>;
    /** A managed server whose host is a private IP, which the namespace's egress guard can name. */
    readonly hostIsPrivateAddress?: boolean;
    /**
     * A role that creates roles and databases (the bootstrap Job) and dumps/restores them (data
     * migration); password is secret. `superuser` is false for managed services' admin roles.
     */
    readonly admin: {
        readonly user: string;
        readonly password: pulumi.Output<string>;
        readonly superuser: boolean;
        /** The database the admin logs in to ("postgres" when not set; DO's is "defaultdb"). */
        readonly database?: string;
    };
    /** What must exist before the bootstrap Job connects (the server, its admin, its databases). */
    readonly ready: pulumi.Resource[];
}

/** A target's managed Postgres (Cloud SQL, RDS, DO): creates the server and its databases/users. */
export type ManagedDatabaseFactory = (
    name: string,
    config: DatabaseConfig,
    opts: pulumi.ComponentResourceOptions,
) => DatabaseEndpoint;
