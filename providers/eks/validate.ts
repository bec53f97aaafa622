// What the EKS target refuses before it registers anything, each problem naming its config key.
import type { CacheConfig, DatabaseConfig, EksConfig } from "../../config";
import type { KubernetesMinor } from "../../versions";
import { rdsProblems } from "./rds";
import { EKS_MINORS, VALKEY_MAX_MEMORY_MB } from "./settings";

/**
 * The longest cluster name every AWS name built from it fits: the Valkey replication group
 * `<name>-valkey` (ElastiCache: 1-40 characters); node groups `<name>-` + a 26-character suffix
 * (EKS: 63). None of RDS, ElastiCache or snapshots takes two hyphens in a row.
 */
export const EKS_MAX_NAME_LENGTH = 33;

export function eksProblems(args: { name: string; eks?: EksConfig; kubernetesVersion: KubernetesMinor; managedDatabase?: DatabaseConfig; managedCache?: CacheConfig }): string[] {
    const problems: string[] = [];
    if (!args.eks) problems.push(`slipway:eks: required when slipway:target is "eks" (got nothing); allowed: { region, admins, publicAccessCidrs, ... }`);
    if (args.name.length > EKS_MAX_NAME_LENGTH || args.name.includes("--")) {
        problems.push(`slipway:cluster.name: got "${args.name}"; on eks at most ${EKS_MAX_NAME_LENGTH} characters and no "--" (ElastiCache and RDS names are built from it)`);
    }
    if (!EKS_MINORS.includes(args.kubernetesVersion)) {
        problems.push(`slipway:cluster.kubernetesVersion: got "${args.kubernetesVersion}", which EKS does not offer in standard support; allowed on eks: ${EKS_MINORS.join(", ")}`);
    }
    if (args.managedDatabase) problems.push(...rdsProblems(args.managedDatabase));
    if (args.managedCache && args.managedCache.memoryMb > VALKEY_MAX_MEMORY_MB) {
        problems.push(`slipway:cache.memoryMb: got ${args.managedCache.memoryMb}; the largest Valkey node Slipway sizes on eks (cache.m7g.xlarge) holds ${VALKEY_MAX_MEMORY_MB} MB, allowed: 64-${VALKEY_MAX_MEMORY_MB}`);
    }
    return problems;
}
