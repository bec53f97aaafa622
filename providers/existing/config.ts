// `slipway:existing`: a cluster the user already has (composed into config.ts).
import { z } from "zod";
import { dnsLabel, port } from "../../lib/schema";

export const existingSchema = z
    .object({
        /** The kubeconfig context to deploy into. */
        context: z.string().min(1),
        /** Path of the kubeconfig file; defaults to $KUBECONFIG or ~/.kube/config. */
        kubeconfig: z.string().min(1).optional(),
        /**
         * Where data volumes go. Required: a cluster's default class usually reclaims with Delete,
         * which would take the data with a deleted claim. Either a class the cluster already has
         * with reclaimPolicy Retain, or a provisioner for which Slipway creates one.
         */
        storage: z.union([
            z.object({ retainedClass: dnsLabel(63) }).strict(),
            z
                .object({
                    /** CSI driver / provisioner name, e.g. rancher.io/local-path (kind), ebs.csi.aws.com. */
                    provisioner: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(\/[-a-z0-9.]+)?$/, "must be a provisioner name such as rancher.io/local-path"),
                    parameters: z.record(z.string(), z.string()).default({}),
                    allowVolumeExpansion: z.boolean().default(false),
                })
                .strict(),
        ]),
        gateway: z
            .object({
                /**
                 * Install Traefik and the Gateway API CRDs (they are then Slipway's: `pulumi destroy`
                 * removes them), or use the Gateway controller a shared cluster already runs.
                 */
                install: z.boolean().default(true),
                /**
                 * How the installed Traefik is reached: NodePort (default: works on any cluster and
                 * never leaves `pulumi up` waiting), LoadBalancer (clusters with a load-balancer
                 * controller), or ClusterIP (`kubectl port-forward` only).
                 */
                exposure: z.enum(["NodePort", "LoadBalancer", "ClusterIP"]).default("NodePort"),
                /** NodePorts for HTTP and HTTPS (exposure NodePort), in the cluster's default range. */
                nodePorts: z
                    .object({ http: z.number().int().min(30000).max(32767).default(30080), https: z.number().int().min(30000).max(32767).default(30443) })
                    .strict()
                    .default({}),
                /** GatewayClass of the cluster's own controller (when install is false). */
                className: dnsLabel(63).default("traefik"),
                /** Namespace its data-plane pods run in; NetworkPolicies admit gateway traffic from it. */
                namespace: dnsLabel(63).default("traefik"),
                /** Listener ports the controller serves (Traefik's entryPoints are 8000/8443). */
                httpPort: port.optional(),
                httpsPort: port.optional(),
            })
            .strict()
            .refine((g) => !g.install || (g.className === "traefik" && g.namespace === "traefik" && g.httpPort === undefined && g.httpsPort === undefined), {
                message: "className, namespace and ports describe a controller the cluster already runs; set install: false to use them",
            })
            .refine((g) => g.nodePorts.http !== g.nodePorts.https, { message: "nodePorts.http and nodePorts.https must differ", path: ["nodePorts"] })
            .default({}),
    })
    .strict();
