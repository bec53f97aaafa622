// zod building blocks the config contract and every target's config section share.
import { z } from "zod";

export const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** A DNS-1123 label of at most `max` characters. */
export const dnsLabel = (max: number) =>
    z
        .string()
        .max(max, `must be at most ${max} characters`)
        .regex(DNS_LABEL, "must be a DNS-1123 label: lower-case letters, digits and '-', starting with a letter");

export const port = z.number().int().min(1).max(65535);

export const NODE_SIZES = ["small", "medium", "large"] as const;
export type NodeSize = (typeof NODE_SIZES)[number];
