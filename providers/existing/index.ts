// existing target: any cluster the user already has a kubeconfig context for (minikube, kind, RKE2,
// LKE, AKS...). Slipway creates nothing at the cluster level but, where asked, a StorageClass that
// keeps data (reclaimPolicy Retain); it deploys the platform and apps into the cluster.
import type * as k8s from "@pulumi/kubernetes";
import * as storagev1 from "@pulumi/kubernetes/storage/v1";
import * as pulumi from "@pulumi/pulumi";
import type { ExistingConfig, SlipwayConfig } from "../../config";
import { Cluster, GatewayExposure, GatewaySpec } from "../../lib/contracts";
import { kubernetesProviders } from "../kubernetes";
import { traefikGateway } from "../traefik/gateway";

/**
 * The class Slipway creates when `existing.storage` names a provisioner: one per namespace, since
 * StorageClasses are cluster-wide and two stacks sharing a cluster must not fight over one name.
 */
export function existingRetainedStorageClass(namespace: string): string {
    return `slipway-retain-${namespace}`.slice(0, 63).replace(/-+$/, "");
}

/**
 * How long Pulumi waits for a LoadBalancer address on a cluster Slipway did not make: where no
 * load-balancer controller runs, none ever comes, and the default 10 minutes says so soon enough.
 */
export const LOAD_BALANCER_TIMEOUT_SECONDS = 600;
/** Where `kubectl port-forward -n traefik svc/traefik 8080:80 8443:443` (README) serves a ClusterIP gateway. */
export const PORT_FORWARD_PORTS = { http: 8080, https: 8443 } as const;

export interface ExistingClusterArgs {
    readonly name: string;
    readonly existing: ExistingConfig;
    /** The stack's namespace, which names the StorageClass Slipway creates. */
    readonly namespace: string;
}

/** How the installed Traefik is exposed, from `existing.gateway`. */
export function existingExposure(gateway: ExistingConfig["gateway"]): GatewayExposure {
    if (gateway.exposure === "NodePort") return { type: "NodePort", httpNodePort: gateway.nodePorts.http, httpsNodePort: gateway.nodePorts.https };
    if (gateway.exposure === "LoadBalancer") return { type: "LoadBalancer", awaitSeconds: LOAD_BALANCER_TIMEOUT_SECONDS };
    return { type: gateway.exposure };
}

/** The host ports the apps' URLs answer on (none for a LoadBalancer on 80/443). */
export function existingPublicPorts(gateway: ExistingConfig["gateway"]): Cluster["publicPorts"] {
    if (!gateway.install || gateway.exposure === "LoadBalancer") return undefined;
    return gateway.exposure === "NodePort" ? gateway.nodePorts : PORT_FORWARD_PORTS;
}

/** Traefik installed by Slipway, or the Gateway controller a shared cluster already runs. */
export function existingGateway(gateway: ExistingConfig["gateway"]): GatewaySpec {
    if (gateway.install) return { ...traefikGateway, exposure: existingExposure(gateway) };
    return {
        ...traefikGateway,
        className: gateway.className,
        httpPort: gateway.httpPort ?? 80,
        httpsPort: gateway.httpsPort ?? 443,
        installController: false,
        exposure: undefined,
        sources: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": gateway.namespace } } }],
    };
}

/** The message when the class named by `existing.storage.retainedClass` would delete data with its claims. */
export function notRetainedMessage(className: string, reclaimPolicy: string | undefined): string {
    return (
        `slipway:existing.storage.retainedClass: StorageClass "${className}" reclaims with ${reclaimPolicy ?? "Delete (the default)"}, ` +
        `so a deleted claim would take its data; allowed: a class with reclaimPolicy Retain, or { provisioner: ... } for Slipway to create one`
    );
}

export class ExistingCluster extends pulumi.ComponentResource implements Cluster {
    public readonly name: string;
    public readonly provider: k8s.Provider;
    public readonly retainedProvider: k8s.Provider;
    public readonly retainedStorageClass: pulumi.Output<string>;
    public readonly gateway: GatewaySpec;
    public readonly ready: pulumi.Resource[] = [];
    public readonly publicPorts: Cluster["publicPorts"];

    constructor(name: string, args: ExistingClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:cluster:ExistingCluster", name, args, opts);
        this.name = args.name;
        this.gateway = existingGateway(args.existing.gateway);
        this.publicPorts = existingPublicPorts(args.existing.gateway);
        ({ provider: this.provider, retainedProvider: this.retainedProvider } = kubernetesProviders(
            `${name}-k8s`,
            // The provider reads the file itself (or $KUBECONFIG), so no credential enters the state.
            { kubeconfig: args.existing.kubeconfig, context: args.existing.context, clusterIdentifier: `existing-${args.existing.context}` },
            { parent: this },
        ));

        const storage = args.existing.storage;
        if ("retainedClass" in storage) {
            // Read from the cluster, so a class that would delete data fails the preview, not the data.
            const existingClass = storagev1.StorageClass.get(`${name}-retained-class`, storage.retainedClass, { parent: this, provider: this.provider });
            this.retainedStorageClass = existingClass.reclaimPolicy.apply((policy) => {
                if (policy !== "Retain") throw new Error(notRetainedMessage(storage.retainedClass, policy));
                return storage.retainedClass;
            });
        } else {
            const created = new storagev1.StorageClass(
                `${name}-retained`,
                {
                    metadata: { name: existingRetainedStorageClass(args.namespace) },
                    provisioner: storage.provisioner,
                    parameters: storage.parameters,
                    reclaimPolicy: "Retain",
                    // Provisioned where the pod lands (zonal disks, node-local paths).
                    volumeBindingMode: "WaitForFirstConsumer",
                    allowVolumeExpansion: storage.allowVolumeExpansion,
                },
                { parent: this, provider: this.provider },
            );
            this.retainedStorageClass = created.metadata.name;
            this.ready = [created];
        }
        this.registerOutputs({ retainedStorageClass: this.retainedStorageClass });
    }
}

export function createCluster(cfg: SlipwayConfig, opts?: pulumi.ComponentResourceOptions): Cluster {
    return new ExistingCluster(cfg.cluster.name, { name: cfg.cluster.name, existing: cfg.existing!, namespace: cfg.namespace }, opts);
}
