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
 * k3s image per minor (k3d and its Docker Hub image `rancher/k3s`, where `+` becomes `-`). Newest
 * patch of each line in the k3s release notes (github.com/k3s-io/k3s/releases, docs.k3s.io
 * release-notes/v1.3x.X). All bundle local-path-provisioner v0.0.36+, which insists on a
 * pathPattern below `<namespace>/<pvc>/` (see providers/k3d.ts).
 */
export const K3S_IMAGES: Record<KubernetesMinor, string> = {
    "1.35": "rancher/k3s:v1.35.9-k3s1",
    "1.36": "rancher/k3s:v1.36.5-k3s1",
    "1.37": "rancher/k3s:v1.37.2-k3s1",
};

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

/** Official postgres images per major, Debian bookworm variants (docker-library/official-images `library/postgres`). */
export const POSTGRES_IMAGES: Record<PostgresMajor, string> = {
    "15": "postgres:15.15-bookworm",
    "16": "postgres:16.11-bookworm",
    "17": "postgres:17.7-bookworm",
    "18": "postgres:18.1-bookworm",
};
