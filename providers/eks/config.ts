// `slipway:eks`: the EKS section of the stack config (composed into config.ts).
import { z } from "zod";
import { IPV4_CIDR } from "../../lib/schema";

/**
 * Regions with at least three Availability Zones for every account (the VPC spans three), where EKS,
 * RDS and ElastiCache all run. us-west-1 and ca-west-1 offer most accounts two, so they are refused;
 * il-central-1 too, as the RDS CA bundle Slipway verifies against has no root for it (a test checks
 * every region listed here has one).
 */
export const EKS_REGIONS = [
    "us-east-1", "us-east-2", "us-west-2", "ca-central-1", "sa-east-1",
    "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2",
    "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
    "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-east-1", "me-central-1", "af-south-1",
] as const;

const IAM_PRINCIPAL = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/;
const OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";

export const eksSchema = z
    .object({
        region: z.enum(EKS_REGIONS),
        /** IAM roles or users (ARNs) made cluster admins: whoever runs `pulumi up` (people, CI) among them. */
        admins: z
            .array(z.string().regex(IAM_PRINCIPAL, "must be an IAM role or user ARN such as arn:aws:iam::123456789012:role/platform"))
            .min(1, "list the IAM roles or users that administer the cluster, whoever runs pulumi up included (for an assumed role, its role ARN: aws sts get-caller-identity shows the session)")
            .refine((a) => new Set(a).size === a.length, "lists a principal twice"),
        /**
         * CIDRs that may reach the public API endpoint (IAM still authenticates). At least one: Pulumi
         * reaches the Kubernetes API from where it runs, which cannot be inside the VPC this stack makes.
         */
        publicAccessCidrs: z
            .array(z.string().regex(IPV4_CIDR, "must be an IPv4 CIDR such as 198.51.100.0/24"))
            .min(1, "list the CIDRs Pulumi and kubectl reach the API from (CI runners, office egress); the VPC is made by this stack, so a private-only endpoint would shut Pulumi out"),
        /** Required to list 0.0.0.0/0: the API is then open to the internet (IAM still authenticates). */
        allowPublicApiFromAnywhere: z.boolean().default(false),
        /** A NAT gateway per Availability Zone (a zone outage keeps egress), and Multi-AZ Valkey. */
        highAvailability: z.boolean().default(true),
        /** The VPC's address range (/16): three private and three public subnets are cut from it. */
        vpcCidr: z.string().regex(new RegExp(`^10\\.${OCTET}\\.0\\.0\\/16$`), "must be a 10.x.0.0/16 range (x from 0 to 255)").default("10.40.0.0/16"),
        /** Days the control plane's api/audit/authenticator logs stay in CloudWatch. */
        logRetentionDays: z.union([z.literal(30), z.literal(90), z.literal(180), z.literal(365)]).default(90),
        /** AWS's deletion protection on the cluster and RDS; false only to destroy the stack for good. */
        deletionProtection: z.boolean().default(true),
    })
    .strict()
    .refine((e) => e.allowPublicApiFromAnywhere || !e.publicAccessCidrs.some((c) => c.endsWith("/0")), {
        message: "0.0.0.0/0 opens the API endpoint to the internet; set allowPublicApiFromAnywhere: true to mean it",
        path: ["publicAccessCidrs"],
    });
