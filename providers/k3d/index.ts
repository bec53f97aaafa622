// k3d target: a k3s cluster in Docker on the developer's machine, built so that a PC restart,
// `k3d cluster stop/start`, or even deleting and re-creating the cluster keeps every volume's data.
import type * as k8s from "@pulumi/kubernetes";
import * as storagev1 from "@pulumi/kubernetes/storage/v1";
import * as pulumi from "@pulumi/pulumi";
import * as os from "os";
import * as path from "path";
import type { K3dConfig, SlipwayConfig } from "../../config";
import { K3S_IMAGES, KubernetesMinor } from "../../versions";
import { Cluster } from "../../lib/contracts";
import { K3dClusterResource } from "./lifecycle";
import { kubernetesProviders } from "../kubernetes";
import { traefikGateway } from "../traefik/gateway";

export { K3S_IMAGES };

/** Where local-path keeps volumes inside every k3s node; bind-mounted from the host data dir. */
export const K3S_STORAGE_PATH = "/var/lib/rancher/k3s/storage";

/** Where each retained volume lives under K3S_STORAGE_PATH: the same folder for the same claim, always. */
export const LOCAL_PATH_PATTERN = "{{ .PVC.Namespace }}/{{ .PVC.Name }}/";

/** The StorageClass whose volumes are found again by a re-created cluster. */
export const RETAINED_STORAGE_CLASS = "local-path-retain";

/** Resolves the host folder holding the cluster's volumes: `dataDir`, or ~/.slipway/<cluster>/data. */
export function resolveDataDir(k3d: K3dConfig, clusterName: string, home = os.homedir()): string {
    const dir = dataDirAsWritten(k3d, clusterName);
    return dir.startsWith("~") ? path.join(home, dir.slice(1)) : dir;
}

/** The data dir as the config says it (`~` unexpanded), so it reads the same for every user. */
export function dataDirAsWritten(k3d: K3dConfig, clusterName: string): string {
    return k3d.dataDir ?? path.join("~", ".slipway", clusterName, "data");
}

/** The k3d `Simple` config (k3d.io/v1alpha5) for this stack; validated against k3d's schema in tests. */
export function k3dClusterConfig(name: string, version: KubernetesMinor, k3d: K3dConfig, dataDir: string) {
    return {
        apiVersion: "k3d.io/v1alpha5",
        kind: "Simple",
        metadata: { name },
        servers: k3d.servers,
        agents: k3d.agents,
        image: K3S_IMAGES[version],
        // A fixed API port keeps the kubeconfig valid across restarts.
        kubeAPI: { host: "127.0.0.1", hostIP: "127.0.0.1", hostPort: String(k3d.apiPort) },
        // A fixed subnet: k3d then gives servers static IPs from it, which they keep after a reboot.
        // No `network` key: k3d treats a named network as external and refuses a subnet for it
        // ("cannot specify subnet for exiting network"); unnamed, it creates `k3d-<name>` itself.
        subnet: k3d.subnet,
        volumes: [{ volume: `${dataDir}:${K3S_STORAGE_PATH}`, nodeFilters: ["all"] }],
        // Bound to k3d.hostIP (loopback by default): without a host IP Docker publishes on every
        // interface, and the apps would answer anyone on the same café Wi-Fi.
        ports: [
            { port: `${k3d.hostIP}:${k3d.httpPort}:80`, nodeFilters: ["loadbalancer"] },
            { port: `${k3d.hostIP}:${k3d.httpsPort}:443`, nodeFilters: ["loadbalancer"] },
        ],
        options: {
            k3d: { wait: true, timeout: "300s" },
            k3s: {
                // One Traefik chart (with its Gateway API provider) serves every target, so k3s's own goes.
                extraArgs: [{ arg: "--disable=traefik", nodeFilters: ["server:*"] }],
            },
            // Pulumi owns the kubeconfig; the user's ~/.kube/config is left alone.
            kubeconfig: { updateDefaultKubeconfig: false, switchCurrentContext: false },
        },
    };
}

