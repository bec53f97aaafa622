// What a bare k3s on Hetzner needs before workloads: the `hcloud` Secret, Hetzner's cloud controller
// manager (node addresses, load balancers) and CSI driver (volumes), both from their pinned charts,
// and the Retain twin of the driver's `hcloud-volumes` class.
import type * as k8s from "@pulumi/kubernetes";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import * as helmv4 from "@pulumi/kubernetes/helm/v4";
import * as storagev1 from "@pulumi/kubernetes/storage/v1";
import * as pulumi from "@pulumi/pulumi";
import { HCLOUD_CCM_CHART, HCLOUD_CSI_CHART } from "../../versions";
import { K3S_CLUSTER_CIDR } from "./cloud-init";

/** The Secret both charts read by default (CCM docs "deploy with networks"; csi-driver values `hcloudToken.existingSecret`). */
export const HCLOUD_SECRET = "hcloud";

/** The CCM's chart values: the private network, the CIDR k3s gives pods, load balancers on private IPs. */
export function ccmValues(location: string) {
    return {
        // Node addresses and load-balancer targets in the private network (adds --allocate-node-cidrs and --cluster-cidr).
        networking: { enabled: true, clusterCIDR: K3S_CLUSTER_CIDR },
        env: {
            // Flannel (VXLAN over the private interface) routes pods itself; pod CIDR routes in the
            // Hetzner network are neither needed nor inside its range.
            HCLOUD_NETWORK_ROUTES_ENABLED: { value: "false" },
            HCLOUD_LOAD_BALANCERS_LOCATION: { value: location },
            HCLOUD_LOAD_BALANCERS_USE_PRIVATE_IP: { value: "true" },
        },
    };
}

export interface HetznerAddonsArgs {
    readonly token: pulumi.Input<string>;
    readonly networkId: pulumi.Input<number>;
    readonly location: string;
    readonly retainedClass: string;
    readonly provider: k8s.Provider;
}

export function hetznerAddons(name: string, args: HetznerAddonsArgs, parent: pulumi.Resource): pulumi.Resource[] {
    const o = { parent, provider: args.provider };
    const secret = new corev1.Secret(
        `${name}-hcloud-secret`,
        { metadata: { name: HCLOUD_SECRET, namespace: "kube-system" }, type: "Opaque", stringData: pulumi.secret({ token: args.token, network: pulumi.output(args.networkId).apply(String) }) },
        o,
    );
    const chart = (resource: string, spec: { chart: string; version: string; repo: string }, values: Record<string, unknown>) =>
        new helmv4.Chart(resource, { chart: spec.chart, version: spec.version, repositoryOpts: { repo: spec.repo }, namespace: "kube-system", values }, { ...o, dependsOn: [secret] });
    const ccm = chart(`${name}-ccm`, HCLOUD_CCM_CHART, ccmValues(args.location));
    // The chart makes `hcloud-volumes` (default, Delete, WaitForFirstConsumer, expandable).
    const csi = chart(`${name}-csi`, HCLOUD_CSI_CHART, {});
    const retained = new storagev1.StorageClass(
        `${name}-volumes-retain`,
        {
            metadata: { name: args.retainedClass },
            provisioner: "csi.hetzner.cloud",
            reclaimPolicy: "Retain",
            volumeBindingMode: "WaitForFirstConsumer",
            allowVolumeExpansion: true,
        },
        o,
    );
    return [ccm, csi, retained];
}
