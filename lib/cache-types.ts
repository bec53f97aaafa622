// The one shape a managed Redis takes (Memorystore today), so the cache Secret apps read never
// depends on which cloud serves it.
import * as pulumi from "@pulumi/pulumi";
import type { CacheConfig } from "../config";

/** Where a managed Redis is reached. TLS is on: clients use `rediss://` and trust `caCertificate`. */
export interface CacheEndpoint {
    readonly host: pulumi.Output<string>;
    readonly port: pulumi.Output<number>;
    /** The AUTH string, always a secret. */
    readonly password: pulumi.Output<string>;
    /** PEM bundle of every CA the server's certificate may chain to, for verifying the TLS connection. */
    readonly caCertificate: pulumi.Output<string>;
    readonly tls: true;
}

/** A target's managed Redis: creates the instance from the stack's cache config. */
export type ManagedCacheFactory = (name: string, cache: CacheConfig, opts: pulumi.ComponentResourceOptions) => CacheEndpoint;
