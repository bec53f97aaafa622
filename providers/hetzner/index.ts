// hetzner target: an HA k3s cluster Slipway builds itself on Hetzner Cloud (no managed Kubernetes,
// no managed database): servers booted by cloud-init, embedded etcd on an odd number of control
// planes, Hetzner's cloud controller manager and CSI driver, Traefik behind a Hetzner load balancer.
// The data layer runs in the cluster, on the CSI driver's volumes. kube-hetzner and hetzner-k3s are
// the references.
import * as local from "@pulumi/command/local";
import { PlacementGroup } from "@pulumi/hcloud/placementGroup";
import { Provider as HcloudProvider } from "@pulumi/hcloud/provider";
import { Server } from "@pulumi/hcloud/server";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { SlipwayConfig } from "../../config";
import { ConfigError } from "../../config";
import type { Cluster, GatewaySpec } from "../../lib/contracts";
import { k3sRelease, type KubernetesMinor } from "../../versions";
import { kubernetesProviders } from "../kubernetes";
import { traefikGateway } from "../traefik/gateway";
import { cloudInit, type NodeRole } from "./cloud-init";
import { networkZoneOf } from "./config";
import type { HetznerConfig } from "../../config";
import { hetznerAddons } from "./addons";
import { HetznerNetwork, numericId, privateAddresses } from "./network";
import { clusterPki, k3sKubeconfig } from "./pki";

/** Minors Hetzner's CCM and CSI driver support (their version policies: 1.33-1.36). */
export const HETZNER_MINORS: readonly KubernetesMinor[] = ["1.35", "1.36"];
/** Hetzner's spread placement groups take at most 10 servers. */
export const SPREAD_GROUP_SIZE = 10;
export const HETZNER_IMAGE = "ubuntu-24.04";
/** Hetzner's metadata service (docs.hetzner.cloud "Server metadata"), which also serves user data. */
export const HETZNER_METADATA = "169.254.169.254/32";

export function hetznerProblems(args: { kubernetesVersion: KubernetesMinor; hetzner?: HetznerConfig; token?: unknown }): string[] {
    const problems: string[] = [];
    if (!args.hetzner) problems.push(`slipway:hetzner: required when slipway:target is "hetzner" (got nothing); allowed: { locations, controlPlanes, workers, serverType, adminCidrs, ... }`);
    if (!HETZNER_MINORS.includes(args.kubernetesVersion)) {
        problems.push(`slipway:cluster.kubernetesVersion: got "${args.kubernetesVersion}", which Hetzner's cloud controller and CSI driver do not support yet; allowed on hetzner: ${HETZNER_MINORS.join(", ")}`);
    }
    if (args.token === undefined) problems.push(`hcloud:token: required (got nothing): \`pulumi config set --secret hcloud:token <API token>\`, or HCLOUD_TOKEN; the cloud controller and CSI driver in the cluster use it too`);
    return problems;
}

export class HetznerCluster extends pulumi.ComponentResource implements Cluster {
    public readonly name: string;
    public readonly provider: k8s.Provider;
    public readonly retainedProvider: k8s.Provider;
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly storageClass = "hcloud-volumes";
    public readonly retainedStorageClass = "hcloud-volumes-retain";
    public readonly gateway: GatewaySpec;
    public readonly ready: pulumi.Resource[];
    public readonly blockedEgress: string[];

