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
    /**
     * PEM bundle of every CA the server's certificate may chain to, when it is a private CA
     * (Memorystore); absent when a public CA signs it (ElastiCache) and the system trust store verifies it.
     */
    readonly caCertificate?: pulumi.Output<string>;
    readonly tls: true;
    /** The host is a private IP (not a DNS name), which the namespace's egress guard can name. */
    readonly hostIsPrivateAddress: boolean;
}

/** A target's managed Redis: creates the instance from the stack's cache config. */
export type ManagedCacheFactory = (name: string, cache: CacheConfig, opts: pulumi.ComponentResourceOptions) => CacheEndpoint;
