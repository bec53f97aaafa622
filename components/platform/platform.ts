// What every stack's apps stand on: their namespace (Pod Security "restricted", ingress denied by
// default), the Gateway API (CRDs and Traefik where the cluster has no managed gateway), and the
// one shared Gateway that web apps route through.
import type * as k8s from "@pulumi/kubernetes";
import { CustomResource } from "@pulumi/kubernetes/apiextensions";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import * as helmv4 from "@pulumi/kubernetes/helm/v4";
import * as networkingv1 from "@pulumi/kubernetes/networking/v1";
import * as yamlv2 from "@pulumi/kubernetes/yaml/v2";
import * as pulumi from "@pulumi/pulumi";
import { GatewayAttachments, GatewayExposure, GatewaySpec, retainedObjectOptions, TRAEFIK_NAMESPACE } from "../../lib/contracts";
import { GATEWAY_API_VERSION, TRAEFIK_CHART } from "../../versions";
import { awaitAnnotations } from "../../lib/workload";
import { LOAD_BALANCER_OPT_IN } from "../../lib/labels";
import { type GatewayRef } from "../../lib/contracts";

export { GATEWAY_API_VERSION, TRAEFIK_CHART };

/** Gateway API standard channel, pinned (versions.ts) to the version Traefik's chart implements. */
export const GATEWAY_API_CRDS_URL = `https://github.com/kubernetes-sigs/gateway-api/releases/download/${GATEWAY_API_VERSION}/standard-install.yaml`;

export interface PlatformArgs {
    readonly provider: k8s.Provider;
    /** Provider for objects kept through destroy: the namespace that holds the data. */
    readonly retainedProvider: k8s.Provider;
    /** Namespace the apps and data layer live in. */
    readonly namespace: string;
    /** Kubernetes minor ("1.31"): Pod Security is pinned to it so an upgrade never tightens rules unannounced. */
    readonly kubernetesVersion: string;
    readonly gateway: GatewaySpec;
    /** Whether the Gateway API CRDs must be installed (false where the cluster already has them). */
    readonly installGatewayApiCrds: boolean;
    /** Hosts of apps with `ingress.tls`: the Gateway gets an HTTPS listener with certificates for them. */
    readonly tlsHosts: readonly string[];
    /** Resources to wait for before anything is deployed (the cluster's StorageClass). */
    readonly dependsOn?: pulumi.Resource[];
    /** CIDRs no pod of the namespace may reach (Cluster.blockedEgress). */
    readonly blockedEgress?: readonly string[];
}

/**
 * Egress to everything but `blocked`: in-cluster peers by namespace (ipBlock may not match pod IPs,
 * Kubernetes NetworkPolicy docs), the rest by address. Policies only add permissions, so this is the
 * namespace's whole egress allowance.
 */
export function blockedEgressPolicy(blocked: readonly string[]) {
    return {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [{ to: [{ namespaceSelector: {} }, { ipBlock: { cidr: "0.0.0.0/0", except: [...blocked] } }] }],
    };
}

/** Labels enforcing Pod Security "restricted" on a namespace, pinned to the cluster's minor version. */
export function podSecurityLabels(kubernetesVersion: string): Record<string, string> {
    const version = `v${kubernetesVersion}`;
    return {
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": version,
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/audit-version": version,
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/warn-version": version,
    };
}

/**
 * Traefik chart values (chart 41.3.0's values.yaml and values.schema.json): only the Gateway API
 * provider, no chart-made Gateway (Slipway makes its own), the Service exposed as the target says.
 */
export function traefikValues(exposure: GatewayExposure = { type: "LoadBalancer" }) {
    const nodePorts = exposure.type === "NodePort" ? { web: { nodePort: exposure.httpNodePort }, websecure: { nodePort: exposure.httpsNodePort } } : { web: {}, websecure: {} };
    return {
        providers: {
            kubernetesGateway: { enabled: true },
            kubernetesCRD: { enabled: false },
            kubernetesIngress: { enabled: false },
        },
        ingressClass: { enabled: false },
        gateway: { enabled: false },
        gatewayClass: { enabled: true, name: "traefik" },
        // Awaited like Slipway's own workloads: a first pull on a slow link must not fail the `up`.
        deployment: { replicas: 1, annotations: awaitAnnotations() },
        // Pod Security "restricted" (the traefik namespace enforces it) requires all of these; the
        // chart sets them by default since 38.0.2, and stating them keeps that true if defaults move.
        podSecurityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: "RuntimeDefault" } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
        podDisruptionBudget: { enabled: false },
        // The chart's templates read the type from service.spec (a top-level service.type is ignored).
        service: {
            spec: { type: exposure.type },
            annotations: {
                // The target chose a load balancer for the gateway: the one public entry the policy pack allows.
                ...(exposure.type === "LoadBalancer" ? { ...exposure.serviceAnnotations, [LOAD_BALANCER_OPT_IN]: "intended" } : {}),
                ...awaitAnnotations(exposure.type === "LoadBalancer" ? exposure.awaitSeconds : undefined),
            },
        },
        ports: {
            web: { port: 8000, exposedPort: 80, ...nodePorts.web },
            websecure: { port: 8443, exposedPort: 443, ...nodePorts.websecure },
        },
    };
}

