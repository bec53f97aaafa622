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

const OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
/** An IPv4 CIDR such as 198.51.100.0/24. */
export const IPV4_CIDR = new RegExp(`^${OCTET}(\\.${OCTET}){3}\\/([0-9]|[12][0-9]|3[0-2])$`);

/** The first and last address of an IPv4 CIDR, as 32-bit numbers (for overlap checks). */
export function cidrRange(cidr: string): { first: number; last: number } {
    const [ip, bits] = cidr.split("/");
    const base = ip.split(".").reduce((n, o) => n * 256 + Number(o), 0);
    const size = 2 ** (32 - Number(bits));
    const first = base - (base % size);
    return { first, last: first + size - 1 };
}

/** Whether two IPv4 CIDRs share any address. */
export function cidrsOverlap(a: string, b: string): boolean {
    const x = cidrRange(a);
    const y = cidrRange(b);
    return x.first <= y.last && y.first <= x.last;
}
