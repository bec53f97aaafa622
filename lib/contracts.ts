// What the layers share (DESIGN.md "The layers"): the one interface every cluster target returns,
// and the types and constants the platform, data and app layers agree on. Every layer imports this
// module; it imports none of theirs, so no import runs back up the data flow.
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ManagedCacheFactory } from "./cache-types";
import type { ManagedDatabaseFactory } from "./database-types";

/** What the stack's Gateway needs from the target: certificates for its HTTPS hosts and, on clouds, a static address. */
export interface GatewayAttachments {
    readonly annotations?: Record<string, pulumi.Input<string>>;
    /** Secrets (in the Gateway's namespace) holding the certificate the HTTPS listener terminates with. */
    readonly certificateRefs?: { name: pulumi.Input<string> }[];
    readonly addresses?: { type: string; value: pulumi.Input<string> }[];
}

/** Creates what the Gateway needs for `hosts` (the apps' `ingress.tls` hosts; possibly none). */
export type GatewayAttachmentsFactory = (
    name: string,
    args: { readonly hosts: readonly string[]; readonly namespace: pulumi.Input<string>; readonly provider: k8s.Provider },
    opts: pulumi.ComponentResourceOptions,
) => GatewayAttachments;

/**
 * How the Traefik that Slipway installs is reached from outside: a LoadBalancer Service (clouds,
 * k3d's servicelb), NodePorts (bare metal, kind with port mappings), or only inside the cluster
 * (`kubectl port-forward`). Pulumi awaits a LoadBalancer's address, which never comes where no
 * load-balancer controller runs, so that choice must match the cluster.
 */
export type GatewayExposure =
    /** awaitSeconds: how long Pulumi waits for the address (READY_TIMEOUT_SECONDS when not set). */
    | { readonly type: "LoadBalancer"; readonly awaitSeconds?: number; readonly serviceAnnotations?: Record<string, string> }
    | { readonly type: "NodePort"; readonly httpNodePort: number; readonly httpsNodePort: number }
    | { readonly type: "ClusterIP" };

/** How traffic reaches the cluster's Gateway: the class and the listener ports it serves. */
export interface GatewaySpec {
    /** GatewayClass the stack's Gateway uses. */
    readonly className: string;
    /** Listener port for plain HTTP (Traefik listens on its entryPoint port, cloud gateways on 80). */
    readonly httpPort: number;
    /** Listener port for HTTPS. */
    readonly httpsPort: number;
    /** Whether Slipway must install the controller (Traefik) and the Gateway API CRDs itself. */
    readonly installController: boolean;
    /** How the installed controller's Service is exposed (only when installController). */
    readonly exposure?: GatewayExposure;
    /** Where gateway traffic to the pods comes from, for the NetworkPolicy allow. */
    readonly sources: k8s.types.input.networking.v1.NetworkPolicyPeer[];
    readonly attachments: GatewayAttachmentsFactory;
    /**
     * Whether each routed Service needs a GKE HealthCheckPolicy: Google's load balancer checks
     * `GET /` by default, not the app's readiness path, and marks e.g. a Django app (400 on `/`
     * for an unknown Host) unhealthy.
     */
    readonly healthCheckPolicies: boolean;
    /**
     * Whether gateway traffic reaches the pods as Cilium's reserved `ingress` identity (Cilium's own
     * Gateway API, e.g. on DOKS), which no Kubernetes NetworkPolicy peer can name: each routed app
     * then gets a CiliumNetworkPolicy admitting that entity on its port, and `sources` is empty.
     */
    readonly ciliumIngressIdentity?: boolean;
}

export interface Cluster extends KubernetesProviders {
    /** The cluster's name (DNS-1123 label). */
    readonly name: string;
    /** Admin kubeconfig, always a secret; absent when the cluster was not created by Slipway. */
    readonly kubeconfig?: pulumi.Output<string>;
    /** Default ReadWriteOnce storage class; undefined means the cluster's own default class. */
    readonly storageClass?: pulumi.Input<string>;
    /** Class for data that must outlive the cluster (reclaimPolicy Retain); stateful workloads use it. */
    readonly retainedStorageClass?: pulumi.Input<string>;
    readonly gateway: GatewaySpec;
    /** What the target offers for `database.mode: managed`, if anything. */
    readonly managedDatabase?: ManagedDatabaseFactory;
    /** What the target offers for `cache.mode: managed`, if anything. */
    readonly managedCache?: ManagedCacheFactory;
    /** Resources the workloads must wait for (e.g. the retained StorageClass). */
    readonly ready: pulumi.Resource[];
    /**
     * Addresses the apps' namespace must never reach (CIDRs): e.g. a metadata service that hands out
     * the node's credentials. Platform denies them by an egress NetworkPolicy.
     */
    readonly blockedEgress?: readonly string[];
    /** Host ports the gateway is published on when not 80/443 (k3d's load balancer on a laptop). */
    readonly publicPorts?: { readonly http: number; readonly https: number };
}

/** The URL an app's route answers on, with the cluster's public port when it is not the default. */
export function appUrl(ingress: { host: string; path: string; tls: boolean }, publicPorts?: Cluster["publicPorts"]): string {
    const scheme = ingress.tls ? "https" : "http";
    const port = publicPorts && (ingress.tls ? publicPorts.https : publicPorts.http);
    const suffix = port && port !== (ingress.tls ? 443 : 80) ? `:${port}` : "";
    return `${scheme}://${ingress.host}${suffix}${ingress.path}`;
}

/** The two Kubernetes providers of a stack, built from the same kubeconfig. */
export interface KubernetesProviders {
    /** Creates objects with a plain create: an object already in the cluster is an error, never silently taken over. */
    readonly provider: k8s.Provider;
    /**
     * For objects Slipway keeps through `pulumi destroy` (retainOnDelete) and only those: they stay
     * in the cluster but leave the state, so the next `up` must adopt them (upsertExistingObjects)
     * instead of failing with AlreadyExists, as @pulumi/kubernetes >= 4.29 does by default. Safe
     * here because a retained object is never deleted by Pulumi, so a rename can never turn into
     * create-then-delete of the same object (the danger provider.d.ts names). Patch force: the
     * previous owner was an earlier Pulumi run whose field manager is gone with its state.
     */
    readonly retainedProvider: k8s.Provider;
}

/** Resource options of an object that outlives `pulumi destroy` and is adopted again by the next `up`. */
export function retainedObjectOptions(retainedProvider: k8s.Provider): { provider: k8s.Provider; retainOnDelete: true } {
    return { provider: retainedProvider, retainOnDelete: true };
}

/** Where the Traefik gateway's pods run; NetworkPolicies admit gateway traffic from here. */
export const TRAEFIK_NAMESPACE = "traefik";

/** The stack's shared Gateway that web apps attach their HTTPRoutes to. */
export interface GatewayRef {
    readonly name: string;
    readonly namespace: pulumi.Input<string>;
    /** Where gateway traffic comes from (for the NetworkPolicy). */
    readonly sources: k8s.types.input.networking.v1.NetworkPolicyPeer[];
    /** Whether routed Services get a GKE HealthCheckPolicy that checks the app's own health path. */
    readonly healthCheckPolicies: boolean;
    /** Whether routed apps admit the gateway by a CiliumNetworkPolicy (GatewaySpec.ciliumIngressIdentity). */
    readonly ciliumIngressIdentity: boolean;
}
