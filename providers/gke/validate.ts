// What the GKE target refuses before it registers anything, each problem naming its config key.
import { NODE_SIZES } from "../../config";
import type { GkeConfig } from "../../config";
import { cloudSqlProblems } from "./cloudsql";
import { GCP_PROJECT, GCP_REGION } from "./config";
import type { GkeClusterArgs } from "./index";

const GCP_ZONE = /^([a-z]+-[a-z]+[0-9]+)-[a-z]$/;

/** Every problem with the args, each naming its stack config key; empty when valid. */
export function gkeProblems(args: GkeClusterArgs): string[] {
    const problems: string[] = [];
    const { project, region } = (args.gke ?? {}) as Partial<GkeConfig>;
    if (project === undefined || project === "") problems.push(`slipway:gke.project: required (got nothing); allowed: a GCP project id such as my-project`);
    else if (!GCP_PROJECT.test(project)) problems.push(`slipway:gke.project: got "${project}"; allowed: a GCP project id, 6-30 lower-case letters, digits and '-'`);
    const zone = region === undefined ? null : GCP_ZONE.exec(region);
    if (region === undefined || region === "") problems.push(`slipway:gke.region: required (got nothing); allowed: a GCP region such as us-central1`);
    else if (zone) problems.push(`slipway:gke.region: got "${region}", which is a zone; a regional cluster needs its region, e.g. "${zone[1]}"`);
    else if (!GCP_REGION.test(region)) problems.push(`slipway:gke.region: got "${region}"; allowed: a GCP region such as us-central1`);
    if (!(NODE_SIZES as readonly string[]).includes(args.nodes.size)) {
        problems.push(`slipway:cluster.nodes.size: got "${args.nodes.size}"; allowed: ${NODE_SIZES.join(", ")}`);
    }
    if (args.nodes.min > args.nodes.max) problems.push(`slipway:cluster.nodes.min: got ${args.nodes.min}, above max ${args.nodes.max}`);
    if (args.managedDatabase) problems.push(...cloudSqlProblems(args.managedDatabase));
    return problems;
}
