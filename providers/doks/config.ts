// `slipway:doks`: the DigitalOcean section (composed into config.ts); the DOKS target fills it in.
import { z } from "zod";

/** The section as far as it is known before the DOKS target is built: its region. */
export const doksSchema = z.object({ region: z.string().min(1) }).strict();
