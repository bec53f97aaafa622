// What the cloud lookups (provider functions) the program makes would answer, for the offline plan
// and tests: dated snapshots, never live data. Any other lookup is an error, so a new one cannot
// slip in unnoticed. `pulumi preview` asks the real APIs.

/**
 * GKE's release channels in us-central1 as the GKE release notes give them (2026-09-23): the default
 * version for new clusters per channel and the newest one offered.
 */
export const GKE_ENGINE_VERSIONS_SNAPSHOT = {
    defaultClusterVersion: "1.35.8-gke.1225000",
    latestMasterVersion: "1.37.1-gke.1120000",
    releaseChannelDefaultVersion: { RAPID: "1.36.4-gke.1391000", REGULAR: "1.35.8-gke.1036000", STABLE: "1.34.6-gke.1307000" },
    releaseChannelLatestVersion: { RAPID: "1.37.1-gke.1120000", REGULAR: "1.36.4-gke.1391000", STABLE: "1.35.8-gke.1036000" },
    validMasterVersions: ["1.37.1-gke.1120000", "1.36.4-gke.1391000", "1.35.8-gke.1225000", "1.35.8-gke.1036000", "1.34.6-gke.1307000"],
};

const OFFLINE_CA = "-----BEGIN CERTIFICATE-----\noffline CA\n-----END CERTIFICATE-----\n";

/** The answer to one provider function call, by its token; throws for any other. */
export function offlineInvoke(token: string, args: Record<string, any>): Record<string, any> {
    switch (token) {
        case "gcp:container/getEngineVersions:getEngineVersions":
            return { ...GKE_ENGINE_VERSIONS_SNAPSHOT, location: args.location, project: args.project };
        case "gcp:sql/getCaCerts:getCaCerts":
            // During a rotation Cloud SQL lists two CAs; the offline answer shows that case.
            return { instance: args.instance, activeVersion: "offline-2", certs: [{ cert: OFFLINE_CA, sha1Fingerprint: "offline-1" }, { cert: OFFLINE_CA.replace("offline", "offline next"), sha1Fingerprint: "offline-2" }] };
        case "gcp:organizations/getProject:getProject":
            return { projectId: args.projectId, number: "123456789012", name: args.projectId };
        case "aws:index/getAvailabilityZones:getAvailabilityZones":
            return availabilityZones(args);
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId: "123456789012", arn: "arn:aws:sts::123456789012:assumed-role/deployer/offline", userId: "AROAOFFLINE:offline" };
        case "aws:iam/getSessionContext:getSessionContext":
            return { arn: args.arn, issuerArn: "arn:aws:iam::123456789012:role/deployer", issuerId: "AROAOFFLINE", issuerName: "deployer", sessionName: "offline" };
        case "aws:eks/getAddonVersion:getAddonVersion":
            // Offline there is no catalogue; the name says where a real version would come from.
            return { addonName: args.addonName, kubernetesVersion: args.kubernetesVersion, version: `offline-latest-for-${args.kubernetesVersion}` };
        case "digitalocean:index/getKubernetesVersions:getKubernetesVersions":
            return doksVersions(args.versionPrefix);
        case "digitalocean:index/getKubernetesCluster:getKubernetesCluster":
            // A fresh token each call, lasting what was asked (DO's `kubeconfig_expire_seconds`).
            return { name: args.name, kubeConfigs: [{ rawConfig: `apiVersion: v1\nkind: Config\n# offline token for ${args.name}, ${args.kubeconfigExpireSeconds} s\n`, expiresAt: "2026-11-29T04:00:00Z" }] };
        case "digitalocean:index/getDatabaseCa:getDatabaseCa":
            return { clusterId: args.clusterId, certificate: OFFLINE_CA };
        default:
            throw new Error(`unexpected provider function call ${token}: add its offline answer to scripts/offline-invokes.ts`);
    }
}

/**
 * An account's zones as EC2 lists them, including the kinds a query has to leave out: the first
 * name maps to a zone ID EKS refuses, and a Local Zone the account opted into. The query's
 * excludeZoneIds and opt-in-status filter apply as EC2 applies them.
 */
const OFFLINE_ZONES = [
    { name: "offline-zone-a", zoneId: "use1-az3", optInStatus: "opt-in-not-required" },
    { name: "offline-zone-b", zoneId: "use1-az1", optInStatus: "opt-in-not-required" },
    { name: "offline-local-zone-bos-1a", zoneId: "use1-bos1-az1", optInStatus: "opted-in" },
    { name: "offline-zone-c", zoneId: "use1-az2", optInStatus: "opt-in-not-required" },
    { name: "offline-zone-d", zoneId: "use1-az4", optInStatus: "opt-in-not-required" },
];

function availabilityZones(args: Record<string, any>): Record<string, unknown> {
    const excluded = new Set<string>(args.excludeZoneIds ?? []);
    const optIn = (args.filters ?? []).find((f: { name: string }) => f.name === "opt-in-status")?.values as string[] | undefined;
    const zones = OFFLINE_ZONES.filter((z) => !excluded.has(z.zoneId) && (!optIn || optIn.includes(z.optInStatus)));
    return { names: zones.map((z) => z.name), zoneIds: zones.map((z) => z.zoneId), state: args.state };
}

/**
 * DOKS version slugs as the API lists them, newest first (the patches of public 2026 fixtures; the
 * `-do.N` suffix is DO's build). A prefix with no release answers an empty list, as the API does.
 */
export const DOKS_VERSIONS_SNAPSHOT = ["1.36.1-do.0", "1.36.0-do.3", "1.35.6-do.0", "1.35.1-do.6"];

function doksVersions(prefix: string | undefined): Record<string, unknown> {
    const valid = DOKS_VERSIONS_SNAPSHOT.filter((v) => !prefix || v.startsWith(prefix));
    return { versionPrefix: prefix, validVersions: valid, latestVersion: valid[0] ?? "" };
}
