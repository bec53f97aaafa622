// The DOKS target's fixed settings: the Kubernetes minors and engine versions DigitalOcean offers,
// Droplet and database size slugs, and the kubeconfig people and CI keep.
import type { NodeSize } from "../../lib/schema";
import type { KubernetesMinor, PostgresMajor } from "../../versions";

/**
 * Minors DOKS offers on 2026-11-29: 1.35 and 1.36 (slugs `1.35.6-do.0`, `1.36.1-do.0` in public
 * fixtures of 2026-07/08; none for 1.37). The patch slug is looked up at deploy time by prefix.
 */
export const DOKS_MINORS: readonly KubernetesMinor[] = ["1.35", "1.36"];

/**
 * Postgres majors of DO's standard Managed PostgreSQL (openapi `databases/responses/options.yml`,
 * 2026-08: 15, 16, 17; 18 only in the Advanced edition's preview, 14 ended 2026-11-12).
 */
export const DO_POSTGRES_VERSIONS: readonly PostgresMajor[] = ["15", "16", "17"];

/** Managed Valkey's only version (Redis 7.2 compatible); DO no longer creates Redis clusters. */
export const DO_VALKEY_VERSION = "8";

/** Worker Droplets (Basic, 2 GiB per vCPU and up); changing the size replaces only the worker pool. */
export const DOKS_NODE_SLUGS: Record<NodeSize, string> = { small: "s-2vcpu-4gb", medium: "s-4vcpu-8gb", large: "s-8vcpu-16gb" };

/** The default pool DOKS requires: one fixed slug, since changing it would replace the whole cluster. */
export const DOKS_SYSTEM_POOL = { slug: "s-2vcpu-4gb", minNodes: 1, maxNodes: 3 } as const;

/**
 * Managed PostgreSQL plans per `database.size`. db-s-1vcpu-1gb cannot take a standby (DO: "standby
 * nodes are only supported for plans with 2 GB of RAM or more").
 */
export const DO_POSTGRES_SLUGS: Record<NodeSize, { slug: string; memoryGb: number }> = {
    small: { slug: "db-s-1vcpu-1gb", memoryGb: 1 },
    medium: { slug: "db-s-2vcpu-4gb", memoryGb: 4 },
    large: { slug: "db-s-4vcpu-8gb", memoryGb: 8 },
};

/** The smallest plan a standby node may use (GB of RAM). */
export const DO_STANDBY_MIN_MEMORY_GB = 2;

/**
 * Valkey plans and the memory each leaves for data (DO Managed Caching "usable memory": 0.5, 1.2,
 * 2.5, 5.2 and 11.5 GiB of the 1-16 GiB plans); a standby needs the 2 GB plan or larger.
 */
export const DO_VALKEY_SLUGS: readonly { slug: string; planGb: number; memoryMb: number }[] = [
    { slug: "db-s-1vcpu-1gb", planGb: 1, memoryMb: 512 },
    { slug: "db-s-1vcpu-2gb", planGb: 2, memoryMb: 1228 },
    { slug: "db-s-2vcpu-4gb", planGb: 4, memoryMb: 2560 },
    { slug: "db-s-4vcpu-8gb", planGb: 8, memoryMb: 5324 },
    { slug: "db-s-6vcpu-16gb", planGb: 16, memoryMb: 11776 },
];

/** The Valkey plan whose RAM holds `memoryMb` (with a standby, at least the 2 GB plan); undefined when none does. */
export function valkeySlug(memoryMb: number, standby: boolean): string | undefined {
    return DO_VALKEY_SLUGS.find((s) => s.memoryMb >= memoryMb && (!standby || s.planGb >= DO_STANDBY_MIN_MEMORY_GB))?.slug;
}

/**
 * The kubeconfig Slipway exports: DOKS's endpoint and CA with doctl as the credential plugin, so
 * it never expires (the `kubeConfigs` token of the API lasts 7 days) and holds no credential.
 */
export function doksKubeconfig(clusterName: string, clusterId: string, endpoint: string, caBase64: string): string {
    const context = `do-${clusterName}`;
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: context, cluster: { server: endpoint, "certificate-authority-data": caBase64 } }],
        contexts: [{ name: context, context: { cluster: context, user: `${context}-admin` } }],
        "current-context": context,
        users: [
            {
                name: `${context}-admin`,
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "doctl",
                        args: ["kubernetes", "cluster", "kubeconfig", "exec-credential", "--version=v1beta1", clusterId],
                        interactiveMode: "Never",
                    },
                },
            },
        ],
    });
}
