// `slipway:eks`: the EKS section (composed into config.ts); the EKS target fills it in.
import { z } from "zod";

/** The section as far as it is known before the EKS target is built: its region. */
export const eksSchema = z.object({ region: z.string().min(1) }).strict();