    constructor(name: string, args: { name: string; hetzner: HetznerConfig; kubernetesVersion: KubernetesMinor }, opts?: pulumi.ComponentResourceOptions) {
        const token = hcloudToken();
        const problems = hetznerProblems({ ...args, token });
        if (problems.length > 0) throw new ConfigError(problems);
        super("slipway:cluster:HetznerCluster", name, {}, opts);
        this.name = args.name;
        const h = args.hetzner;
        const hcloud = new HcloudProvider(`${name}-hcloud`, { token: token! }, { parent: this });
        const o = { parent: this, provider: hcloud };
        const zone = networkZoneOf(h.locations[0])!;
        const addresses = privateAddresses(h.networkCidr, h.controlPlanes, h.workers);
        const net = new HetznerNetwork(`${name}-net`, { clusterName: args.name, networkCidr: h.networkCidr, networkZone: zone, location: h.locations[0], adminCidrs: h.adminCidrs, addresses, provider: hcloud }, { parent: this });

        const pki = clusterPki(`${name}-pki`, args.name, this);
        const k3sToken = new random.RandomPassword(`${name}-k3s-token`, { length: 48, special: false }, { parent: this });
        // Workers get a token that joins agents only: a worker's user data never holds a server's credential.
        const agentToken = new random.RandomPassword(`${name}-k3s-agent-token`, { length: 48, special: false }, { parent: this });
        const k3sVersion = k3sRelease(args.kubernetesVersion);
        const labels = (role: string) => ({ "slipway-cluster": args.name, "slipway-role": role });
        // One spread group per role and location (servers i, i+n, ... share a location), at most 10 servers each.
        const groups = new Map<string, PlacementGroup>();
        const placementGroup = (role: string, i: number) => {
            const location = h.locations[i % h.locations.length];
            const key = `${role}-${location}-${Math.floor(Math.floor(i / h.locations.length) / SPREAD_GROUP_SIZE) + 1}`;
            if (!groups.has(key)) groups.set(key, new PlacementGroup(`${name}-${key}`, { name: `${args.name}-${key}`, type: "spread", labels: labels(role) }, o));
            return groups.get(key)!;
        };

        const server = (role: "control-plane" | "worker", i: number, ip: string, nodeRole: NodeRole, dependsOn: pulumi.Resource[]) =>
            new Server(
                `${name}-${role}-${i + 1}`,
                {
                    name: `${args.name}-${role === "control-plane" ? "cp" : "worker"}-${i + 1}`,
                    serverType: role === "control-plane" ? h.controlPlaneType : h.serverType,
                    image: HETZNER_IMAGE,
                    location: h.locations[i % h.locations.length],
                    placementGroupId: numericId(placementGroup(role, i)),
                    networks: [{ networkId: net.networkId, ip }],
                    publicNets: [{ ipv4Enabled: true, ipv6Enabled: true }],
                    firewallIds: [net.firewallId],
                    sshKeys: [net.sshKeyName],
                    labels: labels(role),
                    shutdownBeforeDeletion: true,
                    userData: pulumi.secret(
                        pulumi.all([k3sToken.result, agentToken.result, nodeRole.kind === "init" ? pki.files : pulumi.output({})]).apply(([tok, agentTok, files]) =>
                            cloudInit({
                                role: nodeRole.kind === "init" ? { ...nodeRole, caFiles: files } : nodeRole,
                                k3sVersion,
                                token: tok,
                                agentToken: agentTok,
                                privateIp: ip,
                                tlsSans: [addresses.apiLoadBalancer],
                                labels: { "slipway.dev/role": role },
                            }),
                        ),
                    ),
                },
                // cloud-init runs once, at first boot: a changed script (a new k3s pin) must not replace
                // a server and its etcd member. Control planes hold etcd: protected. A replacement
                // (new location or image) deletes first: the new server takes the same name and IP.
                { ...o, dependsOn: [net.subnet, ...dependsOn], ignoreChanges: ["userData"], protect: role === "control-plane", deleteBeforeReplace: true },
            );
        const first = server("control-plane", 0, addresses.controlPlanes[0], { kind: "init", caFiles: {}, rejoin: addresses.apiLoadBalancer }, []);
        const others = addresses.controlPlanes.slice(1).map((ip, i) => server("control-plane", i + 1, ip, { kind: "server", join: addresses.controlPlanes[0], index: i + 1 }, [first]));
        const workers = addresses.workers.map((ip, i) => server("worker", i, ip, { kind: "agent", join: addresses.apiLoadBalancer }, [first]));

        const apiUrl = pulumi.interpolate`https://${first.ipv4Address}:6443`;
        this.kubeconfig = pulumi.secret(pulumi.all([apiUrl, pki.serverCaPem, pki.adminCertPem, pki.adminKeyPem]).apply(([url, ca, cert, key]) => k3sKubeconfig(args.name, url, ca, cert, key)));
        // Pulumi's next steps talk to the API: wait until k3s answers rather than race cloud-init.
        const apiReady = new local.Command(
            `${name}-wait-for-api`,
            {
                create: "node providers/hetzner/wait-for-api.js",
                environment: { API_URL: apiUrl, CA_PEM: pki.serverCaPem, CERT_PEM: pki.adminCertPem, KEY_PEM: pki.adminKeyPem, TIMEOUT_SECONDS: "1200" },
                triggers: [first.id],
            },
            { parent: this, dependsOn: [first, ...others, ...workers] },
        );
        ({ provider: this.provider, retainedProvider: this.retainedProvider } = kubernetesProviders(
            `${name}-k8s`,
            // Identified by the first server: a new one is a new cluster, whose objects are all created again.
            { kubeconfig: this.kubeconfig, clusterIdentifier: pulumi.interpolate`hetzner-${first.id}` },
            { parent: this, dependsOn: [apiReady] },
        ));
        const addons = hetznerAddons(`${name}-addons`, { token: token!, networkId: net.networkId, location: h.locations[0], retainedClass: this.retainedStorageClass, provider: this.provider }, this);
        this.ready = addons;
        // Pods reach Hetzner's metadata service (masqueraded to their node), which serves the node's
        // user data: the k3s token and, on the first server, the CA keys. The apps' namespace may not.
        this.blockedEgress = [HETZNER_METADATA];
        this.gateway = {
            ...traefikGateway,
            exposure: {
                type: "LoadBalancer",
                // The CCM makes the load balancer (lb11) next to the servers and sends traffic over the private network.
                serviceAnnotations: {
                    "load-balancer.hetzner.cloud/name": `${args.name}-gateway`,
                    "load-balancer.hetzner.cloud/location": h.locations[0],
                    "load-balancer.hetzner.cloud/type": "lb11",
                    "load-balancer.hetzner.cloud/use-private-ip": "true",
                },
            },
        };
        this.registerOutputs({ kubeconfig: this.kubeconfig });
    }
}

/** The API token: `hcloud:token` (secret config), else HCLOUD_TOKEN. */
function hcloudToken(): pulumi.Output<string> | undefined {
    return new pulumi.Config("hcloud").getSecret("token") ?? (process.env.HCLOUD_TOKEN ? pulumi.secret(process.env.HCLOUD_TOKEN) : undefined);
}

/** What the Hetzner target refuses in this config (parseConfig reports it with every other problem). */
export function configProblems(cfg: SlipwayConfig): string[] {
    return hetznerProblems({ kubernetesVersion: cfg.cluster.kubernetesVersion, hetzner: cfg.hetzner, token: hcloudToken() });
}

export function createCluster(cfg: SlipwayConfig, opts?: pulumi.ComponentResourceOptions): Cluster {
    return new HetznerCluster(cfg.cluster.name, { name: cfg.cluster.name, hetzner: cfg.hetzner!, kubernetesVersion: cfg.cluster.kubernetesVersion }, opts);
}
