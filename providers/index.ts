// Picks the stack's cluster target. Each target's module (and its cloud SDK) is loaded only when
// selected, so a k3d stack never pays for loading @pulumi/gcp.
import type * as pulumi from "@pulumi/pulumi";
import type { SlipwayConfig, Target } from "../config";
import { ConfigError } from "../config";
import type { Cluster } from "../lib/contracts";

type TargetModule = { createCluster(cfg: SlipwayConfig, opts?: pulumi.ComponentResourceOptions): Cluster; configProblems?(cfg: SlipwayConfig): string[] };

const TARGET_MODULES: Partial<Record<Target, () => TargetModule>> = {
    k3d: () => require("./k3d"),
    existing: () => require("./existing"),
    gke: () => require("./gke"),
    eks: () => require("./eks"),
    doks: () => require("./doks"),
    hetzner: () => require("./hetzner"),
};

/** Targets whose provider module exists. */
export const BUILT_TARGETS = Object.keys(TARGET_MODULES) as Target[];

/** Throws a ConfigError when the selected target has no provider yet; call before creating anything. */
export function assertTargetBuilt(target: Target): void {
    if (!TARGET_MODULES[target]) {
        throw new ConfigError([`slipway:target: got "${target}"; allowed (targets built so far): ${BUILT_TARGETS.join(", ")}`]);
    }
}

export function createCluster(cfg: SlipwayConfig, opts?: pulumi.ComponentResourceOptions): Cluster {
    assertTargetBuilt(cfg.target);
    return TARGET_MODULES[cfg.target]!().createCluster(cfg, opts);
}

/**
 * The selected target's own rules over a valid config (versions it offers, managed-service sizes,
 * names its cloud accepts), for parseConfig to report with every other problem before anything is
 * registered. Loads only that target's module.
 */
export function targetProblems(cfg: SlipwayConfig): string[] {
    const load = TARGET_MODULES[cfg.target];
    return load?.().configProblems?.(cfg) ?? [];
}
