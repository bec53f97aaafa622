// The pure parts of an app: its container (probes, env, security), the labels that admit it to
// the data layer, who may reach it, and the load balancer's health check of it.
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AppConfig } from "../../config";
import type { Container, EnvVar } from "../../lib/k8s-types";
import { CACHE_CLIENT_LABEL, DATABASE_CLIENT_LABEL } from "../../lib/labels";
import { ProbeAction, probes, resourcesFor, restrictedContainerSecurity, selectorLabels, TMP_MOUNT } from "../../lib/workload";

/** The Host header health checks send: `health.host`, else the app's public host (one Django's ALLOWED_HOSTS already lists). */
export function probeHost(app: AppConfig): string | undefined {
    return app.health.host ?? app.ingress?.host;
}

/** The load balancer's health check of a routed app: its HTTP health path, else a TCP check, on the serving port. */
export function gatewayHealthCheck(app: AppConfig, serviceName: pulumi.Input<string>) {
    const config = app.health.path
        ? { type: "HTTP", httpHealthCheck: { portSpecification: "USE_SERVING_PORT", requestPath: app.health.path, host: probeHost(app) } }
        : { type: "TCP", tcpHealthCheck: { portSpecification: "USE_SERVING_PORT" } };
    return { default: { checkIntervalSec: 10, timeoutSec: 5, healthyThreshold: 1, unhealthyThreshold: 3, config }, targetRef: { group: "", kind: "Service", name: serviceName } };
}

/** Pod labels by which the data layer's NetworkPolicies admit an app (and its migrate Job). */
export function clientLabels(app: AppConfig): Record<string, string> {
    return {
        ...(app.database ? { [DATABASE_CLIENT_LABEL]: app.database } : {}),
        ...(app.cache ? { [CACHE_CLIENT_LABEL]: "true" } : {}),
    };
}

/** Who may reach an app: the gateway (web apps with a route), declared clients, and a stateful app's own peers. */
export function appIngressRules(
    app: AppConfig,
    clients: readonly string[],
    gatewaySources: k8s.types.input.networking.v1.NetworkPolicyPeer[],
): k8s.types.input.networking.v1.NetworkPolicyIngressRule[] {
    const rules: k8s.types.input.networking.v1.NetworkPolicyIngressRule[] = [];
    const ports = app.port === undefined ? undefined : [{ port: app.port, protocol: "TCP" }];
    // An empty `from` would admit every source: a gateway no peer can name is admitted by ciliumGatewayIngress instead.
    if (app.kind === "web" && app.ingress && gatewaySources.length > 0) rules.push({ from: gatewaySources, ports });
    if (clients.length > 0 && ports) {
        rules.push({ from: clients.map((c) => ({ podSelector: { matchLabels: selectorLabels(c) } })), ports });
    }
    if (app.kind === "stateful") rules.push({ from: [{ podSelector: { matchLabels: selectorLabels(app.name) } }] });
    return rules;
}

/**
 * Admits a Cilium Gateway's Envoy to the app's port. Its traffic carries the reserved `ingress`
 * identity (docs.cilium.io "Ingress and Network Policy"; the `ingress` entity of the policy
 * language), which a Kubernetes NetworkPolicy cannot select, and the namespace denies all ingress.
 */
export function ciliumGatewayIngress(appName: string, port: number) {
    return {
        endpointSelector: { matchLabels: selectorLabels(appName) },
        ingress: [{ fromEntities: ["ingress"], toPorts: [{ ports: [{ port: String(port), protocol: "TCP" }] }] }],
    };
}

/** The app's container: image, env by value and by Secret reference, probes, resources, security. */
export function appContainer(
    app: AppConfig,
    envFromSecrets: readonly pulumi.Input<string>[],
    envSecretName?: pulumi.Input<string>,
): Container {
    const env: EnvVar[] = [
        // A stateful member needs its own identity (e.g. etcd's --name=$(POD_NAME)).
        ...(app.kind === "stateful" ? [{ name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }] : []),
        ...Object.entries(app.env)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([name, value]) => ({ name, value })),
        ...Object.keys(app.secretEnv)
            .sort()
            .map((name) => ({ name, valueFrom: { secretKeyRef: { name: envSecretName!, key: name } } })),
    ];
    const portName = app.kind === "stateful" ? "main" : "http";
    const check = probeAction(app, portName);
    return {
        name: app.name,
        image: app.image,
        imagePullPolicy: "IfNotPresent",
        command: app.command,
        args: app.args,
        ports: app.port === undefined ? undefined : [{ name: portName, containerPort: app.port, protocol: "TCP" }],
        env: env.length > 0 ? env : undefined,
        envFrom: envFromSecrets.length > 0 ? envFromSecrets.map((name) => ({ secretRef: { name } })) : undefined,
        resources: resourcesFor(app.size),
        securityContext: restrictedContainerSecurity(app.readOnlyRootFilesystem),
        volumeMounts: app.readOnlyRootFilesystem ? [TMP_MOUNT] : undefined,
        ...(check ? probes(check, app.health.startupSeconds) : {}),
    };
}

function probeAction(app: AppConfig, portName: string): ProbeAction | undefined {
    if (app.health.command) return { exec: { command: app.health.command } };
    if (app.port === undefined) return undefined;
    if (app.health.path) {
        const host = probeHost(app);
        return { httpGet: { path: app.health.path, port: portName, httpHeaders: host ? [{ name: "Host", value: host }] : undefined } };
    }
    return { tcpSocket: { port: portName } };
}
