// What the Hetzner servers share: a private network and subnet, the firewall on their public side,
// the SSH key, and the API load balancer the workers join through.
import { Firewall } from "@pulumi/hcloud/firewall";
import { LoadBalancer } from "@pulumi/hcloud/loadBalancer";
import { LoadBalancerNetwork } from "@pulumi/hcloud/loadBalancerNetwork";
import { LoadBalancerService } from "@pulumi/hcloud/loadBalancerService";
import { LoadBalancerTarget } from "@pulumi/hcloud/loadBalancerTarget";
import { Network } from "@pulumi/hcloud/network";
import { NetworkSubnet } from "@pulumi/hcloud/networkSubnet";
import type { Provider as HcloudProvider } from "@pulumi/hcloud/provider";
import { SshKey } from "@pulumi/hcloud/sshKey";
import * as pulumi from "@pulumi/pulumi";
import { PrivateKey } from "@pulumi/tls/privateKey";

/** Fixed private addresses in the subnet `10.x.1.0/24`: control planes, workers, the API load balancer. */
export function privateAddresses(networkCidr: string, controlPlanes: number, workers: number) {
    const prefix = networkCidr.split(".").slice(0, 2).join(".");
    return {
        subnet: `${prefix}.1.0/24`,
        controlPlanes: Array.from({ length: controlPlanes }, (_, i) => `${prefix}.1.${11 + i}`),
        workers: Array.from({ length: workers }, (_, i) => `${prefix}.1.${101 + i}`),
        apiLoadBalancer: `${prefix}.1.254`,
    };
}

/** Hetzner IDs are numbers in most inputs; resource IDs come back as strings. */
export const numericId = (r: pulumi.CustomResource) => r.id.apply(Number);

export interface HetznerNetworkArgs {
    readonly clusterName: string;
    readonly networkCidr: string;
    readonly networkZone: string;
    readonly location: string;
    readonly adminCidrs: readonly string[];
    readonly addresses: ReturnType<typeof privateAddresses>;
    readonly provider: HcloudProvider;
}

export class HetznerNetwork extends pulumi.ComponentResource {
    public readonly networkId: pulumi.Output<number>;
    public readonly subnet: NetworkSubnet;
    public readonly firewallId: pulumi.Output<number>;
    public readonly sshKeyName: pulumi.Output<string>;
    public readonly apiLoadBalancer: LoadBalancer;

    constructor(name: string, args: HetznerNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:cluster:HetznerNetwork", name, {}, opts);
        const o = { parent: this, provider: args.provider };
        const labels = { "slipway-cluster": args.clusterName };
        const network = new Network(`${name}-network`, { name: args.clusterName, ipRange: args.networkCidr, labels }, o);
        this.networkId = numericId(network);
        this.subnet = new NetworkSubnet(`${name}-subnet`, { networkId: this.networkId, type: "cloud", networkZone: args.networkZone, ipRange: args.addresses.subnet }, o);

        // Only the public side: Hetzner's firewalls do not filter the private network.
        const firewall = new Firewall(
            `${name}-firewall`,
            {
                name: args.clusterName,
                labels,
                rules: [
                    { direction: "in", protocol: "tcp", port: "22", sourceIps: [...args.adminCidrs], description: "SSH from admins" },
                    { direction: "in", protocol: "tcp", port: "6443", sourceIps: [...args.adminCidrs], description: "Kubernetes API from admins" },
                    { direction: "in", protocol: "icmp", sourceIps: ["0.0.0.0/0", "::/0"], description: "ping, path MTU discovery" },
                ],
            },
            o,
        );
        this.firewallId = numericId(firewall);

        // Its private half stays in the state only, secret (`pulumi stack export --show-secrets`), for break-glass access.
        const key = new PrivateKey(`${name}-ssh-key`, { algorithm: "ED25519" }, { parent: this, additionalSecretOutputs: ["privateKeyPem", "privateKeyOpenssh", "privateKeyPemPkcs8"] });
        const sshKey = new SshKey(`${name}-ssh`, { name: args.clusterName, publicKey: key.publicKeyOpenssh, labels }, o);
        this.sshKeyName = sshKey.name;

        // The API behind one private address: workers join through it, whichever control plane is up.
        // No public interface: a load balancer has no firewall, so the public API stays on the servers, fenced above.
        this.apiLoadBalancer = new LoadBalancer(`${name}-api-lb`, { name: `${args.clusterName}-api`, loadBalancerType: "lb11", location: args.location, labels }, o);
        const lbId = numericId(this.apiLoadBalancer);
        const attached = new LoadBalancerNetwork(`${name}-api-lb-network`, { loadBalancerId: lbId, networkId: this.networkId, ip: args.addresses.apiLoadBalancer, enablePublicInterface: false }, { ...o, dependsOn: [this.subnet] });
        new LoadBalancerService(
            `${name}-api-lb-6443`,
            { loadBalancerId: this.apiLoadBalancer.id, protocol: "tcp", listenPort: 6443, destinationPort: 6443, healthCheck: { protocol: "tcp", port: 6443, interval: 5, timeout: 3, retries: 3 } },
            o,
        );
        new LoadBalancerTarget(`${name}-api-lb-targets`, { loadBalancerId: lbId, type: "label_selector", labelSelector: `slipway-cluster=${args.clusterName},slipway-role=control-plane`, usePrivateIp: true }, { ...o, dependsOn: [attached] });
        this.registerOutputs({});
    }
}