export interface K3dClusterArgs {
    /** Cluster name (k3d prefixes containers with `k3d-`). */
    readonly name: string;
    readonly kubernetesVersion: KubernetesMinor;
    readonly k3d: K3dConfig;
}

/** A k3d cluster created by the k3d CLI, plus a StorageClass whose volumes outlive the cluster. */
export class K3dCluster extends pulumi.ComponentResource implements Cluster {
    public readonly name: string;
    public readonly provider: k8s.Provider;
    public readonly retainedProvider: k8s.Provider;
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly storageClass = "local-path";
    public readonly retainedStorageClass = RETAINED_STORAGE_CLASS;
    public readonly gateway = traefikGateway;
    public readonly dataDir: string;
    public readonly ready: pulumi.Resource[];
    public readonly publicPorts: { readonly http: number; readonly https: number };

    constructor(name: string, args: K3dClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:cluster:K3dCluster", name, args, opts);
        this.name = args.name;
        this.dataDir = resolveDataDir(args.k3d, args.name);
        this.publicPorts = { http: args.k3d.httpPort, https: args.k3d.httpsPort };
        // The config as written (data dir with `~`): the same stack run by another user or under
        // sudo must not see a change and re-create the cluster.
        const cluster = new K3dClusterResource(
            `${name}-k3d`,
            {
                name: args.name,
                config: JSON.stringify(k3dClusterConfig(args.name, args.kubernetesVersion, args.k3d, dataDirAsWritten(args.k3d, args.name))),
                dataDir: dataDirAsWritten(args.k3d, args.name),
            },
            { parent: this },
        );
        this.kubeconfig = pulumi.secret(cluster.kubeconfig);

        ({ provider: this.provider, retainedProvider: this.retainedProvider } = kubernetesProviders(
            `${name}-k8s`,
            {
                kubeconfig: this.kubeconfig,
                // A re-created cluster is a new cluster: the provider is replaced with it, so every
                // Kubernetes resource is deleted from the old one (before `k3d cluster delete`, which
                // replaces first) and created again in the new one, its retained volumes rebound.
                // No deleteUnreachable: a `pulumi refresh` while Docker is stopped must not drop the
                // stack's objects from state. A cluster deleted by hand is recovered with
                // `PULUMI_K8S_DELETE_UNREACHABLE=true pulumi up --refresh` (README).
                clusterIdentifier: pulumi.interpolate`k3d-${cluster.id}`,
            },
            { parent: this },
        ));

        // local-path names a volume's folder after the random PV name; a path from the PVC's
        // namespace/name is what lets a re-created cluster find the same data on the host.
        // local-path-provisioner v0.0.33+ (bundled by every k3s in versions.ts) refuses a pattern
        // that does not render below `<namespace>/<pvc>/`, trailing slash included (its README).
        const retained = new storagev1.StorageClass(
            `${name}-retained`,
            {
                metadata: { name: RETAINED_STORAGE_CLASS },
                provisioner: "rancher.io/local-path",
                reclaimPolicy: "Retain",
                volumeBindingMode: "WaitForFirstConsumer",
                allowVolumeExpansion: false,
                parameters: { pathPattern: LOCAL_PATH_PATTERN },
            },
            { parent: this, provider: this.provider },
        );
        this.ready = [retained];

        this.registerOutputs({ kubeconfig: this.kubeconfig, dataDir: this.dataDir });
    }
}

export function createCluster(cfg: SlipwayConfig, opts?: pulumi.ComponentResourceOptions): Cluster {
    return new K3dCluster(
        cfg.cluster.name,
        {
            name: cfg.cluster.name,
            kubernetesVersion: cfg.cluster.kubernetesVersion,
            k3d: cfg.k3d!,
        },
        opts,
    );
}
