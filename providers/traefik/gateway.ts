// The gateway of targets without a managed one (k3d, existing clusters): Slipway installs Traefik
// with its Gateway API provider, and terminates TLS with a self-signed certificate kept in state.
import type { GatewayAttachmentsFactory, GatewaySpec } from "../../lib/contracts";
import { TRAEFIK_NAMESPACE } from "../../lib/contracts";

/**
 * Gateways whose target has no certificate authority Slipway can rely on terminate `ingress.tls`
 * with a self-signed certificate (kept in state), so TLS works out of the box; a real certificate
 * replaces the Secret's contents (README).
 */
export const selfSignedAttachments: GatewayAttachmentsFactory = (name, args, opts) => {
    if (args.hosts.length === 0) return {};
    const { SelfSignedTls } = require("./self-signed-tls") as typeof import("./self-signed-tls");
    const tls = new SelfSignedTls(name, args, opts);
    return { certificateRefs: [{ name: tls.secretName }] };
};

/** The Gateway spec of targets without a managed gateway: Slipway installs Traefik. */
export const traefikGateway: GatewaySpec = {
    className: "traefik",
    // Traefik binds Gateway listeners to its entryPoints, whose in-pod ports are 8000/8443.
    httpPort: 8000,
    httpsPort: 8443,
    installController: true,
    exposure: { type: "LoadBalancer" },
    healthCheckPolicies: false,
    sources: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": TRAEFIK_NAMESPACE } } }],
    attachments: selfSignedAttachments,
};
