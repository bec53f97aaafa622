// Every version Slipway pins that ages with the calendar, in one place to bump: Kubernetes minors
// (and the k3s image of each), PostgreSQL majors (and their images). Each entry names where its
// support window and tag were confirmed; tests/contracts/versions.test.ts fails once today's date
// passes an end of life, so a stale pin is caught by CI, not by a cluster that refuses it.

export interface SupportWindow {
    /** Last day the upstream project supports it (ISO date). */
    readonly endOfLife: string;
    /** Where the date was confirmed. */
    readonly source: string;
}

/**
 * Kubernetes minors in upstream support on 2026-11-29 (kubernetes.io/releases: 1.34 ended
 * 2026-10-27). Upgrade one minor at a time: the API server supports skew of one minor only.
 */
export const KUBERNETES_MINORS = {
    "1.35": { endOfLife: "2027-02-28", source: "https://kubernetes.io/releases/ (1.35: maintenance from 2026-12-28, EOL 2027-02-28)" },
    "1.36": { endOfLife: "2027-06-28", source: "https://kubernetes.io/releases/ (1.36: released 2026-04-22, EOL 2027-06-28)" },
    "1.37": { endOfLife: "2027-10-28", source: "https://kubernetes.io/releases/ (1.37: released 2026-08-26, EOL 2027-10-28)" },
} as const satisfies Record<string, SupportWindow>;
export type KubernetesMinor = keyof typeof KUBERNETES_MINORS;
export const KUBERNETES_VERSIONS = Object.keys(KUBERNETES_MINORS) as KubernetesMinor[];
/** New stacks start on the oldest supported minor that every target offers (GKE REGULAR's default is 1.35). */
export const DEFAULT_KUBERNETES_VERSION: KubernetesMinor = "1.35";

/**
 * k3s image per minor (Docker Hub `rancher/k3s`, where the release's `+` becomes `-`): the newest
 * patch of each line confirmed in k3s's own release notes (github.com/k3s-io/k3s/releases:
 * v1.37.2+k3s1 of 2026-11-03; v1.36.4+k3s1 and v1.35.8+k3s1 of August 2026). They bundle
 * local-path-provisioner v0.0.37, which insists on a pathPattern below `<namespace>/<pvc>/`
 * (see providers/k3d.ts). Bump to a newer patch of the same line freely; a new minor needs a
 * new entry in KUBERNETES_MINORS too.
 */
export const K3S_IMAGES: Record<KubernetesMinor, string> = {
    "1.35": "rancher/k3s:v1.35.8-k3s1",
    "1.36": "rancher/k3s:v1.36.4-k3s1",
    "1.37": "rancher/k3s:v1.37.2-k3s1",
};

/** The k3s release of a minor as its installer takes it (`INSTALL_K3S_VERSION=v1.35.8+k3s1`): the same pin as the image. */
export function k3sRelease(minor: KubernetesMinor): string {
    return K3S_IMAGES[minor].split(":")[1].replace(/-k3s(\d+)$/, "+k3s$1");
}

/**
 * Hetzner's cloud controller manager and CSI driver charts (repo charts.hetzner.cloud; Chart.yaml
 * of hetznercloud/hcloud-cloud-controller-manager v1.35.0, 2026-08-11, and hetznercloud/csi-driver
 * v2.22.1, 2026-07-30). Both version policies list Kubernetes 1.33-1.36.
 */
export const HCLOUD_CCM_CHART = { chart: "hcloud-cloud-controller-manager", version: "1.35.0", repo: "https://charts.hetzner.cloud" } as const;
export const HCLOUD_CSI_CHART = { chart: "hcloud-csi", version: "2.22.1", repo: "https://charts.hetzner.cloud" } as const;

/**
 * rclone, which copies the backup dumps to S3-compatible storage (`database.backup.offsite`):
 * Docker Hub `rclone/rclone`, 1.75.1 (the newest tag seen in public manifests of 2026; rclone.org
 * changelog). Multi-arch, so arm64 (Hetzner CAX) nodes run it too.
 */
export const RCLONE_IMAGE = "rclone/rclone:1.75.1";

/**
 * PostgreSQL majors in community support (postgresql.org/support/versioning: 14 ended
 * 2026-11-12). 15+ also matter to us because their psql has `\getenv`, which the server's
 * postStart password sync uses.
 */
export const POSTGRES_MAJORS = {
    "15": { endOfLife: "2027-11-11", source: "https://www.postgresql.org/support/versioning/" },
    "16": { endOfLife: "2028-11-09", source: "https://www.postgresql.org/support/versioning/" },
    "17": { endOfLife: "2029-11-08", source: "https://www.postgresql.org/support/versioning/" },
    "18": { endOfLife: "2030-11-14", source: "https://www.postgresql.org/support/versioning/" },
} as const satisfies Record<string, SupportWindow>;
export type PostgresMajor = keyof typeof POSTGRES_MAJORS;
export const POSTGRES_VERSIONS = Object.keys(POSTGRES_MAJORS) as PostgresMajor[];

/**
 * Official postgres images per major, Debian bookworm variants, as listed by
 * docker-library/official-images `library/postgres` (2026-08-13). From 18 the image's default
 * PGDATA moved to /var/lib/postgresql/18/docker; Slipway sets PGDATA itself (postgres.ts), which
 * the entrypoint honours.
 */
export const POSTGRES_IMAGES: Record<PostgresMajor, string> = {
    "15": "postgres:15.19-bookworm",
    "16": "postgres:16.15-bookworm",
    "17": "postgres:17.11-bookworm",
    "18": "postgres:18.6-bookworm",
};

/** Redis 7.4 is supported until 2029-12-01 (redis/docs version-mgmt.md); official-images lists 7.4.11-bookworm. */
export const REDIS_IMAGE = "redis:7.4.11-bookworm";

/**
 * PgBouncer 1.25.2 (2026-05-08, four CVEs fixed), the newest release; cloudnative-pg's image of
 * it (pgbouncer-containers docker-bake.hcl). 1.25.0 failed SCRAM logins after a server reconnect
 * (pgbouncer#1418, fixed in 1.25.1).
 */
export const PGBOUNCER_IMAGE = "ghcr.io/cloudnative-pg/pgbouncer:1.25.2";

/**
 * Traefik chart 41.3.0 (2026-08-21) ships Traefik v3.7.11 (Chart.yaml appVersion), whose Gateway
 * API provider implements the standard channel v1.5.1 (traefik go.mod `sigs.k8s.io/gateway-api
 * v1.5.1`); since chart 41 the CRDs are not in the chart and are installed from that release.
 */
export const TRAEFIK_CHART = { chart: "traefik", version: "41.3.0", repo: "https://traefik.github.io/charts" } as const;
export const GATEWAY_API_VERSION = "v1.5.1";

/**
 * Cluster Autoscaler on EKS: chart 9.59.0 (tag cluster-autoscaler-chart-9.59.0, 2026-07-21,
 * kubernetes/autoscaler cluster-autoscaler/charts/cluster-autoscaler/Chart.yaml). Its image's minor
 * must match the cluster's (cluster-autoscaler README "Releases"): the newest patch of each, from the
 * tags cluster-autoscaler-1.35.2 and cluster-autoscaler-1.36.1 (2026-07-22, version.go).
 */
export const CLUSTER_AUTOSCALER_CHART = { chart: "cluster-autoscaler", version: "9.59.0", repo: "https://kubernetes.github.io/autoscaler" } as const;
export const CLUSTER_AUTOSCALER_IMAGE_TAGS: Partial<Record<KubernetesMinor, string>> = { "1.35": "v1.35.2", "1.36": "v1.36.1" };
