// The GKE target's fixed settings: its gateway, storage classes, maintenance window, the APIs it
// enables and the kubeconfig it writes. Plain values and pure functions, tested directly.
import type { GatewaySpec } from "../../lib/contracts";

/** Google's load balancer proxies and health checkers: where gateway traffic reaches pods from. */
export const GOOGLE_LB_SOURCE_RANGES = ["35.191.0.0/16", "130.211.0.0/22"] as const;

/**
 * GKE's own Gateway controller (enabled on the cluster), global external Application Load Balancer.
 * With container-native load balancing the proxies connect to pod IPs directly, from Google's LB
 * ranges, so those are what the apps' NetworkPolicies admit (Dataplane V2 enforces them).
 */
export const GKE_GATEWAY: Omit<GatewaySpec, "attachments"> = {
    className: "gke-l7-global-external-managed",
    httpPort: 80,
    httpsPort: 443,
    installController: false,
    healthCheckPolicies: true,
    sources: GOOGLE_LB_SOURCE_RANGES.map((cidr) => ({ ipBlock: { cidr } })),
};

/** GKE's default RWO class (PD CSI, pd-balanced); its volumes are deleted with their PVC. */
export const GKE_STORAGE_CLASS = "standard-rwo";
/** The same disks with reclaimPolicy Retain: a deleted PVC leaves its disk (and data) behind. */
export const GKE_RETAINED_STORAGE_CLASS = "standard-rwo-retain";

/** Weekend nights (UTC), 6 hours each: 12 h/week, above GKE's 48 h per 32 days minimum. */
export const GKE_MAINTENANCE_WINDOW = {
    startTime: "2025-01-04T03:00:00Z",
    endTime: "2025-01-04T09:00:00Z",
    recurrence: "FREQ=WEEKLY;BYDAY=SA,SU",
};

/** APIs the stack needs, decided from plain config so previews show exactly what is enabled. */
export function requiredApis(managedDatabase: boolean, managedCache: boolean): string[] {
    return [
        "compute.googleapis.com",
        "container.googleapis.com",
        "iam.googleapis.com",
        "cloudresourcemanager.googleapis.com",
        "servicenetworking.googleapis.com",
        // The Gateway's Google-managed certificates (cheap to enable, needed as soon as an app sets ingress.tls).
        "certificatemanager.googleapis.com",
        // The cluster's Secrets are encrypted with a Cloud KMS key (gke-secrets-encryption.ts).
        "cloudkms.googleapis.com",
        ...(managedDatabase ? ["sqladmin.googleapis.com"] : []),
        ...(managedCache ? ["redis.googleapis.com"] : []),
    ];
}

/** A kubeconfig (JSON, which is YAML) for the DNS endpoint that authenticates with gke-gcloud-auth-plugin: no key, no CA in it. */
export function gkeKubeconfig(contextName: string, dnsEndpoint: string): string {
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: contextName, cluster: { server: `https://${dnsEndpoint}` } }],
        contexts: [{ name: contextName, context: { cluster: contextName, user: contextName } }],
        "current-context": contextName,
        users: [
            {
                name: contextName,
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "gke-gcloud-auth-plugin",
                        installHint: "Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin",
                        provideClusterInfo: true,
                        interactiveMode: "Never",
                    },
                },
            },
        ],
    });
}