/**
 * HTTP always; HTTPS when some app asks for TLS. Routes attach to both (no sectionName), so a TLS
 * app also answers on HTTP until its DNS and certificate are in place.
 */
export function gatewayListeners(gateway: GatewaySpec, tlsHosts: readonly string[], attached: GatewayAttachments) {
    const sameNamespace = { namespaces: { from: "Same" } };
    const listeners: Record<string, unknown>[] = [{ name: "http", protocol: "HTTP", port: gateway.httpPort, allowedRoutes: sameNamespace }];
    if (tlsHosts.length > 0) {
        listeners.push({
            name: "https",
            protocol: "HTTPS",
            port: gateway.httpsPort,
            allowedRoutes: sameNamespace,
            // Certificate Secrets terminate TLS in the gateway; a cloud gateway may bring its own (certmap).
            tls: attached.certificateRefs ? { mode: "Terminate", certificateRefs: attached.certificateRefs.map((ref) => ({ kind: "Secret", name: ref.name })) } : undefined,
        });
    }
    return listeners;
}

export class Platform extends pulumi.ComponentResource {
    public readonly namespace: pulumi.Output<string>;
    /** The shared Gateway web apps attach to. */
    public readonly gateway: GatewayRef;
    /** Everything apps must wait for (namespace, gateway, CRDs). */
    public readonly ready: pulumi.Resource[];

    constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:platform:Platform", name, args, opts);
        const childOpts = { parent: this, provider: args.provider };
        const ready: pulumi.Resource[] = [];

        const crds = args.installGatewayApiCrds
            ? new yamlv2.ConfigFile(`${name}-gateway-api-crds`, { file: GATEWAY_API_CRDS_URL }, { ...childOpts, dependsOn: args.dependsOn })
            : undefined;
        if (crds) ready.push(crds);

        if (args.gateway.installController) {
            const traefikNs = new corev1.Namespace(
                `${name}-traefik-ns`,
                { metadata: { name: TRAEFIK_NAMESPACE, labels: podSecurityLabels(args.kubernetesVersion) } },
                childOpts,
            );
            const traefik = new helmv4.Chart(
                `${name}-traefik`,
                {
                    chart: TRAEFIK_CHART.chart,
                    version: TRAEFIK_CHART.version,
                    repositoryOpts: { repo: TRAEFIK_CHART.repo },
                    namespace: traefikNs.metadata.name,
                    // The Gateway API CRDs come from the pinned upstream manifest above, once per cluster.
                    skipCrds: true,
                    values: traefikValues(args.gateway.exposure),
                },
                { ...childOpts, dependsOn: crds ? [crds] : [] },
            );
            ready.push(traefik);
        }

        // The namespace holds every data claim: deleting it would delete them all, whatever the
        // StatefulSets' retention says. So it outlives `pulumi destroy` and the next `up` adopts it.
        const ns = new corev1.Namespace(
            `${name}-namespace`,
            { metadata: { name: args.namespace, labels: { ...podSecurityLabels(args.kubernetesVersion), "app.kubernetes.io/managed-by": "pulumi" } } },
            { parent: this, ...retainedObjectOptions(args.retainedProvider), dependsOn: args.dependsOn },
        );
        this.namespace = ns.metadata.name;
        ready.push(ns);

        // Nothing reaches a pod unless a policy names its caller.
        new networkingv1.NetworkPolicy(
            `${name}-default-deny`,
            { metadata: { name: "default-deny-ingress", namespace: this.namespace }, spec: { podSelector: {}, policyTypes: ["Ingress"] } },
            childOpts,
        );

        if (args.blockedEgress && args.blockedEgress.length > 0) {
            new networkingv1.NetworkPolicy(`${name}-blocked-egress`, { metadata: { name: "blocked-egress", namespace: this.namespace }, spec: blockedEgressPolicy(args.blockedEgress) }, childOpts);
        }

        const attached = args.gateway.attachments(`${name}-gateway`, { hosts: args.tlsHosts, namespace: this.namespace, provider: args.provider }, { parent: this });
        const gateway = new CustomResource(
            `${name}-gateway`,
            {
                apiVersion: "gateway.networking.k8s.io/v1",
                kind: "Gateway",
                metadata: { name: "slipway", namespace: this.namespace, annotations: attached.annotations },
                spec: {
                    gatewayClassName: args.gateway.className,
                    addresses: attached.addresses,
                    listeners: gatewayListeners(args.gateway, args.tlsHosts, attached),
                },
            },
            { ...childOpts, dependsOn: ready.slice() },
        );
        ready.push(gateway);
        this.gateway = {
            name: "slipway",
            namespace: this.namespace,
            sources: args.gateway.sources,
            healthCheckPolicies: args.gateway.healthCheckPolicies,
            ciliumIngressIdentity: args.gateway.ciliumIngressIdentity ?? false,
        };
        this.ready = ready;
        this.registerOutputs({ namespace: this.namespace });
    }
}
