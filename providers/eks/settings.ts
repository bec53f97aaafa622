// The EKS target's fixed settings: versions EKS offers, machine sizes, subnet plan and kubeconfig.
import type { KubernetesMinor } from "../../versions";
import type { NodeSize } from "../../lib/schema";

/**
 * Minors in EKS standard support on 2026-11-29 (docs.aws.amazon.com/eks "Kubernetes versions";
 * 14 months each): 1.35 (to 2027-03-27), 1.36 (to 2027-08-02). 1.37 is not on EKS yet
 * (aws/containers-roadmap#2864 open), so a stack on it is refused.
 */
export const EKS_MINORS: readonly KubernetesMinor[] = ["1.35", "1.36"];

/** Node sizes: current-generation general purpose (8 GiB per 2 vCPU), Nitro, EBS-optimised. */
export const EKS_INSTANCE_TYPES: Record<NodeSize, string> = { small: "m7i.large", medium: "m7i.xlarge", large: "m7i.2xlarge" };

/** RDS classes: burstable for small, Graviton memory-balanced above (Multi-AZ doubles them). */
export const RDS_INSTANCE_CLASSES: Record<NodeSize, string> = { small: "db.t4g.medium", medium: "db.m7g.large", large: "db.m7g.xlarge" };

/** cache.m7g.xlarge's memory for data (12.93 GiB, ElastiCache node types); more is refused on eks. */
export const VALKEY_MAX_MEMORY_MB = 13240;

/** The smallest Valkey node that holds `memoryMb` (usable memory per node type, ElastiCache docs). */
export function valkeyNodeType(memoryMb: number): string {
    if (memoryMb <= 1300) return "cache.t4g.small";
    if (memoryMb <= 3000) return "cache.t4g.medium";
    if (memoryMb <= 6300) return "cache.m7g.large";
    return "cache.m7g.xlarge";
}

/** Three /20 private subnets (nodes, RDS, Valkey) and three /24 public ones (NAT, load balancers) of a 10.x.0.0/16. */
export function subnetPlan(vpcCidr: string): { private: string[]; public: string[] } {
    const second = vpcCidr.split(".")[1];
    return {
        private: [0, 16, 32].map((third) => `10.${second}.${third}.0/20`),
        public: [48, 49, 50].map((third) => `10.${second}.${third}.0/24`),
    };
}

/** A kubeconfig (JSON) for the cluster's endpoint and CA that authenticates with `aws eks get-token`: no credential in it. */
export function eksKubeconfig(clusterName: string, region: string, endpoint: string, caData: string): string {
    const context = `eks_${region}_${clusterName}`;
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: context, cluster: { server: endpoint, "certificate-authority-data": caData } }],
        contexts: [{ name: context, context: { cluster: context, user: context } }],
        "current-context": context,
        users: [
            {
                name: context,
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "aws",
                        args: ["eks", "get-token", "--cluster-name", clusterName, "--region", region, "--output", "json"],
                        interactiveMode: "Never",
                    },
                },
            },
        ],
    });
}
