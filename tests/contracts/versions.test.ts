// Versions are facts of today's date: every Kubernetes minor and Postgres major a stack may pick
// is inside its upstream support window on the day the tests run (so CI turns red the day one
// ends, naming what to bump in versions.ts), and every pinned image belongs to the line it is filed under.
import { parseConfig } from "../../config";
import { podSecurityLabels } from "../../components/platform/platform";
import { DEFAULT_KUBERNETES_VERSION, K3S_IMAGES, KUBERNETES_MINORS, KUBERNETES_VERSIONS, POSTGRES_IMAGES, POSTGRES_MAJORS, POSTGRES_VERSIONS } from "../../versions";

const today = new Date().toISOString().slice(0, 10);

test.each(KUBERNETES_VERSIONS)("Kubernetes %s is in upstream support today (kubernetes.io/releases)", (minor) => {
    const { endOfLife, source } = KUBERNETES_MINORS[minor];
    expect(source).toMatch(/kubernetes\.io\/releases/);
    expect({ minor, endOfLife, pastEndOfLife: endOfLife < today }).toEqual({ minor, endOfLife, pastEndOfLife: false });
});

test.each(POSTGRES_VERSIONS)("PostgreSQL %s is in community support today (postgresql.org/support/versioning)", (major) => {
    const { endOfLife } = POSTGRES_MAJORS[major];
    expect({ major, endOfLife, pastEndOfLife: endOfLife < today }).toEqual({ major, endOfLife, pastEndOfLife: false });
});

test("the default minor is one of them, and minors are consecutive (upgrades go one minor at a time)", () => {
    expect(KUBERNETES_VERSIONS).toContain(DEFAULT_KUBERNETES_VERSION);
    const minors = KUBERNETES_VERSIONS.map((v) => Number(v.split(".")[1]));
    minors.forEach((m, i) => i > 0 && expect(m).toBe(minors[i - 1] + 1));
});

test.each(KUBERNETES_VERSIONS)("k3s image of %s is a k3s release of that minor (rancher/k3s:v1.X.Y-k3sN)", (minor) => {
    expect(K3S_IMAGES[minor]).toMatch(new RegExp(`^rancher/k3s:v${minor.replace(".", "\\.")}\\.\\d+-k3s\\d+$`));
});

test.each(POSTGRES_VERSIONS)("postgres image of %s is that major, a pinned minor, Debian bookworm", (major) => {
    expect(POSTGRES_IMAGES[major]).toMatch(new RegExp(`^postgres:${major}\\.\\d+-bookworm$`));
});

test("a minor past end of life (1.34 ended 2026-10-27) and Postgres 14 (ended 2026-11-12) are refused by config", () => {
    const parse = (cluster: object, database?: object) =>
        () => parseConfig({ target: "k3d", cluster: { name: "shop", ...cluster }, ...(database ? { database } : {}) }, { stack: "t", secretKeys: new Set() });
    expect(parse({ kubernetesVersion: "1.34" })).toThrow(/slipway:cluster\.kubernetesVersion.*"1\.34"/);
    expect(parse({}, { version: "14", databases: [{ name: "shop" }] })).toThrow(/slipway:database\.version.*"14"/);
});

test("Pod Security is pinned to the cluster's minor (pod-security.kubernetes.io/enforce-version accepts v1.X)", () => {
    for (const minor of KUBERNETES_VERSIONS) expect(podSecurityLabels(minor)["pod-security.kubernetes.io/enforce-version"]).toBe(`v${minor}`);
});

// kubernetes/autoscaler cluster-autoscaler README, "Releases": use the release whose minor matches
// the cluster's. Every minor the EKS target accepts must have one pinned.
test("every minor EKS accepts has a Cluster Autoscaler image of the same minor", () => {
    const { EKS_MINORS } = require("../../providers/eks/settings") as typeof import("../../providers/eks/settings");
    const { CLUSTER_AUTOSCALER_IMAGE_TAGS } = require("../../versions") as typeof import("../../versions");
    for (const minor of EKS_MINORS) expect(`${minor}: ${CLUSTER_AUTOSCALER_IMAGE_TAGS[minor]}`).toMatch(new RegExp(`^${minor.replace(".", "\\.")}: v${minor.replace(".", "\\.")}\\.\\d+$`));
});
