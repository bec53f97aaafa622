// `ingress.tls: true` on each target: a self-signed certificate in a Secret where Slipway installs
// Traefik (k3d, existing), Google-managed certificates through a certificate map on GKE. The app's
// config is the same on both; only the Gateway's attachments differ.
import { kubernetesObjects } from "../scripts/manifests";
import type { ProgramRun } from "../scripts/offline";
import { validateObjects } from "../scripts/validate";
import { find, findAll, isSecretPath, kubernetesProviderOf, runStack, stackConfig } from "./helpers";

const HOST = "shop.localtest.me";
const withTls = (stack: string) =>
    runStack(
        stack,
        stackConfig(stack, (v) => {
            v["slipway:apps"].find((a: any) => a.name === "web").ingress.tls = true;
        }),
    );
const gatewayOf = (run: ProgramRun) => find(run, "kubernetes:gateway.networking.k8s.io/v1:Gateway", `shop-gateway`).inputs;

describe("TLS on a Traefik target (dev, k3d)", () => {
    let dev: ProgramRun;
    let plain: ProgramRun;
    beforeAll(async () => {
        // One program run at a time: the Pulumi runtime's state is process-global.
        dev = await withTls("dev");
        plain = await runStack("dev");
    });

    test("without TLS apps the Gateway has only its HTTP listener and no certificate exists", () => {
        expect(gatewayOf(plain).spec.listeners.map((l: any) => l.name)).toEqual(["http"]);
        expect(findAll(plain, "tls:index/selfSignedCert:SelfSignedCert")).toEqual([]);
    });

    test("an HTTPS listener on Traefik's websecure entryPoint terminates with the generated Secret", () => {
        const https = gatewayOf(dev).spec.listeners.find((l: any) => l.name === "https");
        expect(https).toEqual({
            name: "https",
            protocol: "HTTPS",
            port: 8443,
            allowedRoutes: { namespaces: { from: "Same" } },
            tls: { mode: "Terminate", certificateRefs: [{ kind: "Secret", name: "slipway-gateway-tls" }] },
        });
    });

    test("the certificate covers the TLS hosts; the key is a secret and lands only in a kubernetes.io/tls Secret", () => {
        const cert = find(dev, "tls:index/selfSignedCert:SelfSignedCert", "shop-gateway-cert");
        expect(cert.inputs.dnsNames).toEqual([HOST]);
        expect(cert.inputs.allowedUses).toContain("server_auth");
        expect(cert.inputs.earlyRenewalHours).toBeLessThan(cert.inputs.validityPeriodHours);
        expect(isSecretPath(cert, "privateKeyPem")).toBe(true);
        expect(find(dev, "tls:index/privateKey:PrivateKey", "shop-gateway-key").additionalSecretOutputs).toContain("privateKeyPem");
        const secret = find(dev, "Secret", "shop-gateway-secret");
        expect(secret.inputs.type).toBe("kubernetes.io/tls");
        expect(secret.inputs.metadata).toMatchObject({ name: "slipway-gateway-tls", namespace: "shop" });
        expect(isSecretPath(secret, "stringData.tls.key")).toBe(true);
        expect(secret.provider).toBe(kubernetesProviderOf(dev).ref);
    });

    test("the url output says https, on k3d's published https port", () => {
        expect((dev.outputs.urls as any).web).toBe(`https://${HOST}:8443/`);
        expect((plain.outputs.urls as any).web).toBe(`http://${HOST}:8080/`);
    });

    test("every object still validates against the schema", () => {
        const result = validateObjects(kubernetesObjects(dev), "1.31");
        expect(result.invalid).toEqual([]);
    });
});

describe("TLS on GKE (prod): Google-managed certificates", () => {
    let prod: ProgramRun;
    let plain: ProgramRun;
    beforeAll(async () => {
        prod = await withTls("prod");
        plain = await runStack("prod");
    });
    const gcpRef = (run: ProgramRun) => {
        const [p] = findAll(run, "pulumi:providers:gcp");
        return `${p.urn}::${p.name}-id`;
    };

    test("the Gateway always gets a reserved global address by name", () => {
        for (const run of [plain, prod]) {
            const address = find(run, "gcp:compute/globalAddress:GlobalAddress", "shop-gateway-address");
            expect(address.inputs).toMatchObject({ name: "shop-gateway", addressType: "EXTERNAL", ipVersion: "IPV4" });
            expect(address.provider).toBe(gcpRef(run));
            expect(gatewayOf(run).spec.addresses).toEqual([{ type: "NamedAddress", value: "shop-gateway" }]);
        }
        expect(gatewayOf(plain).metadata.annotations).toBeUndefined();
        expect(findAll(plain, "gcp:certificatemanager/certificate:Certificate")).toEqual([]);
    });

    test("one managed certificate per TLS host, mapped by hostname, and the map named on the Gateway", () => {
        const cert = find(prod, "gcp:certificatemanager/certificate:Certificate", `shop-gateway-${HOST}`);
        expect(cert.inputs).toMatchObject({ scope: "DEFAULT", managed: { domains: [HOST] } });
        expect(cert.inputs.managed.dnsAuthorizations).toBeUndefined(); // load balancer authorization
        const map = find(prod, "gcp:certificatemanager/certificateMap:CertificateMap", "shop-gateway-certmap");
        const entry = find(prod, "gcp:certificatemanager/certificateMapEntry:CertificateMapEntry", `shop-gateway-${HOST}-entry`);
        expect(entry.inputs).toMatchObject({ map: map.inputs.name, hostname: HOST, certificates: [`${cert.name}-id`] });
        for (const r of [cert, map, entry]) expect(r.provider).toBe(gcpRef(prod));
        expect(gatewayOf(prod).metadata.annotations).toEqual({ "networking.gke.io/certmap": map.inputs.name });
    });

    test("the HTTPS listener is on 443 and carries no Secret: the load balancer holds the certificate", () => {
        const https = gatewayOf(prod).spec.listeners.find((l: any) => l.name === "https");
        expect(https).toMatchObject({ protocol: "HTTPS", port: 443 });
        expect(https.tls).toBeUndefined();
        expect(findAll(prod, "tls:index/selfSignedCert:SelfSignedCert")).toEqual([]);
        expect(findAll(prod, "Secret").map((s) => s.inputs.metadata.name)).not.toContain("slipway-gateway-tls");
    });

    test("Certificate Manager's API is enabled and the certificates wait for it", () => {
        const api = findAll(prod, "gcp:projects/service:Service").find((s) => s.inputs.service === "certificatemanager.googleapis.com");
        expect(api).toBeDefined();
        expect(find(prod, "gcp:certificatemanager/certificate:Certificate", `shop-gateway-${HOST}`).dependencies).toContain(api!.urn);
    });

    test("every object still validates against the schema", () => {
        expect(validateObjects(kubernetesObjects(prod), "1.31").invalid).toEqual([]);
    });
});
