// `slipway:k3d`: the k3d section of the stack config (composed into config.ts).
import { z } from "zod";
import { port } from "../../lib/schema";

export const k3dSchema = z
    .object({
        servers: z.number().int().min(1).max(7).default(1),
        // Agents default to 0: after a host reboot k3d agents come back with a new IP and stay
        // NotReady, stranding their pods in Unknown (k3d issue 1637). Servers keep theirs.
        agents: z.number().int().min(0).max(9).default(0),
        /** Host folder that holds every PVC's data; survives restarts and cluster re-creation. */
        dataDir: z.string().regex(/^(~|\/)/, "must be an absolute path (or start with ~)").optional(),
        httpPort: port.default(8080),
        httpsPort: port.default(8443),
        /** Host address the gateway ports are published on; 0.0.0.0 shares the apps with the local network. */
        hostIP: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/, "must be an IPv4 address such as 127.0.0.1").default("127.0.0.1"),
        apiPort: port.default(6550),
        /** A fixed Docker subnet keeps node IPs stable across restarts. */
        subnet: z
            .string()
            .regex(/^\d{1,3}(\.\d{1,3}){3}\/(1[6-9]|2[0-8])$/, "must be an IPv4 CIDR from /16 to /28")
            .default("172.28.0.0/16"),
    })
    .strict();
