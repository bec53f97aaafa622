// The hetzner stack (k3s on Hetzner Cloud, data in the cluster) as the program registers it under
// mocks: the settings the Hetzner issue lists, asserted on the servers' actual cloud-init text and
// the other resources' real inputs.
import { cloudInit, K3S_CLUSTER_CIDR, USER_DATA_LIMIT } from "../providers/hetzner/cloud-init";
import { HCLOUD_CCM_CHART, HCLOUD_CSI_CHART, k3sRelease, RCLONE_IMAGE } from "../versions";
import { hetznerProblems } from "../providers/hetzner/index";
import { K3S_CA_FILES } from "../providers/hetzner/pki";
import { privateAddresses } from "../providers/hetzner/network";
import { offlineId, type ProgramRun, type RecordedResource } from "../scripts/offline";
import { find, findAll, kubernetesProviderOf, observeRun, runStack, stackConfig, stackValues } from "./helpers";
import { execFileSync } from "child_process";

let run: ProgramRun;
let file: Record<string, any>;
beforeAll(async () => {
    run = await runStack("hetzner");
    file = stackValues("hetzner");
});
const SERVER = "hcloud:index/server:Server";
const servers = (r: ProgramRun = run) => findAll(r, SERVER);
const byName = (r: ProgramRun, prefix: string) => servers(r).filter((s) => s.name.includes(prefix));

/** A server's user data as cloud-init reads it: the files it writes (decoded) and what it runs. */
function userData(s: RecordedResource): { files: Record<string, string>; config: Record<string, any>; script: string } {
    const text: string = s.inputs.userData;
    expect(text.startsWith("#cloud-config\n")).toBe(true);
    const doc = JSON.parse(text.slice("#cloud-config\n".length));
    const files = Object.fromEntries(doc.write_files.map((f: any) => [f.path, Buffer.from(f.content, "base64").toString()]));
    expect(doc.runcmd).toEqual([["/usr/local/bin/slipway-k3s.sh"]]);
    return { files, config: JSON.parse(files["/etc/rancher/k3s/config.yaml"]), script: files["/usr/local/bin/slipway-k3s.sh"] };
}

