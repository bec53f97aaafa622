// DO Managed Valkey (`cache.mode: managed` on DOKS; DO retired Redis on 2025-06-30): in the stack's
// VPC, TLS only (rediss://, a Let's Encrypt certificate the system trust store verifies), noeviction
// as in-cluster, a standby when highly available, a database firewall that admits only the cluster.
import type { Provider as DoProvider } from "@pulumi/digitalocean/provider";
import type { DatabaseClient } from "./firewall";
import { privateDatabase } from "./private-database";
import * as pulumi from "@pulumi/pulumi";
import type { CacheConfig } from "../../config";
import type { CacheEndpoint } from "../../lib/cache-types";
import { DO_VALKEY_SLUGS, DO_VALKEY_VERSION, valkeySlug } from "./settings";

export function doValkeyProblems(cache: CacheConfig, standby: boolean): string[] {
    if (valkeySlug(cache.memoryMb, standby) !== undefined) return [];
    const largest = DO_VALKEY_SLUGS[DO_VALKEY_SLUGS.length - 1];
    return [`slipway:cache.memoryMb: got ${cache.memoryMb}; the largest Valkey plan Slipway sizes on doks (${largest.slug}) leaves ${largest.memoryMb} MB for data, allowed: 64-${largest.memoryMb}`];
}

export interface DoValkeyArgs {
    readonly name: string;
    readonly region: string;
    readonly cache: CacheConfig;
    readonly standby: boolean;
    readonly vpcId: pulumi.Input<string>;
    readonly client: DatabaseClient;
    readonly provider: DoProvider;
    readonly dependsOn: pulumi.Resource[];
}

export class DoValkey extends pulumi.ComponentResource {
    public readonly endpoint: CacheEndpoint;

    constructor(name: string, args: DoValkeyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:cache:DoValkey", name, args, opts);
        // Protected like every store of state: DO keeps no backups of Valkey.
        const { cluster } = privateDatabase(
            name,
            {
                name: args.name,
                suffix: "valkey",
                region: args.region,
                nodeCount: args.standby ? 2 : 1,
                vpcId: args.vpcId,
                client: args.client,
                provider: args.provider,
                dependsOn: args.dependsOn,
                engine: {
                    engine: "valkey",
                    version: DO_VALKEY_VERSION,
                    size: valkeySlug(args.cache.memoryMb, args.standby)!,
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
