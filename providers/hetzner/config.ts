// `slipway:hetzner`: the Hetzner Cloud section of the stack config (composed into config.ts).
import { z } from "zod";
import { cidrsOverlap, IPV4_CIDR } from "../../lib/schema";

/**
 * Locations by network zone: one private network subnet lives in one zone, so every server of a
 * stack must be in the same zone (hcloud `NetworkSubnet.networkZone`).
 */
export const HETZNER_ZONES: Record<string, readonly string[]> = {
    "eu-central": ["fsn1", "nbg1", "hel1"],
    "us-east": ["ash"],
    "us-west": ["hil"],
    "ap-southeast": ["sin"],
};
export const HETZNER_LOCATIONS = Object.values(HETZNER_ZONES).flat() as [string, ...string[]];

/** The network zone a location belongs to (undefined for an unknown location). */
export function networkZoneOf(location: string): string | undefined {
    return Object.entries(HETZNER_ZONES).find(([, ls]) => ls.includes(location))?.[0];
}

/**
 * Server types Hetzner sells on 2026-11-29 and where (the CX gen-3 line replaced cx22-cx52, which
 * are deprecated; CX and CAX are sold in the EU locations only, CPX everywhere). `hcloud server-type
 * list` has the live catalogue.
 */
export const HETZNER_SERVER_TYPES: Record<string, { vcpu: number; memoryGb: number; arch: "x86" | "arm"; locations: readonly string[] }> = {
    cx23: { vcpu: 2, memoryGb: 4, arch: "x86", locations: HETZNER_ZONES["eu-central"] },
    cx33: { vcpu: 4, memoryGb: 8, arch: "x86", locations: HETZNER_ZONES["eu-central"] },
    cx43: { vcpu: 8, memoryGb: 16, arch: "x86", locations: HETZNER_ZONES["eu-central"] },
    cx53: { vcpu: 16, memoryGb: 32, arch: "x86", locations: HETZNER_ZONES["eu-central"] },
    cpx22: { vcpu: 2, memoryGb: 4, arch: "x86", locations: HETZNER_LOCATIONS },
    cpx32: { vcpu: 4, memoryGb: 8, arch: "x86", locations: HETZNER_LOCATIONS },
    cpx42: { vcpu: 8, memoryGb: 16, arch: "x86", locations: HETZNER_LOCATIONS },
    cax21: { vcpu: 4, memoryGb: 8, arch: "arm", locations: HETZNER_ZONES["eu-central"] },
    cax31: { vcpu: 8, memoryGb: 16, arch: "arm", locations: HETZNER_ZONES["eu-central"] },
};
const TYPES = Object.keys(HETZNER_SERVER_TYPES) as [string, ...string[]];

const cidr = z.string().regex(IPV4_CIDR, "must be an IPv4 CIDR such as 198.51.100.0/24");

export const hetznerSchema = z
    .object({
        /** Where the servers go, spread in turn over these (one network zone). */
        locations: z.array(z.enum(HETZNER_LOCATIONS)).min(1).default(["fsn1", "nbg1", "hel1"]),
        /** Servers running the Kubernetes API and embedded etcd: an odd number keeps a quorum. */
        controlPlanes: z.number().int().min(1).max(9).refine((n) => n % 2 === 1, "must be odd (1, 3, 5...): etcd needs a majority").default(3),
        /** Servers that only run workloads. */
        workers: z.number().int().min(0).max(50).default(2),
        serverType: z.enum(TYPES).default("cx33"),
        controlPlaneType: z.enum(TYPES).default("cx23"),
        /** Who may reach SSH (22) and the Kubernetes API (6443) on the servers: Pulumi's and your egress. */
        adminCidrs: z.array(cidr).min(1, "list the CIDRs Pulumi, kubectl and SSH come from (CI runners, office egress)"),
        /** Required to list 0.0.0.0/0: SSH and the API are then open to the internet (keys and certificates still authenticate). */
        allowAdminFromAnywhere: z.boolean().default(false),
        /** The private network (/16) the servers, the API load balancer and the gateway's load balancer share. */
        networkCidr: z.string().regex(/^10\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.0\.0\/16$/, "must be a 10.x.0.0/16 range").default("10.0.0.0/16"),
    })
    .strict()
    .superRefine((h, ctx) => {
        if (!h.allowAdminFromAnywhere) {
            h.adminCidrs.forEach((c, i) => {
                if (c.endsWith("/0")) ctx.addIssue({ code: "custom", path: ["adminCidrs", i], message: "0.0.0.0/0 opens SSH and the API to the internet; set allowAdminFromAnywhere: true to mean it" });
            });
        }
        for (const [what, range] of [["pods", "10.42.0.0/16"], ["Services", "10.43.0.0/16"]]) {
            if (cidrsOverlap(h.networkCidr, range)) ctx.addIssue({ code: "custom", path: ["networkCidr"], message: `${h.networkCidr} overlaps the range k3s gives ${what} (${range}); choose another 10.x.0.0/16` });
        }
        const zones = new Set(h.locations.map(networkZoneOf));
        if (zones.size > 1) ctx.addIssue({ code: "custom", path: ["locations"], message: `spans network zones ${[...zones].join(", ")}; one private network covers one zone: ${Object.entries(HETZNER_ZONES).map(([z, ls]) => `${z} (${ls.join(", ")})`).join("; ")}` });
        for (const key of ["serverType", "controlPlaneType"] as const) {
            const sold = HETZNER_SERVER_TYPES[h[key]].locations;
            const missing = h.locations.filter((l) => !sold.includes(l));
            if (missing.length > 0) ctx.addIssue({ code: "custom", path: [key], message: `${h[key]} is not sold in ${missing.join(", ")}; allowed there: ${TYPES.filter((t) => missing.every((l) => HETZNER_SERVER_TYPES[t].locations.includes(l))).join(", ")}` });
        }
    });