describe("servers and cloud-init", () => {
    test("an odd number of control planes, exactly one of which initialises etcd; the others join its fixed private IP one at a time", () => {
        const cps = byName(run, "control-plane");
        expect(cps).toHaveLength(file["slipway:hetzner"].controlPlanes);
        const inits = cps.filter((s) => userData(s).script.includes("--cluster-init"));
        expect(inits.map((s) => s.name)).toEqual(["shop-control-plane-1"]);
        // ...unless the cluster already answers behind the API load balancer: a re-created first server joins it.
        const lb = privateAddresses("10.0.0.0/16", 3, 2).apiLoadBalancer;
        expect(userData(inits[0]).script).toContain(`if curl -ksf --max-time 5 https://${lb}:6443/cacerts >/dev/null; then FLAGS="$FLAGS --server=https://${lb}:6443"; else FLAGS="$FLAGS --cluster-init"; fi`);
        expect(userData(inits[0]).config.server).toBeUndefined();
        const firstIp = inits[0].inputs.networks[0].ip;
        const joiners = cps.filter((s) => s !== inits[0]).map(userData);
        for (const j of joiners) {
            expect(j.config.server).toBe(`https://${firstIp}:6443`);
            // Waits for the first server to answer before installing.
            expect(j.script.indexOf(`https://${firstIp}:6443/cacerts`)).toBeLessThan(j.script.indexOf("get.k3s.io"));
        }
        const delays = joiners.map((j) => Number(/sleep (\d+)\n/.exec(j.script.split("/cacerts").pop()!)![1]));
        expect(new Set(delays).size).toBe(delays.length);
    });

    test("every node runs the pinned k3s with the external cloud provider, its own private IP, flannel on the interface holding it", () => {
        const token = find(run, "random:index/randomPassword:RandomPassword", "shop-k3s-token");
        for (const s of servers()) {
            const { config, script } = userData(s);
            expect(script).toContain(`INSTALL_K3S_VERSION='${k3sRelease(file["slipway:cluster"].kubernetesVersion)}'`);
            expect(config["kubelet-arg"]).toEqual(["cloud-provider=external"]);
            expect(config["node-ip"]).toBe(s.inputs.networks[0].ip);
            expect(script).toContain(`PRIVATE_IP=${s.inputs.networks[0].ip}`);
            expect(script).toContain("--flannel-iface=$IFACE");
            expect(config.token).toMatch(/^offline-/);
            expect(token.inputs.special).toBe(false);
            expect(s.secretPaths).toContain("userData");
            expect(s.inputs.userData.length).toBeLessThan(USER_DATA_LIMIT);
        }
    });

    test("servers share the server token; workers hold only the agent token every server accepts", () => {
        const serverToken = userData(byName(run, "control-plane")[0]).config.token;
        const agentToken = userData(byName(run, "worker")[0]).config.token;
        expect(agentToken).not.toBe(serverToken);
        for (const s of byName(run, "control-plane")) expect(userData(s).config).toMatchObject({ token: serverToken, "agent-token": agentToken });
        for (const s of byName(run, "worker")) {
            expect(userData(s).config.token).toBe(agentToken);
            expect(s.inputs.userData).not.toContain(serverToken);
        }
    });

    test("every boot script is valid shell, and falls back to DHCP on the NIC the metadata names", () => {
        for (const s of servers()) {
            const { script } = userData(s);
            execFileSync("sh", ["-n"], { input: script });
            expect(script).toContain("hetzner/v1/metadata/private-networks");
        }
    });

    test("control planes disable the bundled Traefik, servicelb, local-storage and cloud controller; their certificate names the API load balancer", () => {
        const lb = privateAddresses(file["slipway:hetzner"].networkCidr ?? "10.0.0.0/16", 3, 2).apiLoadBalancer;
        for (const s of byName(run, "control-plane")) {
            const { config, script } = userData(s);
            expect(config.disable).toEqual(["traefik", "servicelb", "local-storage"]);
            expect(config["disable-cloud-controller"]).toBe(true);
            expect(config["cluster-cidr"]).toBe(K3S_CLUSTER_CIDR);
            expect(script).toContain(`--tls-san=$PUBLIC_IP --tls-san=${lb}`);
        }
        for (const s of byName(run, "worker")) {
            const { config, script } = userData(s);
            expect(config.server).toBe(`https://${lb}:6443`);
            expect(config.disable).toBeUndefined();
            expect(script).toContain(`INSTALL_K3S_EXEC="agent`);
        }
    });

    test("only the first server holds the CAs, the same ones the kubeconfig trusts and signs with", () => {
        const [first, ...rest] = byName(run, "control-plane");
        const files = userData(first).files;
        const caPaths = K3S_CA_FILES.flatMap((f) => [`${f}.crt`, `${f}.key`]).concat("service.key").map((f) => `/var/lib/rancher/k3s/server/tls/${f}`);
        expect(caPaths.filter((p) => !(p in files))).toEqual([]);
        for (const s of [...rest, ...byName(run, "worker")]) expect(Object.keys(userData(s).files).filter((p) => p.includes("/tls/"))).toEqual([]);

        const kubeconfig = JSON.parse(run.outputs.kubeconfig as string);
        const serverCa = find(run, "tls:index/selfSignedCert:SelfSignedCert", "shop-pki-server-ca");
        expect(Buffer.from(kubeconfig.clusters[0].cluster["certificate-authority-data"], "base64").toString()).toBe(files["/var/lib/rancher/k3s/server/tls/server-ca.crt"]);
        expect(files["/var/lib/rancher/k3s/server/tls/server-ca.crt"]).toContain(serverCa.name);
        const admin = find(run, "tls:index/locallySignedCert:LocallySignedCert", "shop-pki-admin-cert");
        expect(admin.inputs.caCertPem).toBe(files["/var/lib/rancher/k3s/server/tls/client-ca.crt"]);
        expect(admin.inputs.allowedUses).toContain("client_auth");
        expect(find(run, "tls:index/certRequest:CertRequest", "shop-pki-admin-csr").inputs.subject.organization).toBe("system:masters");
        expect(kubeconfig.clusters[0].cluster.server).toMatch(/^https:\/\/203\.0\.113\.\d+:6443$/);
        expect(run.secretOutputs).toContain("kubeconfig");
    });

    test("a changed cloud-init never replaces a server; control planes (etcd) are protected; spread over locations and placement groups", () => {
        for (const s of servers()) expect(s.ignoreChanges).toContain("userData");
        expect(byName(run, "control-plane").every((s) => s.protect)).toBe(true);
        expect(byName(run, "control-plane").map((s) => s.inputs.location)).toEqual(file["slipway:hetzner"].locations);
        const groups = findAll(run, "hcloud:index/placementGroup:PlacementGroup");
        expect(groups.every((g) => g.inputs.type === "spread")).toBe(true);
        // One group per role and location: a group never spans locations.
        const groupOf = new Map(groups.map((g) => [Number(offlineId(g.type, g.name)), g.inputs.name]));
        for (const s of servers()) expect(groupOf.get(s.inputs.placementGroupId)).toContain(s.inputs.location);
        // A replaced server (new location, image) frees its name and private IP first.
        expect(servers().every((s) => s.deleteBeforeReplace)).toBe(true);
    });

    test("Kubernetes objects wait for the API to answer after every server exists", () => {
        const wait = find(run, "command:local:Command", "shop-wait-for-api");
        for (const s of servers()) expect(wait.dependencies).toContain(s.urn);
        expect(kubernetesProviderOf(run).resource.dependencies).toContain(wait.urn);
        expect(wait.secretPaths.some((p) => p.startsWith("environment"))).toBe(true);
    });
});

