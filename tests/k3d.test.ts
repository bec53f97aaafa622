// The k3d target: the generated k3d config, where the data lives, the k3d CLI commands, the
// kubeconfig as a secret, the retained StorageClass, and a stable provider identity.
import * as os from "os";
import * as path from "path";
import type { K3dConfig, SlipwayConfig } from "../config";
import { KUBERNETES_VERSIONS, parseConfig, readStackConfig } from "../config";
import { K3S_IMAGES, k3dClusterConfig, resolveDataDir } from "../providers/k3d";
import type { ProgramRun } from "../scripts/offline";
import { find, findAll, kubernetesProviderOf, PROJECT_DIR, runStack, stackConfig } from "./helpers";

const STORAGE = "/var/lib/rancher/k3s/storage";

const k3dDefaults = (k3d: Record<string, unknown> = {}): K3dConfig =>
    parseConfig({ target: "k3d", cluster: { name: "shop" }, k3d }, { stack: "t", secretKeys: new Set() }).k3d!;

describe("k3dClusterConfig", () => {
    const k3d = k3dDefaults({ httpPort: 9080, httpsPort: 9443, apiPort: 6551, agents: 1, subnet: "172.30.0.0/16" });
    const config = k3dClusterConfig("shop", "1.36", k3d, "/srv/slipway/shop");

    test("is a k3d v1alpha5 Simple config named after the cluster", () => {
        expect(config).toMatchObject({ apiVersion: "k3d.io/v1alpha5", kind: "Simple", metadata: { name: "shop" }, servers: 1, agents: 1 });
    });

    test("bind-mounts the data dir over local-path's storage on every node", () => {
        expect(config.volumes).toEqual([{ volume: `/srv/slipway/shop:${STORAGE}`, nodeFilters: ["all"] }]);
    });

    test("disables k3s's bundled Traefik on the servers", () => {
        expect(config.options.k3s.extraArgs).toContainEqual({ arg: "--disable=traefik", nodeFilters: ["server:*"] });
    });

    test("maps the load balancer's 80/443 to the configured host ports", () => {
        expect(config.ports).toEqual(
            expect.arrayContaining([
                { port: "127.0.0.1:9080:80", nodeFilters: ["loadbalancer"] },
                { port: "127.0.0.1:9443:443", nodeFilters: ["loadbalancer"] },
            ]),
        );
    });

    test("uses the fixed subnet and the fixed API port on loopback", () => {
        expect(config.subnet).toBe("172.30.0.0/16");
        expect(config.kubeAPI).toMatchObject({ hostIP: "127.0.0.1", hostPort: "6551" });
    });

    test("takes the k3s image from the version map", () => {
        expect(config.image).toBe(K3S_IMAGES["1.36"]);
        expect(k3dClusterConfig("shop", "1.37", k3d, "/d").image).toBe(K3S_IMAGES["1.37"]);
    });

    test("leaves the user's kubeconfig alone", () => {
        expect(config.options.kubeconfig).toEqual({ updateDefaultKubeconfig: false, switchCurrentContext: false });
    });

    test("every supported Kubernetes minor has a pinned k3s image of that minor", () => {
        for (const version of KUBERNETES_VERSIONS) {
            const image = K3S_IMAGES[version];
            expect(image).toMatch(new RegExp(`^rancher/k3s:v${version.replace(".", "\\.")}\\.\\d+-k3s\\d+$`));
        }
    });

    test("defaults: servers only (no agents), the default subnet and ports", () => {
        const defaults = k3dClusterConfig("shop", "1.35", k3dDefaults(), "/d");
        expect(defaults.agents).toBe(0);
        expect(defaults.servers).toBe(1);
        expect(defaults.subnet).toBe("172.28.0.0/16");
        expect(defaults.ports.map((p) => p.port)).toEqual(expect.arrayContaining(["127.0.0.1:8080:80", "127.0.0.1:8443:443"]));
        expect(defaults.kubeAPI.hostPort).toBe("6550");
    });
});

