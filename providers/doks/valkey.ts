// DO Managed Valkey (`cache.mode: managed` on DOKS; DO retired Redis on 2025-06-30): in the stack's
// VPC, TLS only (rediss://, a Let's Encrypt certificate the system trust store verifies), noeviction
// as in-cluster, a standby when highly available, a database firewall that admits only the cluster.
import { type DatabasePlacement, privateDatabase } from "./private-database";
import * as pulumi from "@pulumi/pulumi";
import type { CacheConfig } from "../../config";
import type { CacheEndpoint } from "../../lib/cache-types";
import { DO_VALKEY_SLUGS, DO_VALKEY_VERSION, valkeySlug } from "./settings";

export function doValkeyProblems(cache: CacheConfig, standby: boolean): string[] {
    if (valkeySlug(cache.memoryMb, standby) !== undefined) return [];
    const largest = DO_VALKEY_SLUGS[DO_VALKEY_SLUGS.length - 1];
    return [`slipway:cache.memoryMb: got ${cache.memoryMb}; the largest Valkey plan Slipway sizes on doks (${largest.slug}) leaves ${largest.memoryMb} MB for data, allowed: 64-${largest.memoryMb}`];
}

export interface DoValkeyArgs extends DatabasePlacement {
    readonly cache: CacheConfig;
    readonly standby: boolean;
}

export class DoValkey extends pulumi.ComponentResource {
    public readonly endpoint: CacheEndpoint;

    constructor(name: string, args: DoValkeyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:cache:DoValkey", name, args, opts);
        const { cache, standby, ...placement } = args;
        // Protected like every store of state: DO keeps no backups of Valkey.
        const { cluster } = privateDatabase(
            name,
            {
                ...placement,
                suffix: "valkey",
                nodeCount: standby ? 2 : 1,
                engine: {
                    engine: "valkey",
                    version: DO_VALKEY_VERSION,
                    size: valkeySlug(cache.memoryMb, standby)!,
                    // The API's value (underscores); sessions and queues fail loudly at maxmemory rather than vanish.
                    evictionPolicy: "noeviction",
                    maintenanceWindows: [{ day: "sunday", hour: "06:00" }],
                },
            },
            this,
        );
        // A DNS name: the firewall, not an egress policy, fences it.
        this.endpoint = { host: cluster.privateHost, port: cluster.port, password: pulumi.secret(cluster.password), tls: true, hostIsPrivateAddress: false };
        this.registerOutputs({ host: this.endpoint.host });
    }
}
