// The rules k3d and local-path-provisioner apply to what the dev stack hands them, each from its
// upstream source, checked against the stack's real registrations (not against our own model).
import * as yaml from "js-yaml";
import * as path from "path";
import { K3S_STORAGE_PATH } from "../../providers/k3d";
import type { ProgramRun, RecordedResource } from "../../scripts/offline";
import { findAll, runStack } from "../helpers";

let dev: ProgramRun;
let config: any;
beforeAll(async () => {
    dev = await runStack("dev");
    config = JSON.parse(findAll(dev, "pulumi-nodejs:dynamic/slipway:K3dCluster")[0].inputs.config);
});

describe("k3d (k3d-io/k3d v5.9.0)", () => {
    // pkg/config/transform.go: `if simpleConfig.Network != "" { ... clusterNetwork.External = true }`;
    // pkg/client/cluster.go ClusterPrepNetwork: `if cluster.Network.Name != "" && cluster.Network.External
    // && cluster.Network.IPAM.IPPrefix.IsValid() { return fmt.Errorf("cannot specify subnet for exiting network") }`.
    test("a subnet is never combined with a named network (k3d refuses it on every v5 release)", () => {
        expect(config.subnet).toMatch(/^\d+\.\d+\.\d+\.\d+\/\d+$/);
        expect(config.network).toBeUndefined();
    });

    // Same transform.go: without `network`, the cluster network is `k3d-<name>` with IPAM managed from
    // the subnet, and ClusterCreate gives every server a static IP from it (node.IP.Static = true).
    test("the subnet is private and leaves room for servers, agents, the load balancer and k3d's tools", () => {
        const [ip, bits] = config.subnet.split("/");
        const [a, b] = ip.split(".").map(Number);
        expect(a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)).toBe(true);
        expect(2 ** (32 - Number(bits)) - 3).toBeGreaterThan(config.servers + config.agents + 2);
    });

    // cmd/util/config.go InitViperWithConfigFile: `cfgViper.SetConfigType("yaml")`: the file is read
    // as YAML whatever its name, so the JSON the provider writes must read back as the same config.
    test("the config file's JSON text reads back identically as YAML", () => {
        expect(yaml.load(JSON.stringify(config))).toEqual(config);
    });

    // The kubeconfig's server must survive restarts: a fixed host port on loopback (kubeAPI.hostPort).
    test("the API listens on a fixed loopback port, so the stored kubeconfig stays valid across restarts", () => {
        expect(config.kubeAPI).toMatchObject({ hostIP: "127.0.0.1", hostPort: expect.stringMatching(/^\d+$/) });
    });

    // k3d's port format is [HOST:][HOSTPORT:]CONTAINERPORT (docs: k3d cluster create --port); without
    // a HOST, Docker publishes on 0.0.0.0, every interface of the laptop.
    test("the gateway's host ports are published on loopback only", () => {
        for (const p of config.ports) expect(p.port).toMatch(/^127\.0\.0\.1:\d+:(80|443)$/);
    });

    test("the host data dir is bind-mounted over local-path's storage on every node", () => {
        expect(config.volumes).toEqual([{ volume: expect.stringMatching(new RegExp(`:${K3S_STORAGE_PATH}$`)), nodeFilters: ["all"] }]);
    });
});

/**
 * local-path-provisioner v0.0.37 `pathFromPattern` (provisioner.go): renders the StorageClass's
 * pathPattern, then `fixedBasePathPrefix := filepath.Join(opts.PVC.Namespace, opts.PVC.Name) +
 * string(filepath.Separator); if !strings.HasPrefix(path, fixedBasePathPrefix) { return "", fmt.Errorf(
 * "pathPattern must start with {{ .PVC.Namespace }}/{{ .PVC.Name }}/: %s", path) }`, and Provision()
 * refuses a folder that is not `filepath.IsLocal`. README: "the rendered path must start with
 * `{{ .PVC.Namespace }}/{{ .PVC.Name }}/`".
 */
function localPathFolder(pattern: string, claim: { namespace: string; name: string }, pvName: string): string {
    const rendered = pattern
        .replace(/\{\{\s*\.PVC\.Namespace\s*\}\}/g, claim.namespace)
        .replace(/\{\{\s*\.PVC\.Name\s*\}\}/g, claim.name)
        .replace(/\{\{\s*\.PVName\s*\}\}/g, pvName);
    if (/\{\{/.test(rendered)) throw new Error(`pathPattern uses a field this check does not render: ${pattern}`);
    if (!rendered.startsWith(`${path.join(claim.namespace, claim.name)}/`)) throw new Error(`pathPattern must start with {{ .PVC.Namespace }}/{{ .PVC.Name }}/: ${rendered}`);
    const folder = path.normalize(rendered);
    if (path.isAbsolute(folder) || folder.startsWith("..")) throw new Error(`folder path contains invalid references: ${rendered}`);
    return folder;
}

/** Every claim the stack makes on a class: StatefulSet claims (`<template>-<set>-<ordinal>`) and standalone PVCs. */
function claimsOn(run: ProgramRun, className: string): { namespace: string; name: string }[] {
    const sets = findAll(run, "StatefulSet").flatMap((sts: RecordedResource) =>
        (sts.inputs.spec.volumeClaimTemplates ?? [])
            .filter((t: any) => t.spec.storageClassName === className)
            .flatMap((t: any) => Array.from({ length: sts.inputs.spec.replicas }, (_, i) => ({ namespace: sts.inputs.metadata.namespace, name: `${t.metadata.name}-${sts.inputs.metadata.name}-${i}` }))),
    );
    const standalone = findAll(run, "PersistentVolumeClaim")
        .filter((c) => c.inputs.spec.storageClassName === className)
        .map((c) => ({ namespace: c.inputs.metadata.namespace, name: c.inputs.metadata.name }));
    return [...sets, ...standalone];
}

describe("local-path-provisioner v0.0.37 (bundled by every k3s in versions.ts)", () => {
    test("every claim on the retained class gets a folder the provisioner accepts, its own, and the same one after a re-create", () => {
        const retained = findAll(dev, "StorageClass").filter((c) => c.inputs.provisioner === "rancher.io/local-path" && c.inputs.parameters?.pathPattern);
        expect(retained).toHaveLength(1);
        const pattern = retained[0].inputs.parameters.pathPattern;
        const claims = claimsOn(dev, retained[0].inputs.metadata.name);
        expect(claims.length).toBeGreaterThan(4);
        const first = claims.map((c) => localPathFolder(pattern, c, "pvc-11111111"));
        // A re-created cluster provisions new PVs (new names) for the same claims: same folders.
        expect(claims.map((c) => localPathFolder(pattern, c, "pvc-22222222"))).toEqual(first);
        expect(new Set(first).size).toBe(first.length);
    });

    test("the check itself refuses what v0.0.33+ refuses: no trailing slash, a PV-name-only path, a traversal", () => {
        const claim = { namespace: "shop", name: "data-postgres-0" };
        expect(() => localPathFolder("{{ .PVC.Namespace }}/{{ .PVC.Name }}", claim, "pv")).toThrow(/must start with/);
        expect(() => localPathFolder("{{ .PVName }}", claim, "pv")).toThrow(/must start with/);
        expect(() => localPathFolder("{{ .PVC.Namespace }}/{{ .PVC.Name }}/../../../etc", claim, "pv")).toThrow(/invalid references/);
        expect(localPathFolder("{{ .PVC.Namespace }}/{{ .PVC.Name }}/", claim, "pv")).toBe("shop/data-postgres-0/");
    });
});
