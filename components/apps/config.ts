// `slipway:apps`: the app layer's section of the stack config (composed into config.ts).
import { z } from "zod";
import { dnsLabel, NODE_SIZES, port } from "../../lib/schema";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const envName = z.string().regex(ENV_NAME, "must be a valid environment variable name");

// Images must be reproducible: a tag other than "latest", or a digest.
export function isPinnedImage(ref: string): boolean {
    if (/\s/.test(ref) || ref.length === 0) return false;
    const [name, digest] = ref.split("@");
    if (digest !== undefined) return /^sha256:[a-f0-9]{64}$/.test(digest);
    const lastSegment = name.slice(name.lastIndexOf("/") + 1);
    const tag = lastSegment.includes(":") ? lastSegment.slice(lastSegment.indexOf(":") + 1) : undefined;
    return tag !== undefined && tag !== "latest" && /^[\w][\w.-]{0,127}$/.test(tag);
}
const pinnedImage = z.string().refine(isPinnedImage, { message: "must be pinned to a tag (not latest) or a sha256 digest" });

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,63}$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti)$/;

export const secretSource = z.union([
    z.object({ generate: z.object({ length: z.number().int().min(16).max(256).default(50) }).strict() }).strict(),
    z.object({ config: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, "must be a config key name") }).strict(),
]);

export const appSchema = z
    .object({
        name: dnsLabel(30),
        kind: z.enum(["web", "worker", "stateful"]),
        image: pinnedImage,
        port: port.optional(),
        replicas: z.number().int().min(0).max(100).default(1),
        size: z.enum(NODE_SIZES).default("small"),
        command: z.array(z.string()).optional(),
        args: z.array(z.string()).optional(),
        env: z.record(envName, z.string()).default({}),
        secretEnv: z.record(envName, secretSource).default({}),
        /** A database from slipway:database.databases; the app gets DATABASE_URL by Secret. */
        database: z.string().optional(),
        /** Whether the app gets REDIS_URL (needs slipway:cache). */
        cache: z.boolean().default(false),
        /** Other apps this one calls; each gets a NetworkPolicy allow. */
        connectsTo: z.array(z.string()).default([]),
        ingress: z
            .object({
                host: z.string().regex(HOSTNAME, "must be a fully qualified host name"),
                path: z.string().regex(/^\//, "must start with /").default("/"),
                tls: z.boolean().default(false),
            })
            .strict()
            .optional(),
        health: z
            .object({
                /** HTTP path for probes; without it probes check the TCP port. */
                path: z.string().regex(/^\//, "must start with /").optional(),
                /**
                 * Host header of HTTP probes. Defaults to the app's ingress host: the kubelet sends
                 * the pod IP otherwise, which Django's ALLOWED_HOSTS answers with 400.
                 */
                host: z.string().regex(/^(?=.{1,253}$)[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be a host name such as localhost or shop.example.com").optional(),
                /** Command for probes of apps without a port (a Celery worker's ping). */
                command: z.array(z.string()).min(1).optional(),
                /** Seconds a slow start may take before liveness applies. */
                startupSeconds: z.number().int().min(10).max(3600).default(120),
            })
            .strict()
            .default({}),
        migrate: z.object({ command: z.array(z.string()).min(1) }).strict().optional(),
        storage: z
            .object({
                size: z.string().regex(QUANTITY, "must be a quantity such as 1Gi").default("1Gi"),
                mountPath: z.string().regex(/^\//, "must be an absolute path").default("/data"),
            })
            .strict()
            .optional(),
        runAsUser: z.number().int().min(1).max(2147483647).default(10001),
        readOnlyRootFilesystem: z.boolean().default(true),
    })
    .strict();
