// Which Kubernetes version a GKE cluster runs: its release channel decides (GKE only accepts versions
// the channel offers today, so a pinned version goes stale; terraform-google-modules safer-cluster
// leaves `kubernetes_version` null for this reason). `slipway:cluster.kubernetesVersion` is a floor:
// the channel's default for new clusters must meet it, checked against GKE's live answer
// (`container.getEngineVersions`) at every preview.
import * as container from "@pulumi/gcp/container";
import * as pulumi from "@pulumi/pulumi";

/** "1.35" of "1.35.8-gke.1036000". */
export function gkeMinor(version: string): string {
    const m = /^(\d+)\.(\d+)\./.exec(version);
    if (!m) throw new Error(`not a GKE version: ${JSON.stringify(version)}`);
    return `${m[1]}.${m[2]}`;
}

const minorNumber = (minor: string) => Number(minor.split(".")[1]);

/** Why the channel cannot honour the floor, naming the key; undefined when it can. */
export function versionFloorProblem(
    floor: string,
    channel: string,
    versions: { releaseChannelDefaultVersion?: Record<string, string>; releaseChannelLatestVersion?: Record<string, string> },
): string | undefined {
    const channelDefault = versions.releaseChannelDefaultVersion?.[channel];
    if (!channelDefault) return `slipway:gke.releaseChannel: GKE offers no default version on the ${channel} channel in this location; allowed: RAPID, REGULAR, STABLE`;
    if (minorNumber(gkeMinor(channelDefault)) >= minorNumber(floor)) return undefined;
    const latest = versions.releaseChannelLatestVersion?.[channel];
    return (
        `slipway:cluster.kubernetesVersion: got "${floor}", but GKE's ${channel} channel creates clusters at ${channelDefault}` +
        `${latest ? ` (newest it offers: ${latest})` : ""}; allowed: "${gkeMinor(channelDefault)}" or lower, or a faster slipway:gke.releaseChannel`
    );
}

/**
 * The floor, once GKE's answer shows the channel meets it; rejects with versionFloorProblem's
 * message otherwise, which fails the preview before the cluster is created.
 */
export function checkedVersionFloor(
    floor: string,
    channel: string,
    where: { project: string; region: string },
    opts: pulumi.InvokeOutputOptions,
): pulumi.Output<string> {
    return container.getEngineVersionsOutput({ project: where.project, location: where.region }, opts).apply((versions) => {
        const problem = versionFloorProblem(floor, channel, versions);
        if (problem) throw new Error(problem);
        return floor;
    });
}
