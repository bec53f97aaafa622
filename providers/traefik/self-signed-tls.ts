// A self-signed certificate for the Gateway's HTTPS hosts on targets without a managed certificate
// service (k3d, existing). Key and certificate live in the stack's state, so they are stable across
// updates and rotate only when the host list changes or renewal is due.
import type * as k8s from "@pulumi/kubernetes";
import * as corev1 from "@pulumi/kubernetes/core/v1";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { commonLabels } from "../../lib/workload";

/** One year, renewed by `pulumi up` during its last 30 days. */
export const CERT_VALIDITY_HOURS = 24 * 365;
export const CERT_EARLY_RENEWAL_HOURS = 24 * 30;
export const GATEWAY_TLS_SECRET = "slipway-gateway-tls";

export interface SelfSignedTlsArgs {
    readonly hosts: readonly string[];
    readonly namespace: pulumi.Input<string>;
    readonly provider: k8s.Provider;
}

export class SelfSignedTls extends pulumi.ComponentResource {
    /** The kubernetes.io/tls Secret the Gateway's HTTPS listener references. */
    public readonly secretName: pulumi.Output<string>;

    constructor(name: string, args: SelfSignedTlsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:platform:SelfSignedTls", name, args, opts);
        const key = new tls.PrivateKey(`${name}-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, { parent: this, additionalSecretOutputs: ["privateKeyPem"] });
        const cert = new tls.SelfSignedCert(
            `${name}-cert`,
            {
                privateKeyPem: key.privateKeyPem,
                subject: { commonName: args.hosts[0], organization: "Slipway (self-signed)" },
                dnsNames: [...args.hosts],
                validityPeriodHours: CERT_VALIDITY_HOURS,
                earlyRenewalHours: CERT_EARLY_RENEWAL_HOURS,
                allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
            },
            { parent: this },
        );
        const secret = new corev1.Secret(
            `${name}-secret`,
            {
                metadata: { name: GATEWAY_TLS_SECRET, namespace: args.namespace, labels: commonLabels("gateway", "tls") },
                type: "kubernetes.io/tls",
                stringData: { "tls.crt": cert.certPem, "tls.key": pulumi.secret(key.privateKeyPem) },
            },
            { parent: this, provider: args.provider },
        );
        this.secretName = secret.metadata.name;
        this.registerOutputs({ secretName: this.secretName });
    }
}
