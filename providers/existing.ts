// existing target: any cluster the user already has a kubeconfig context for (minikube, kind, RKE2,
// LKE, AKS...). Slipway creates nothing at the cluster level; it deploys the platform and apps into it.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ExistingConfig, SlipwayConfig } from "../config";
import { Cluster, GatewaySpec, kubernetesProvider, traefikGateway } from "./cluster";

export interface ExistingClusterArgs {
    readonly name: string;
    readonly existing: ExistingConfig;
}

/** Traefik installed by Slipway, or the Gateway controller a shared cluster already runs. */
export function existingGateway(gateway: ExistingConfig["gateway"]): GatewaySpec {
    if (gateway.install) return traefikGateway;
    return {
        ...traefikGateway,
        className: gateway.className,
        httpPort: gateway.httpPort ?? 80,
        httpsPort: gateway.httpsPort ?? 443,
        installController: false,
        sources: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": gateway.namespace } } }],
    };
}

export class ExistingCluster extends pulumi.ComponentResource implements Cluster {
    public readonly name: string;
    public readonly provider: k8s.Provider;
    public readonly storageClass?: string;
    // Slipway cannot know a Retain class it did not create, so unless the user names one, stateful
    // data relies on PVC retention (StatefulSet policy Retain) and the default class.
    public readonly retainedStorageClass?: string;
    public readonly gateway: GatewaySpec;
    public readonly ready: pulumi.Resource[] = [];

    constructor(name: string, args: ExistingClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:cluster:ExistingCluster", name, args, opts);
        this.name = args.name;
        this.storageClass = args.existing.storageClass;
        this.retainedStorageClass = args.existing.storageClass;
        this.gateway = existingGateway(args.existing.gateway);
        this.provider = kubernetesProvider(
            `${name}-k8s`,
            // The provider reads the file itself (or $KUBECONFIG), so no credential enters the state.
            { kubeconfig: args.existing.kubeconfig, context: args.existing.context, clusterIdentifier: `existing-${args.existing.context}` },
            { parent: this },
        );
        this.registerOutputs({});
    }
}

export function createCluster(cfg: SlipwayConfig): Cluster {
    return new ExistingCluster(cfg.cluster.name, { name: cfg.cluster.name, existing: cfg.existing! });
}
