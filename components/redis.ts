// In-cluster Redis (`slipway:cache`): append-only persistence on a retained volume, a generated
// password, and REDIS_URL handed to apps by Secret reference.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { CacheConfig } from "../config";
import { CACHE_CLIENT_LABEL } from "./app";
import { redisUrl } from "./connection";
import { redisConf } from "./redis-config";
import {
    commonLabels,
    contentHash,
    generatedPassword,
    NamespacedArgs,
    probes,
    restrictedContainerSecurity,
    restrictedPodSecurity,
    retainedDataVolume,
    selectorLabels,
} from "./workload";

export const REDIS_IMAGE = "redis:7.4.2-bookworm";
/** The official image's redis user and group. */
export const REDIS_UID = 999;
export const REDIS_PORT = 6379;
const DATA_DIR = "/data";

export interface RedisArgs extends NamespacedArgs {
    readonly cache: CacheConfig;
}

export class Redis extends pulumi.ComponentResource {
    /** Secret with REDIS_URL (and REDIS_PASSWORD) that apps with `cache: true` read whole. */
    public readonly urlSecretName: pulumi.Output<string>;

    constructor(name: string, args: RedisArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:cache:Redis", name, args, opts);
        const childOpts = { parent: this, provider: args.provider };
        const app = "redis";
        const labels = commonLabels(app, "cache");
        const password = generatedPassword(`${name}-password`, this);

        const conf = redisConf({ maxmemoryMb: args.cache.memoryMb, dataDir: DATA_DIR, port: REDIS_PORT });
        const config = new k8s.core.v1.ConfigMap(`${name}-config`, { metadata: { name: "redis-config", namespace: args.namespace, labels }, data: { "redis.conf": conf } }, childOpts);
        const secret = new k8s.core.v1.Secret(
            `${name}-credentials`,
            {
                metadata: { name: "redis", namespace: args.namespace, labels },
                type: "Opaque",
                stringData: {
                    REDIS_PASSWORD: password,
                    REDIS_URL: pulumi.secret(password.apply((p) => redisUrl({ host: app, port: REDIS_PORT, password: p }))),
                },
            },
            childOpts,
        );
        this.urlSecretName = secret.metadata.name;

        const passwordEnv = { name: "REDIS_PASSWORD", valueFrom: { secretKeyRef: { name: secret.metadata.name, key: "REDIS_PASSWORD" } } };
        // redis-cli reads REDISCLI_AUTH, so the probe never puts the password on a command line.
        const ping = { exec: { command: ["sh", "-c", 'REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli -p ' + REDIS_PORT + " ping | grep -q PONG"] } };
        new k8s.apps.v1.StatefulSet(
            `${name}-statefulset`,
            {
                metadata: { name: app, namespace: args.namespace, labels },
                spec: {
                    serviceName: app,
                    replicas: 1,
                    selector: { matchLabels: selectorLabels(app) },
                    template: {
                        metadata: { labels, annotations: { "slipway.dev/config-checksum": contentHash(conf) } },
                        spec: {
                            securityContext: restrictedPodSecurity(REDIS_UID),
                            automountServiceAccountToken: false,
                            enableServiceLinks: false,
                            containers: [
                                {
                                    name: "redis",
                                    image: REDIS_IMAGE,
                                    imagePullPolicy: "IfNotPresent",
                                    // $(REDIS_PASSWORD) is expanded by the kubelet from the Secret-backed env.
                                    command: ["redis-server", "/etc/redis/redis.conf", "--requirepass", "$(REDIS_PASSWORD)"],
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
                    },
                    ...retainedDataVolume(app, args.storageClass, `${args.cache.storageGb}Gi`),
                },
            },
            { ...childOpts, dependsOn: args.dependsOn, retainOnDelete: true },
        );
        new k8s.core.v1.Service(
            `${name}-service`,
            { metadata: { name: app, namespace: args.namespace, labels }, spec: { selector: selectorLabels(app), ports: [{ name: "redis", port: REDIS_PORT, targetPort: "redis" }] } },
            childOpts,
        );
        // Only apps that declare `cache: true` reach Redis.
        new k8s.networking.v1.NetworkPolicy(
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
        this.registerOutputs({ urlSecretName: this.urlSecretName });
    }
}
