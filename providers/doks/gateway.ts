// Traffic on DOKS: DigitalOcean's managed Gateway API (Cilium, GatewayClass `cilium`), on by
// default on VPC-native clusters from 1.33 (docs.digitalocean.com/products/kubernetes/how-to/use-gateway-api).
// It serves the same v1 HTTPRoutes as Traefik elsewhere, puts one DO load balancer in front of each
// Gateway, and DO installs and manages the Gateway API CRDs itself, so Slipway installs neither a
// controller nor CRDs here (ours would collide with DO's).
import type { GatewaySpec } from "../../lib/contracts";
import { selfSignedAttachments } from "../traefik/gateway";

export const DOKS_GATEWAY: GatewaySpec = {
    className: "cilium",
    // Cilium's Envoy listens on the Gateway's own ports, behind the load balancer it requests.
    httpPort: 80,
    httpsPort: 443,
    installController: false,
    healthCheckPolicies: false,
    // Envoy's traffic carries Cilium's `ingress` identity, which no NetworkPolicy peer names.
    sources: [],
    ciliumIngressIdentity: true,
    // Cilium terminates TLS with certificateRefs to Secrets; DO offers no certificate for them.
    attachments: selfSignedAttachments,
};
