// The stack's Redis (`slipway:cache`): in-cluster with append-only persistence on a retained volume
// and a generated password, or the target's managed Redis. Either way apps read REDIS_URL from the
// same `redis` Secret by reference.
import * as corev1 from "@pulumi/kubernetes/core/v1";
import * as networkingv1 from "@pulumi/kubernetes/networking/v1";
import * as pulumi from "@pulumi/pulumi";
import type { CacheConfig } from "../../config";
import { REDIS_IMAGE } from "../../versions";
import type { CacheEndpoint, ManagedCacheFactory } from "../../lib/cache-types";
import type { ManagedAccess } from "./managed-egress";
import { redisUrl } from "./connection";
import { REDIS_PASSWORD_ENV, REDIS_PORT, redisConf, redisServerArgs } from "./redis-config";
import {
    awaitAnnotations,
    checksumOf,
    commonLabels,
    ConfigFile,
    dataServerStatefulSet,
    generatedPassword,
    NamespacedArgs,
    probes,
    restrictedContainerSecurity,
    restrictedPodSecurity,
    SecretRef,
    selectorLabels,
} from "../../lib/workload";
import { CACHE_CLIENT_LABEL } from "../../lib/labels";

/** The official image's redis user and group. */
export const REDIS_UID = 999;
const DATA_DIR = "/data";

export interface RedisArgs extends NamespacedArgs {
    readonly cache: CacheConfig;
    /** The target's managed Redis, required when `cache.mode` is "managed". */
    readonly managed?: ManagedCacheFactory;
}

/** Where apps find a managed Redis's CA bundle (REDIS_CA_FILE, and ssl_ca_certs in REDIS_URL). */
export const REDIS_CA_PATH = "/etc/slipway/redis/ca.pem";

export class Redis extends pulumi.ComponentResource {
    /** Secret with REDIS_URL (and REDIS_PASSWORD) that apps with `cache: true` read whole. */
    public readonly urlSecretName: pulumi.Output<string>;
    /** That Secret with its checksum, for apps' envFrom. */
    public readonly url: SecretRef;
    /** A managed cache and the pod label of its clients, for the namespace's egress guard. */
    public readonly managedAccess?: ManagedAccess;

    constructor(name: string, args: RedisArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:cache:Redis", name, args, opts);
        const childOpts = { parent: this, provider: args.provider };
        const credentials = (stringData: Record<string, pulumi.Input<string>>, files?: ConfigFile[]): SecretRef => {
            const secret = new corev1.Secret(
                `${name}-credentials`,
                { metadata: { name: "redis", namespace: args.namespace, labels: commonLabels("redis", "cache") }, type: "Opaque", stringData: pulumi.secret(stringData) },
                childOpts,
            );
            return { name: secret.metadata.name, checksum: checksumOf(stringData), files };
        };

        if (args.cache.mode === "managed") {
            if (!args.managed) throw new Error(`slipway:cache.mode: "managed" but the target offers no managed Redis`);
            const endpoint = args.managed(`${name}-managed`, args.cache, { parent: this });
            if (endpoint.hostIsPrivateAddress) this.managedAccess = { name: "redis", host: endpoint.host, clientLabels: [CACHE_CLIENT_LABEL] };
            this.url = endpoint.caCertificate ? this.privateCaUrl(name, endpoint.caCertificate, endpoint, args, credentials, childOpts) : credentials({
                REDIS_PASSWORD: endpoint.password,
                // A public CA signs the server's certificate: the system trust store verifies chain and name.
                REDIS_URL: pulumi.all([endpoint.host, endpoint.port, endpoint.password]).apply(([host, port, password]) => redisUrl({ host, port, password, tls: true })),
            });
        } else {
            const password = generatedPassword(`${name}-password`, this);
            const url = password.apply((p) => redisUrl({ host: "redis", port: REDIS_PORT, password: p }));
            this.url = credentials({ REDIS_PASSWORD: password, REDIS_URL: url });
            this.inCluster(name, args, this.url, childOpts);
        }
        this.urlSecretName = pulumi.output(this.url.name);
        this.registerOutputs({ urlSecretName: this.urlSecretName });
    }

