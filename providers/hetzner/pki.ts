// The k3s cluster's certificate authorities, made by Pulumi before any server exists, so the admin
// kubeconfig is known without reading a file back over SSH. k3s "Using Custom CA Certificates"
// (docs.k3s.io/cli/certificate): when these files are in /var/lib/rancher/k3s/server/tls on the first
// server's first start, k3s uses them instead of generating its own; joining servers receive them
// from the datastore (encrypted with the token). Independent self-signed CAs are k3s's own default
// topology. The keys live in the stack's state, always as secrets.
import * as pulumi from "@pulumi/pulumi";
import { CertRequest } from "@pulumi/tls/certRequest";
import { LocallySignedCert } from "@pulumi/tls/locallySignedCert";
import { PrivateKey } from "@pulumi/tls/privateKey";
import { SelfSignedCert } from "@pulumi/tls/selfSignedCert";

/** The CAs k3s needs, by the file name under server/tls (without .crt/.key). */
export const K3S_CA_FILES = ["server-ca", "client-ca", "request-header-ca", "etcd/peer-ca", "etcd/server-ca"] as const;
export type K3sCaFile = (typeof K3S_CA_FILES)[number];

/** Ten years, as k3s's own CAs. */
const CA_HOURS = 10 * 365 * 24;
/** The admin client certificate: a year, renewed by Pulumi 30 days before it ends. */
const ADMIN_HOURS = 365 * 24;

export interface ClusterPki {
    /** Every file the first server must hold before its first start: path under server/tls -> PEM. */
    readonly files: pulumi.Output<Record<string, string>>;
    readonly serverCaPem: pulumi.Output<string>;
    readonly adminCertPem: pulumi.Output<string>;
    readonly adminKeyPem: pulumi.Output<string>;
}

export function clusterPki(name: string, clusterName: string, parent: pulumi.Resource): ClusterPki {
    const o = { parent, additionalSecretOutputs: ["privateKeyPem", "privateKeyOpenssh", "privateKeyPemPkcs8"] };
    const cas = K3S_CA_FILES.map((file) => {
        const key = new PrivateKey(`${name}-${file.replace("/", "-")}-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, o);
        const cert = new SelfSignedCert(
            `${name}-${file.replace("/", "-")}`,
            {
                privateKeyPem: key.privateKeyPem,
                subject: { commonName: `${clusterName}-${file.replace("etcd/", "etcd-")}` },
                isCaCertificate: true,
                validityPeriodHours: CA_HOURS,
                allowedUses: ["cert_signing", "crl_signing", "digital_signature", "key_encipherment"],
            },
            { parent },
        );
        return { file, key, cert };
    });
    // The service-account signing key (RSA, as k3s makes it): a key with no certificate.
    const serviceKey = new PrivateKey(`${name}-service-key`, { algorithm: "RSA", rsaBits: 2048 }, o);

    const clientCa = cas.find((c) => c.file === "client-ca")!;
    const adminKey = new PrivateKey(`${name}-admin-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, o);
    // What k3s gives its own admin: system:masters, client auth, signed by the client CA.
    const adminCsr = new CertRequest(`${name}-admin-csr`, { privateKeyPem: adminKey.privateKeyPem, subject: { commonName: "system:admin", organization: "system:masters" } }, { parent });
    const admin = new LocallySignedCert(
        `${name}-admin-cert`,
        {
            certRequestPem: adminCsr.certRequestPem,
            caCertPem: clientCa.cert.certPem,
            caPrivateKeyPem: clientCa.key.privateKeyPem,
            validityPeriodHours: ADMIN_HOURS,
            earlyRenewalHours: 30 * 24,
            allowedUses: ["client_auth", "digital_signature", "key_encipherment"],
        },
        { parent },
    );

    const pairs = cas.flatMap((c) => [
        [`${c.file}.crt`, c.cert.certPem],
        [`${c.file}.key`, c.key.privateKeyPem],
    ]) as [string, pulumi.Output<string>][];
    const files = pulumi.secret(
        pulumi.all([...pairs.map(([, pem]) => pem), serviceKey.privateKeyPem]).apply(
            (pems): Record<string, string> => ({ ...Object.fromEntries(pairs.map(([path], i) => [path, pems[i]])), "service.key": pems[pems.length - 1] }),
        ),
    );
    return {
        files,
        serverCaPem: cas.find((c) => c.file === "server-ca")!.cert.certPem,
        adminCertPem: admin.certPem,
        adminKeyPem: pulumi.secret(adminKey.privateKeyPem),
    };
}

/** The admin kubeconfig: the API at `server`, trusted by the server CA, a client certificate of system:masters. */
export function k3sKubeconfig(clusterName: string, server: string, serverCaPem: string, certPem: string, keyPem: string): string {
    const b64 = (s: string) => Buffer.from(s).toString("base64");
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: clusterName, cluster: { server, "certificate-authority-data": b64(serverCaPem) } }],
        contexts: [{ name: clusterName, context: { cluster: clusterName, user: `${clusterName}-admin` } }],
        "current-context": clusterName,
        users: [{ name: `${clusterName}-admin`, user: { "client-certificate-data": b64(certPem), "client-key-data": b64(keyPem) } }],
    });
}
