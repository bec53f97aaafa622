// What the DOKS target refuses before it registers anything, each problem naming its config key.
import type { CacheConfig, DatabaseConfig, DoksConfig } from "../../config";
import type { KubernetesMinor } from "../../versions";
import { doPostgresProblems } from "./postgres";
import { DOKS_MINORS } from "./settings";
import { doValkeyProblems } from "./valkey";

/**
 * The longest cluster name the names built from it fit: DO database clusters `<name>-postgres` and
 * `<name>-valkey` (3-63 characters, UNCONFIRMED beyond the API's examples) and worker pools
 * `<name>-<slug>` stay well inside, and a DOKS cluster name is a DNS label.
 */
export const DOKS_MAX_NAME_LENGTH = 40;

export function doksProblems(args: { name: string; doks?: DoksConfig; kubernetesVersion: KubernetesMinor; managedDatabase?: DatabaseConfig; managedCache?: CacheConfig }): string[] {
    const problems: string[] = [];
    if (!args.doks) problems.push(`slipway:doks: required when slipway:target is "doks" (got nothing); allowed: { region, highAvailability, vpcCidr, podCidr, serviceCidr, apiAllowedCidrs, maintenance }`);
    if (!DOKS_MINORS.includes(args.kubernetesVersion)) {
        problems.push(`slipway:cluster.kubernetesVersion: got "${args.kubernetesVersion}", which DOKS does not offer; allowed on doks: ${DOKS_MINORS.join(", ")}`);
    }
    if (args.managedDatabase) problems.push(...doPostgresProblems(args.managedDatabase));
    if (args.managedCache) problems.push(...doValkeyProblems(args.managedCache, args.doks?.highAvailability ?? true));
    return problems;
}
