// The EKS stack's own VPC across three Availability Zones: private subnets for nodes, RDS and Valkey
// (tagged for internal load balancers), public ones for NAT and internet-facing load balancers
// (terraform-aws-modules/vpc's layout). Nodes reach the internet through NAT: one per zone when
// highly available (a zone outage keeps egress), else one.
import * as ec2 from "@pulumi/aws/ec2";
import { getAvailabilityZonesOutput } from "@pulumi/aws/getAvailabilityZones";
import type { Provider as AwsProvider } from "@pulumi/aws/provider";
import * as pulumi from "@pulumi/pulumi";
import { subnetPlan } from "./settings";


/**
 * Zones for the VPC: available ones, Availability Zones only (opt-in-not-required drops Local and
 * Wavelength Zones), minus the zone IDs whose subnets EKS refuses (EKS user guide,
 * networking/network-reqs.adoc: use1-az3, usw1-az2, cac1-az3).
 */
export const EKS_ZONE_QUERY = {
    state: "available",
    excludeZoneIds: ["use1-az3", "usw1-az2", "cac1-az3"],
    filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
};

export interface EksNetworkArgs {
    readonly clusterName: string;
    readonly vpcCidr: string;
    readonly highAvailability: boolean;
    readonly provider: AwsProvider;
}

export class EksNetwork extends pulumi.ComponentResource {
    public readonly vpcId: pulumi.Output<string>;
    public readonly privateSubnetIds: pulumi.Output<string>[];
    public readonly publicSubnetIds: pulumi.Output<string>[];

    constructor(name: string, args: EksNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:eks:Network", name, args, opts);
        const o = { parent: this, provider: args.provider };
        const tags = (extra: Record<string, string> = {}) => ({ "slipway.dev/cluster": args.clusterName, ...extra });
        // Three zones, always: the count is plain config, the zone names come from the region. Not
        // Local Zones, and not the zones EKS refuses subnets in (names map to zone IDs per account).
        const zones = getAvailabilityZonesOutput(EKS_ZONE_QUERY, o).names;
        const plan = subnetPlan(args.vpcCidr);

        const vpc = new ec2.Vpc(`${name}-vpc`, { cidrBlock: args.vpcCidr, enableDnsHostnames: true, enableDnsSupport: true, tags: tags({ Name: args.clusterName }) }, o);
        this.vpcId = vpc.id;
        const igw = new ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tags() }, o);
        const publicRoutes = new ec2.RouteTable(`${name}-public`, { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }], tags: tags() }, o);

        const cluster = `kubernetes.io/cluster/${args.clusterName}`;
        const publicSubnets = plan.public.map((cidrBlock, i) => {
            const subnet = new ec2.Subnet(
                `${name}-public-${i}`,
                { vpcId: vpc.id, cidrBlock, availabilityZone: zones[i], mapPublicIpOnLaunch: false, tags: tags({ "kubernetes.io/role/elb": "1", [cluster]: "shared" }) },
                o,
            );
            new ec2.RouteTableAssociation(`${name}-public-${i}`, { subnetId: subnet.id, routeTableId: publicRoutes.id }, o);
            return subnet;
        });
        const nats = (args.highAvailability ? [0, 1, 2] : [0]).map((i) => {
            const ip = new ec2.Eip(`${name}-nat-${i}`, { domain: "vpc", tags: tags() }, o);
            return new ec2.NatGateway(`${name}-nat-${i}`, { allocationId: ip.id, subnetId: publicSubnets[i].id, tags: tags() }, { ...o, dependsOn: [igw] });
        });
        const privateSubnets = plan.private.map((cidrBlock, i) => {
            const subnet = new ec2.Subnet(
                `${name}-private-${i}`,
                { vpcId: vpc.id, cidrBlock, availabilityZone: zones[i], tags: tags({ "kubernetes.io/role/internal-elb": "1", [cluster]: "shared" }) },
                o,
            );
            const nat = nats[args.highAvailability ? i : 0];
            const routes = new ec2.RouteTable(`${name}-private-${i}`, { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }], tags: tags() }, o);
            new ec2.RouteTableAssociation(`${name}-private-${i}`, { subnetId: subnet.id, routeTableId: routes.id }, o);
            return subnet;
        });
        this.privateSubnetIds = privateSubnets.map((s) => s.id);
        this.publicSubnetIds = publicSubnets.map((s) => s.id);
        this.registerOutputs({ vpcId: this.vpcId });
    }
}
