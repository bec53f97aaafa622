// What the EKS target refuses before it registers anything, each problem naming its config key.
import type { DatabaseConfig, EksConfig } from "../../config";
import type { KubernetesMinor } from "../../versions";
import { rdsProblems } from "./rds";
import { EKS_MINORS } from "./settings";

export function eksProblems(args: { eks?: EksConfig; kubernetesVersion: KubernetesMinor; managedDatabase?: DatabaseConfig }): string[] {
    const problems: string[] = [];
    if (!args.eks) problems.push(`slipway:eks: required when slipway:target is "eks" (got nothing); allowed: { region, ... }`);
    if (!EKS_MINORS.includes(args.kubernetesVersion)) {
        problems.push(`slipway:cluster.kubernetesVersion: got "${args.kubernetesVersion}", which EKS does not offer in standard support; allowed on eks: ${EKS_MINORS.join(", ")}`);
    }
    if (args.managedDatabase) problems.push(...rdsProblems(args.managedDatabase));
    return problems;
}