describe("network, firewall and load balancers", () => {
    test("SSH and the API only from adminCidrs, on every server", () => {
        const fw = find(run, "hcloud:index/firewall:Firewall", "shop-net-firewall");
        const tcp = fw.inputs.rules.filter((r: any) => r.protocol === "tcp");
        expect(tcp.map((r: any) => r.port).sort()).toEqual(["22", "6443"]);
        for (const r of tcp) expect(r.sourceIps).toEqual(file["slipway:hetzner"].adminCidrs);
        for (const s of servers()) expect(s.inputs.firewallIds).toEqual([Number(offlineId(fw.type, fw.name))]);
    });

    test("the API load balancer is private (no public interface: it could not be firewalled) and targets the control planes", () => {
        const attached = find(run, "hcloud:index/loadBalancerNetwork:LoadBalancerNetwork", "shop-net-api-lb-network");
        expect(attached.inputs).toMatchObject({ enablePublicInterface: false, ip: privateAddresses("10.0.0.0/16", 3, 2).apiLoadBalancer });
        const target = find(run, "hcloud:index/loadBalancerTarget:LoadBalancerTarget", "shop-net-api-lb-targets");
        expect(target.inputs.usePrivateIp).toBe(true);
        const selector = Object.fromEntries(target.inputs.labelSelector.split(",").map((kv: string) => kv.split("=")));
        for (const s of byName(run, "control-plane")) expect(s.inputs.labels).toMatchObject(selector);
        for (const s of byName(run, "worker")) expect(s.inputs.labels).not.toMatchObject(selector);
        expect(find(run, "hcloud:index/loadBalancerService:LoadBalancerService", "shop-net-api-lb-6443").inputs).toMatchObject({ protocol: "tcp", listenPort: 6443, destinationPort: 6443 });
    });
});

