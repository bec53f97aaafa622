// `slipway:doks`: the DigitalOcean section of the stack config (composed into config.ts).
import { z } from "zod";
import { cidrsOverlap, IPV4_CIDR } from "../../lib/schema";

/**
 * Regions where DOKS, Managed PostgreSQL and Managed Valkey all run: the `Region` enum of
 * @pulumi/digitalocean 4.80.1 without the legacy ones closed to new resources (nyc2, ams2, sfo1, sfo2).
 */
export const DOKS_REGIONS = ["nyc1", "nyc3", "sfo3", "tor1", "ams3", "lon1", "fra1", "blr1", "sgp1", "syd1"] as const;

export const MAINTENANCE_DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;

/**
 * Ranges DOKS takes as "no VPC-native networking": its legacy overlay defaults for pods and
 * Services (doctl `kubernetes cluster create --cluster-subnet/--service-subnet` help text).
 */
const LEGACY_OVERLAY = ["10.244.0.0/16", "10.245.0.0/16"];

const privateCidr = (what: string, example: string) =>
    z
        .string()
        .regex(IPV4_CIDR, `must be an IPv4 CIDR such as ${example}`)
        .refine((c) => /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(c), `${what} must be a private (RFC 1918) range`);

const cidrOfSize = (what: string, example: string, smallest: number, largest: number) =>
    privateCidr(what, example).refine((c) => {
        const bits = Number(c.split("/")[1]);
        return bits >= largest && bits <= smallest;
    }, `${what} must be between /${largest} and /${smallest}`);

export const doksSchema = z
    .object({
        region: z.enum(DOKS_REGIONS),
        /**
         * HA control plane (DOKS: cannot be turned off once on; $40/month) and a Valkey standby.
         * The database's standby follows `database.highAvailability`.
         */
        highAvailability: z.boolean().default(true),
        /** The VPC's range: /24 to /16 (the VPC API's limits), not overlapping another VPC of the account. */
        vpcCidr: cidrOfSize("vpcCidr", "10.110.0.0/20", 24, 16).default("10.110.0.0/20"),
        /**
         * Pod and Service ranges of the VPC-native cluster: set at creation and never changed (a
         * change replaces the cluster), unique across the account's VPC-native clusters.
         */
        podCidr: cidrOfSize("podCidr", "10.112.0.0/16", 20, 16).default("10.112.0.0/16"),
        serviceCidr: cidrOfSize("serviceCidr", "10.113.0.0/22", 24, 16).default("10.113.0.0/22"),
        /**
         * The control plane firewall: only these CIDRs reach the Kubernetes API (DOKS still admits
         * its nodes). Pulumi's and kubectl's egress must be among them. Absent: the API is public.
         */
        apiAllowedCidrs: z
            .array(z.string().regex(IPV4_CIDR, "must be an IPv4 CIDR such as 198.51.100.0/24").refine((c) => !c.endsWith("/0"), "a /0 allows everyone: leave apiAllowedCidrs out instead"))
            .min(1)
            .optional(),
        /** When DOKS may apply patch upgrades (UTC); DO takes about 4 hours. */
        maintenance: z
            .object({
                day: z.enum(MAINTENANCE_DAYS).default("sunday"),
                startTime: z.string().regex(/^([01]\d|2[0-3]):00$/, 'must be a whole hour such as "04:00" (UTC)').default("04:00"),
            })
            .strict()
            .default({}),
    })
    .strict()
    .superRefine((d, ctx) => {
        const ranges: [string, string][] = [["vpcCidr", d.vpcCidr], ["podCidr", d.podCidr], ["serviceCidr", d.serviceCidr]];
        ranges.forEach(([key, cidr], i) => {
            for (const [otherKey, other] of ranges.slice(i + 1)) {
                if (cidrsOverlap(cidr, other)) ctx.addIssue({ code: "custom", path: [otherKey], message: `${other} overlaps ${key} (${cidr}); the VPC, pod and Service ranges must be disjoint` });
            }
            if (key !== "vpcCidr" && LEGACY_OVERLAY.some((legacy) => cidrsOverlap(cidr, legacy))) {
                ctx.addIssue({ code: "custom", path: [key], message: `${cidr} overlaps DOKS's legacy overlay defaults (${LEGACY_OVERLAY.join(", ")}); choose another range so the cluster is VPC-native` });
            }
        });
    });
