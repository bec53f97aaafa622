// `slipway:gke`: the GKE section of the stack config (composed into config.ts).
import { z } from "zod";

export const GCP_PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
export const GCP_REGION = /^[a-z]+-[a-z]+[0-9]+$/;

export const gkeSchema = z
    .object({
        project: z.string().regex(GCP_PROJECT, "must be a GCP project id: 6-30 lower-case letters, digits and '-'"),
        region: z
            .string()
            .regex(GCP_REGION, "must be a GCP region such as us-central1 (a zone such as us-central1-a is not a region)"),
        /**
         * GCP's own deletion protection on the cluster, Cloud SQL and Memorystore. Set false (and
         * `pulumi up`) only to destroy the stack for good: GCP refuses to delete them while it is on.
         */
        deletionProtection: z.boolean().default(true),
        /** GKE release channel; REGULAR gets patches a few weeks after RAPID has proven them. */
        releaseChannel: z.enum(["RAPID", "REGULAR", "STABLE"]).default("REGULAR"),
        /** CIDRs that may also use the control plane's public IP endpoint (the DNS endpoint needs none). */
        masterAuthorizedNetworks: z
            .array(
                z
                    .object({
                        cidr: z
                            .string()
                            .regex(/^\d{1,3}(\.\d{1,3}){3}\/([0-9]|[12][0-9]|3[0-2])$/, "must be an IPv4 CIDR such as 203.0.113.0/24")
                            .refine((c) => !c.endsWith("/0"), { message: "must not open the control plane to the whole internet" }),
                        name: z.string().min(1).max(100),
                    })
                    .strict(),
            )
            .default([]),
    })
    .strict();