describe("in the cluster", () => {
    test("CCM and CSI from their pinned charts, with the hcloud Secret and the CIDR k3s gives pods", () => {
        const charts = findAll(run, "kubernetes:helm.sh/v4:Chart");
        const ccm = charts.find((c) => c.inputs.chart === HCLOUD_CCM_CHART.chart)!;
        expect(ccm.inputs).toMatchObject({ version: HCLOUD_CCM_CHART.version, namespace: "kube-system" });
        expect(ccm.inputs.values.networking).toEqual({ enabled: true, clusterCIDR: userData(servers()[0]).config["cluster-cidr"] });
        expect(charts.find((c) => c.inputs.chart === HCLOUD_CSI_CHART.chart)!.inputs.version).toBe(HCLOUD_CSI_CHART.version);
        const secret = find(run, "kubernetes:core/v1:Secret", "shop-addons-hcloud-secret");
        expect(secret.inputs.metadata).toMatchObject({ name: "hcloud", namespace: "kube-system" });
        expect(secret.inputs.stringData.network).toBe(String(find(run, "hcloud:index/networkSubnet:NetworkSubnet", "shop-net-subnet").inputs.networkId));
        expect(secret.secretPaths).toContain("stringData");
    });

    test("data on the CSI driver's Retain twin; Traefik behind a Hetzner load balancer that reaches nodes privately", () => {
        const sc = find(run, "kubernetes:storage.k8s.io/v1:StorageClass", "shop-addons-volumes-retain");
        expect(sc.inputs).toMatchObject({ provisioner: "csi.hetzner.cloud", reclaimPolicy: "Retain", volumeBindingMode: "WaitForFirstConsumer" });
        for (const sts of findAll(run, "kubernetes:apps/v1:StatefulSet")) expect(sts.inputs.spec.volumeClaimTemplates[0].spec.storageClassName).toBe(sc.inputs.metadata.name);
        const traefik = findAll(run, "kubernetes:helm.sh/v4:Chart").find((c) => c.inputs.chart === "traefik")!;
        expect(traefik.inputs.values.service.annotations).toMatchObject({ "load-balancer.hetzner.cloud/use-private-ip": "true", "load-balancer.hetzner.cloud/location": file["slipway:hetzner"].locations[0] });
    });
});

test("the apps' namespace cannot reach Hetzner's metadata service (it serves the nodes' tokens)", () => {
    const policy = find(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "shop-blocked-egress");
    expect(policy.inputs.spec.podSelector).toEqual({});
    expect(policy.inputs.spec.policyTypes).toEqual(["Egress"]);
    const peers = policy.inputs.spec.egress.flatMap((r: any) => r.to);
    expect(peers.find((p: any) => p.ipBlock).ipBlock).toEqual({ cidr: "0.0.0.0/0", except: ["169.254.169.254/32"] });
    expect(policy.inputs.metadata.namespace).toBe("shop");
});

describe("offsite backups", () => {
    const withOffsite = () =>
        stackConfig("hetzner", (v) => {
            v["slipway:database"].backup.offsite = { endpoint: "https://fsn1.your-objectstorage.com", bucket: "shop-backups", region: "fsn1", accessKeyConfig: "s3AccessKey", secretKeyConfig: "s3SecretKey" };
            v["slipway:s3AccessKey"] = "AKOFFLINE";
            v["slipway:s3SecretKey"] = "offline-secret-key";
        });

    test("the dump runs first, then rclone copies (never syncs) to the bucket with keys from secret config", async () => {
        const base = withOffsite();
        const r = await runStack("hetzner", { ...base, secretKeys: [...(base.secretKeys ?? []), "slipway:s3AccessKey", "slipway:s3SecretKey"] });
        const spec = find(r, "kubernetes:batch/v1:CronJob", "shop-db-backup-cronjob").inputs.spec.jobTemplate.spec.template.spec;
        expect(spec.initContainers.map((c: any) => c.name)).toEqual(["pg-dump"]);
        const copy = spec.containers[0];
        expect(copy.image).toBe(RCLONE_IMAGE);
        expect(copy.command.slice(0, 4)).toEqual(["rclone", "copy", "/backups", "offsite:shop-backups/shop/postgres"]);
        expect(Object.fromEntries(copy.env.map((e: any) => [e.name, e.value]))).toMatchObject({ RCLONE_CONFIG_OFFSITE_ENDPOINT: "https://fsn1.your-objectstorage.com", RCLONE_CONFIG_OFFSITE_TYPE: "s3" });
        const keys = find(r, "kubernetes:core/v1:Secret", "shop-db-backup-offsite-keys");
        expect(keys.inputs.stringData).toEqual({ RCLONE_CONFIG_OFFSITE_ACCESS_KEY_ID: "AKOFFLINE", RCLONE_CONFIG_OFFSITE_SECRET_ACCESS_KEY: "offline-secret-key" });
        expect(keys.secretPaths).toContain("stringData");
        expect(copy.envFrom).toEqual([{ secretRef: { name: "postgres-backup-offsite" } }]);
    });

    test("keys stored in plain text are refused, naming the key", async () => {
        const observed = await observeRun("hetzner", withOffsite());
        expect(String(observed.error)).toContain("slipway:database.backup.offsite.accessKeyConfig: slipway:s3AccessKey is stored in plain text");
        expect(observed.registered).toEqual([]);
    });
});

