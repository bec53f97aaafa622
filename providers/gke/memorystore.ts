// Memorystore for Redis (`slipway:cache.mode: managed` on GKE): a replicated instance on a private
// IP in the stack's VPC, AUTH on, TLS in transit. Yields host, port, password (secret) and the CA,
// the managed counterpart of the in-cluster Redis.
import * as redis from "@pulumi/gcp/redis";
import * as pulumi from "@pulumi/pulumi";
import type { CacheConfig } from "../../config";
import type { CacheEndpoint } from "../../lib/cache-types";
import type { PrivateServiceArgs } from "./private-service";

/** `slipway:cache.version` -> Memorystore version. */
export const MEMORYSTORE_VERSIONS: Record<CacheConfig["version"], string> = { "7": "REDIS_7_2" };

/** Memorystore sells whole GiB; the smallest instance is 1 GiB. */
export function memorySizeGb(memoryMb: number): number {
    return Math.max(1, Math.ceil(memoryMb / 1024));
}

export interface MemorystoreRedisArgs extends PrivateServiceArgs {
    readonly cache: CacheConfig;
}

export class MemorystoreRedis extends pulumi.ComponentResource {
    public readonly instance: redis.Instance;
    public readonly endpoint: CacheEndpoint;

    constructor(name: string, args: MemorystoreRedisArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:cache:MemorystoreRedis", name, args, opts);
        this.instance = new redis.Instance(
            `${name}-instance`,
            {
                region: args.region,
                // A replica in another zone with automatic failover (BASIC has none and an SLA of 0).
                tier: "STANDARD_HA",
                memorySizeGb: memorySizeGb(args.cache.memoryMb),
                redisVersion: MEMORYSTORE_VERSIONS[args.cache.version],
                authorizedNetwork: args.network,
                // Same peering as Cloud SQL: one private range, no public address.
                connectMode: "PRIVATE_SERVICE_ACCESS",
                reservedIpRange: args.privateRange,
                authEnabled: true,
                transitEncryptionMode: "SERVER_AUTHENTICATION",
                // As in-cluster: sessions and queues fail loudly at maxmemory rather than vanish.
                redisConfigs: { "maxmemory-policy": "noeviction" },
                persistenceConfig: { persistenceMode: "RDB", rdbSnapshotPeriod: "ONE_HOUR" },
                maintenancePolicy: { weeklyMaintenanceWindows: [{ day: "SUNDAY", startTime: { hours: 5, minutes: 0, seconds: 0, nanos: 0 } }] },
                deletionProtection: args.deletionProtection,
            },
            { parent: this, provider: args.provider, protect: true, dependsOn: args.dependsOn, additionalSecretOutputs: ["authString"] },
        );
        this.endpoint = {
            host: this.instance.host,
            port: this.instance.port,
            password: pulumi.secret(this.instance.authString),
            // Every CA: during a rotation two are valid, and clients must trust both.
            caCertificate: this.instance.serverCaCerts.apply((certs) => (certs ?? []).map((c) => c.cert.trim()).join("\n") + "\n"),
            tls: true,
            hostIsPrivateAddress: true,
        };
        this.registerOutputs({ host: this.endpoint.host, port: this.endpoint.port });
    }
}
