// What GKE's Gateway gets from Google Cloud: a static global IP (so DNS records outlive the
// Gateway) and Google-managed certificates from Certificate Manager for the apps' TLS hosts.
//
// Why Google-managed certificates rather than cert-manager: GKE's external Gateway is a Google load
// balancer that terminates TLS itself and reads certificates from Certificate Manager through the
// `networking.gke.io/certmap` annotation. Nothing runs in the cluster (no controller, no ACME
// solver pods, no Secret holding a private key), renewal is Google's job, and issuance uses load
// balancer authorization: once the host's DNS points at the address below, the certificate is issued.
import * as certificatemanager from "@pulumi/gcp/certificatemanager";
import * as compute from "@pulumi/gcp/compute";
import * as pulumi from "@pulumi/pulumi";
import type { GatewayAttachmentsFactory } from "../../lib/contracts";

/** Certificate Manager resource names: lower-case letters, digits and '-', from a host name. */
export function certificateName(prefix: string, host: string): string {
    return `${prefix}-${host.replace(/\./g, "-")}`.slice(0, 63).replace(/-+$/, "");
}

/**
 * The GKE Gateway's attachments: always a reserved global address; for TLS hosts, one managed
 * certificate per host, a certificate map with an entry per host, and the annotation naming it.
 */
export function googleGatewayAttachments(clusterName: string, gcpOpts: pulumi.CustomResourceOptions): GatewayAttachmentsFactory {
    return (name, args, opts) => {
        const parentOpts = { ...gcpOpts, parent: opts.parent ?? gcpOpts.parent };
        const address = new compute.GlobalAddress(`${name}-address`, { name: `${clusterName}-gateway`, addressType: "EXTERNAL", ipVersion: "IPV4" }, parentOpts);
        const attachments = { addresses: [{ type: "NamedAddress", value: address.name }] };
        if (args.hosts.length === 0) return attachments;

        const map = new certificatemanager.CertificateMap(`${name}-certmap`, { name: `${clusterName}-gateway`, description: "Slipway gateway certificates" }, parentOpts);
        for (const host of args.hosts) {
            const certificate = new certificatemanager.Certificate(
                `${name}-${host}`,
                { name: certificateName(clusterName, host), scope: "DEFAULT", managed: { domains: [host] } },
                parentOpts,
            );
            new certificatemanager.CertificateMapEntry(
                `${name}-${host}-entry`,
                { name: certificateName(`${clusterName}-entry`, host), map: map.name, hostname: host, certificates: [certificate.id] },
                parentOpts,
            );
        }
        return { ...attachments, annotations: { "networking.gke.io/certmap": map.name } };
    };
}