describe("refused before any resource", () => {
    test.each([
        ["an even number of control planes", (v: any) => (v["slipway:hetzner"].controlPlanes = 2), "slipway:hetzner.controlPlanes"],
        ["an unknown location", (v: any) => (v["slipway:hetzner"].locations = ["fra1"]), "slipway:hetzner.locations[0]"],
        ["a deprecated server type", (v: any) => (v["slipway:hetzner"].serverType = "cx22"), "slipway:hetzner.serverType"],
        ["a type not sold in the location", (v: any) => (v["slipway:hetzner"].locations = ["ash"]), "slipway:hetzner.serverType"],
        ["locations in two network zones", (v: any) => (v["slipway:hetzner"].locations = ["fsn1", "ash"]), "slipway:hetzner.locations"],
        ["an open admin CIDR without the opt-in", (v: any) => (v["slipway:hetzner"].allowAdminFromAnywhere = false), "slipway:hetzner.adminCidrs[0]"],
        ["no admin CIDR", (v: any) => (v["slipway:hetzner"].adminCidrs = []), "slipway:hetzner.adminCidrs"],
        ["a minor the cloud controller does not support", (v: any) => (v["slipway:cluster"].kubernetesVersion = "1.37"), "slipway:cluster.kubernetesVersion"],
        ["a managed database", (v: any) => (v["slipway:database"].mode = "managed"), "slipway:database.mode"],
        ["no hetzner section", (v: any) => delete v["slipway:hetzner"], "slipway:hetzner"],
        ["a network overlapping k3s's pod range", (v: any) => (v["slipway:hetzner"].networkCidr = "10.42.0.0/16"), "slipway:hetzner.networkCidr"],
    ])("%s", async (_case, edit, key) => {
        const observed = await observeRun("hetzner", stackConfig("hetzner", edit));
        expect(String(observed.error)).toContain(`${key}:`);
        expect(observed.registered).toEqual([]);
    });

    test("no API token: refused naming hcloud:token", () => {
        expect(hetznerProblems({ kubernetesVersion: "1.35", hetzner: {} as any, token: undefined }).join("\n")).toContain("hcloud:token: required");
        expect(hetznerProblems({ kubernetesVersion: "1.35", hetzner: {} as any, token: "x" })).toEqual([]);
    });

    test("user data stays within Hetzner's 32 KiB with the CAs in it", () => {
        const pem = "-----BEGIN CERTIFICATE-----\n" + "A".repeat(700) + "\n-----END CERTIFICATE-----\n";
        const caFiles = Object.fromEntries([...K3S_CA_FILES.flatMap((f) => [`${f}.crt`, `${f}.key`]), "service.key"].map((f) => [f, pem.repeat(2)]));
        const text = cloudInit({ role: { kind: "init", caFiles, rejoin: "10.0.1.254" }, k3sVersion: "v1.35.8+k3s1", token: "t".repeat(48), agentToken: "a".repeat(48), privateIp: "10.0.1.11", tlsSans: ["10.0.1.254"], labels: {} });
        expect(text.length).toBeLessThan(USER_DATA_LIMIT);
    });
});
