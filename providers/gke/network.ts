// The prod stack's own VPC: nodes without public IPs reach the internet through Cloud NAT, pods and
// Services get their own secondary ranges (VPC-native), and Cloud SQL / Memorystore get private IPs
// through a peering range (private services access), so no database is ever on a public address.
import * as compute from "@pulumi/gcp/compute";
import type { Provider as GcpProvider } from "@pulumi/gcp/provider";
import * as servicenetworking from "@pulumi/gcp/servicenetworking";
import * as pulumi from "@pulumi/pulumi";

/** Address plan. Disjoint from each other and from the Google-managed ranges; tests check both. */
export const GKE_RANGES = {
    /** Node IPs (4,096 nodes). */
    nodes: "10.10.0.0/20",
    /** Pod IPs (secondary range): /24 per node at 110 pods, so room for 1,024 nodes. */
    pods: "10.16.0.0/14",
    /** ClusterIP Services (secondary range). */
    services: "10.20.0.0/20",
    /**
     * Private services access (Cloud SQL, Memorystore). Pinned rather than auto-allocated: GCP
     * could otherwise pick a block that overlaps the subnet ranges above while they are being created.
     */
    privateServices: "10.64.0.0/16",
} as const;
/** Size of the private services access range that Cloud SQL and Memorystore take their IPs from. */
export const PRIVATE_SERVICES_PREFIX = Number(GKE_RANGES.privateServices.split("/")[1]);
export const POD_RANGE_NAME = "pods";
export const SERVICE_RANGE_NAME = "services";

function cidrBounds(cidr: string): [number, number] {
    const [ip, bits] = cidr.split("/");
    const base = ip.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
    const size = 2 ** (32 - Number(bits));
    const start = base - (base % size);
    return [start, start + size - 1];
}

/** Whether two IPv4 CIDRs share any address. */
export function cidrsOverlap(a: string, b: string): boolean {
    const [aStart, aEnd] = cidrBounds(a);
    const [bStart, bEnd] = cidrBounds(b);
    return aStart <= bEnd && bStart <= aEnd;
}

export interface GkeNetworkArgs {
    /** Prefix of the GCP resource names (the cluster's name): readable in the console, unique per project. */
    readonly clusterName: string;
    /** The region the subnet, router and NAT live in. */
    readonly region: string;
    /** The explicit GCP provider (project and region from config). */
    readonly provider: GcpProvider;
    /** APIs that must be enabled first (compute, servicenetworking). */
    readonly dependsOn: pulumi.Resource[];
}

export class GkeNetwork extends pulumi.ComponentResource {
    public readonly networkId: pulumi.Output<string>;
    public readonly subnetworkId: pulumi.Output<string>;
    /** Name of the peering range Cloud SQL and Memorystore allocate from. */
    public readonly privateServicesRangeName: pulumi.Output<string>;
    /** The peering with Google's service producer network; managed databases must wait for it. */
    public readonly privateServicesConnection: servicenetworking.Connection;

    constructor(name: string, args: GkeNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:gke:Network", name, args, opts);
        const childOpts = { parent: this, provider: args.provider };

        const network = new compute.Network(
            `${name}-vpc`,
            // Custom mode: only the subnet below exists, so no default firewall-open subnets in every region.
            { name: args.clusterName, autoCreateSubnetworks: false, routingMode: "REGIONAL", description: "Slipway GKE network" },
            { ...childOpts, dependsOn: args.dependsOn },
        );
        this.networkId = network.id;

        const subnet = new compute.Subnetwork(
            `${name}-nodes`,
            {
                name: `${args.clusterName}-nodes`,
                network: network.id,
                region: args.region,
                ipCidrRange: GKE_RANGES.nodes,
                secondaryIpRanges: [
                    { rangeName: POD_RANGE_NAME, ipCidrRange: GKE_RANGES.pods },
                    { rangeName: SERVICE_RANGE_NAME, ipCidrRange: GKE_RANGES.services },
                ],
                // Private nodes still pull images from Artifact Registry and talk to Google APIs.
                privateIpGoogleAccess: true,
                logConfig: { aggregationInterval: "INTERVAL_10_MIN", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" },
            },
            childOpts,
        );
        this.subnetworkId = subnet.id;

        const router = new compute.Router(`${name}-router`, { name: `${args.clusterName}-router`, network: network.id, region: args.region }, childOpts);
        new compute.RouterNat(
            `${name}-nat`,
            {
                name: `${args.clusterName}-nat`,
                router: router.name,
                region: args.region,
                natIpAllocateOption: "AUTO_ONLY",
                sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
                logConfig: { enable: true, filter: "ERRORS_ONLY" },
            },
            childOpts,
        );

        const peeringRange = new compute.GlobalAddress(
            `${name}-private-services`,
            { name: `${args.clusterName}-private-services`, network: network.id, purpose: "VPC_PEERING", addressType: "INTERNAL", address: GKE_RANGES.privateServices.split("/")[0], prefixLength: PRIVATE_SERVICES_PREFIX },
            childOpts,
        );
        this.privateServicesRangeName = peeringRange.name;
        this.privateServicesConnection = new servicenetworking.Connection(
            `${name}-private-services`,
            {
                network: network.id,
                service: "servicenetworking.googleapis.com",
                reservedPeeringRanges: [peeringRange.name],
                // GCP refuses to remove the peering while a Cloud SQL instance (even a deleted one, for
                // days) still uses it; abandoning it lets `pulumi destroy` finish.
                deletionPolicy: "ABANDON",
                // A re-created stack finds the abandoned peering and updates it instead of failing.
                updateOnCreationFail: true,
            },
            childOpts,
        );

        this.registerOutputs({
            networkId: this.networkId,
            subnetworkId: this.subnetworkId,
            privateServicesRangeName: this.privateServicesRangeName,
        });
    }
}