    /**
     * A server whose certificate a private CA signs (Memorystore): the bundle as a file, which is what
     * client libraries take (redis-py's ssl_ca_certs), not a PEM in an env var. Public data, so a
     * ConfigMap the kubelet refreshes on rotation.
     */
    private privateCaUrl(
        name: string,
        caCertificate: pulumi.Output<string>,
        endpoint: CacheEndpoint,
        args: RedisArgs,
        credentials: (data: Record<string, pulumi.Input<string>>, files?: ConfigFile[]) => SecretRef,
        childOpts: pulumi.CustomResourceOptions,
    ): SecretRef {
        const caMap = new corev1.ConfigMap(
            `${name}-server-ca`,
            { metadata: { name: "redis-server-ca", namespace: args.namespace, labels: commonLabels("redis", "server-ca") }, data: { "ca.pem": caCertificate } },
            childOpts,
        );
        const url = pulumi
            .all([endpoint.host, endpoint.port, endpoint.password])
            .apply(([host, port, password]) => redisUrl({ host, port, password, tls: true, caFile: REDIS_CA_PATH, checkHostname: false }));
        return credentials({ REDIS_PASSWORD: endpoint.password, REDIS_URL: url, REDIS_CA_FILE: REDIS_CA_PATH }, [{ configMap: caMap.metadata.name, key: "ca.pem", path: REDIS_CA_PATH }]);
    }

    private inCluster(name: string, args: RedisArgs, secret: SecretRef, childOpts: pulumi.CustomResourceOptions) {
        const app = "redis";
        const labels = commonLabels(app, "cache");
        const conf = redisConf({ maxmemoryMb: args.cache.memoryMb, dataDir: DATA_DIR, port: REDIS_PORT });
        const config = new corev1.ConfigMap(`${name}-config`, { metadata: { name: "redis-config", namespace: args.namespace, labels }, data: { "redis.conf": conf } }, childOpts);
        const passwordEnv = { name: REDIS_PASSWORD_ENV, valueFrom: { secretKeyRef: { name: secret.name, key: "REDIS_PASSWORD" } } };
        // redis-cli reads REDISCLI_AUTH, so the probe never puts the password on a command line.
        const ping = { exec: { command: ["sh", "-c", 'REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli -p ' + REDIS_PORT + " ping | grep -q PONG"] } };
        // Deleting the StatefulSet stops Redis; its claim (and data) stays by the retention policy.
        dataServerStatefulSet(
            `${name}-statefulset`,
            {
                app,
                namespace: args.namespace,
                labels,
                // A new config or password restarts Redis (the password is read from env at start).
                checksum: checksumOf([conf, secret.checksum]),
                podSpec: {
                    securityContext: restrictedPodSecurity(REDIS_UID),
                    automountServiceAccountToken: false,
                    enableServiceLinks: false,
                    containers: [
                        {
                            name: "redis",
                            image: REDIS_IMAGE,
                            imagePullPolicy: "IfNotPresent",
                            // $(REDIS_PASSWORD) is expanded by the kubelet from the Secret-backed env.
                            command: ["redis-server", ...redisServerArgs("/etc/redis/redis.conf")],
                            env: [passwordEnv],
                            ports: [{ name: "redis", containerPort: REDIS_PORT, protocol: "TCP" }],
                            resources: { requests: { cpu: "50m", memory: `${args.cache.memoryMb}Mi` }, limits: { memory: `${Math.ceil(args.cache.memoryMb * 1.5)}Mi` } },
                            securityContext: restrictedContainerSecurity(true),
                            volumeMounts: [
                                { name: "data", mountPath: DATA_DIR },
                                { name: "config", mountPath: "/etc/redis", readOnly: true },
                            ],
                            ...probes(ping, 300),
                        },
                    ],
                    volumes: [{ name: "config", configMap: { name: config.metadata.name } }],
                },
                storageClass: args.storageClass,
                storageGb: args.cache.storageGb,
            },
            { ...childOpts, dependsOn: args.dependsOn },
        );
        new corev1.Service(
            `${name}-service`,
            { metadata: { name: app, namespace: args.namespace, labels, annotations: awaitAnnotations() }, spec: { selector: selectorLabels(app), ports: [{ name: "redis", port: REDIS_PORT, targetPort: "redis" }] } },
            childOpts,
        );
        // Only apps that declare `cache: true` reach Redis.
        new networkingv1.NetworkPolicy(
            `${name}-ingress`,
            {
                metadata: { name: "redis-ingress", namespace: args.namespace, labels },
                spec: {
                    podSelector: { matchLabels: selectorLabels(app) },
                    policyTypes: ["Ingress"],
                    ingress: [{ from: [{ podSelector: { matchLabels: { [CACHE_CLIENT_LABEL]: "true" } } }], ports: [{ port: REDIS_PORT, protocol: "TCP" }] }],
                },
            },
            childOpts,
        );
    }
}