describe("resolveDataDir", () => {
    const home = path.join(os.tmpdir(), "home-of-someone");

    test("expands ~ to the home directory", () => {
        expect(resolveDataDir(k3dDefaults({ dataDir: "~/k3d-data" }), "shop", home)).toBe(path.join(home, "k3d-data"));
    });

    test("keeps an absolute path", () => {
        expect(resolveDataDir(k3dDefaults({ dataDir: "/srv/data" }), "shop", home)).toBe("/srv/data");
    });

    test("defaults to a per-cluster folder under the home directory", () => {
        expect(resolveDataDir(k3dDefaults(), "shop", home)).toBe(path.join(home, ".slipway", "shop", "data"));
        expect(resolveDataDir(k3dDefaults(), "other", home)).not.toBe(resolveDataDir(k3dDefaults(), "shop", home));
    });

    test("the default is never inside the project (a git clean or a fresh clone must not lose data)", () => {
        const dir = resolveDataDir(k3dDefaults(), "shop");
        expect(path.isAbsolute(dir)).toBe(true);
        expect(path.relative(PROJECT_DIR, dir).startsWith("..")).toBe(true);
    });
});

describe("the k3d cluster in the dev stack", () => {
    let dev: ProgramRun;
    let cfg: SlipwayConfig;
    const cluster = () => find(dev, "pulumi-nodejs:dynamic/slipway:K3dCluster", `${cfg.cluster.name}-k3d`);

    beforeAll(async () => {
        const loaded = stackConfig("dev");
        cfg = readStackConfig("dev", loaded.config, (k) => loaded.secretKeys.includes(k));
        dev = await runStack("dev");
    });

    test("the cluster resource carries the generated k3d config with the data dir as written (~), never this machine's home", () => {
        const inputs = cluster().inputs;
        expect(inputs.dataDir).toBe("~/.slipway/shop/data");
        expect(JSON.parse(inputs.config)).toEqual(k3dClusterConfig(cfg.cluster.name, cfg.cluster.kubernetesVersion, cfg.k3d!, "~/.slipway/shop/data"));
        expect(JSON.stringify(inputs)).not.toContain(os.homedir());
    });

    test("a configured dataDir reaches the cluster's volume", async () => {
        const loaded = stackConfig("dev", (v) => (v["slipway:k3d"] = { ...v["slipway:k3d"], dataDir: "~/elsewhere/shop" }));
        const run = await runStack("dev", loaded);
        const inputs = find(run, "pulumi-nodejs:dynamic/slipway:K3dCluster", `${cfg.cluster.name}-k3d`).inputs;
        expect(inputs.dataDir).toBe("~/elsewhere/shop");
        expect(JSON.parse(inputs.config).volumes[0].volume).toBe(`~/elsewhere/shop:${STORAGE}`);
    });

    test("the kubeconfig is a secret output of the cluster and of the stack", () => {
        expect(cluster().additionalSecretOutputs).toEqual(["kubeconfig"]);
        expect(dev.outputs.kubeconfig).toEqual(expect.any(String));
        expect(dev.secretOutputs).toContain("kubeconfig");
    });

    test("the provider takes the kubeconfig as a secret; its identity follows the cluster's creation, not the kubeconfig", () => {
        const { resource } = kubernetesProviderOf(dev);
        // A re-created cluster (a new id) replaces the provider, so every object is created again there.
        expect(resource.inputs.clusterIdentifier).toBe(`k3d-${cluster().name}-id`);
        // Never drop state just because Docker is stopped during a refresh.
        expect(resource.inputs.deleteUnreachable).toBeUndefined();
        expect(resource.secretPaths).toContain("kubeconfig");
        expect(resource.inputs.kubeconfig).toBe(dev.outputs.kubeconfig);
        expect(resource.inputs.clusterIdentifier).not.toContain(resource.inputs.kubeconfig);
    });

    test("the retained StorageClass binds volumes by PVC namespace/name and keeps them", () => {
        const classes = findAll(dev, "StorageClass");
        const retained = classes.find((c) => c.inputs.metadata.name === "local-path-retain")!;
        expect(retained).toBeDefined();
        expect(retained.inputs.provisioner).toBe("rancher.io/local-path");
        expect(retained.inputs.reclaimPolicy).toBe("Retain");
        expect(retained.inputs.parameters.pathPattern).toBe("{{ .PVC.Namespace }}/{{ .PVC.Name }}/");
        expect(retained.inputs.volumeBindingMode).toBe("WaitForFirstConsumer");
    });

    test("every volume claim (StatefulSet templates and standalone PVCs) uses the retained class", () => {
        const claims = [
            ...findAll(dev, "StatefulSet").flatMap((sts) => sts.inputs.spec.volumeClaimTemplates ?? []),
            ...findAll(dev, "PersistentVolumeClaim").map((pvc) => pvc.inputs),
        ];
        expect(claims.length).toBeGreaterThan(0);
        for (const claim of claims) expect(claim.spec.storageClassName).toBe("local-path-retain");
    });
});
