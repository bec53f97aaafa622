// `slipway:hetzner`: the Hetzner section as far as it is known before the target is built (composed into config.ts).
import { z } from "zod";

export const hetznerSchema = z
    .object({
        locations: z.array(z.string().min(1)).min(1).default(["fsn1", "nbg1", "hel1"]),
        controlPlanes: z.number().int().min(1).default(3),
        workers: z.number().int().min(0).default(2),
    })
    .strict();
