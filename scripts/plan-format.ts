// How the plan shows a resource: a one-line summary of the settings a reviewer cares about, and
// secrets masked before anything is written to disk.
import type { RecordedResource } from "./offline";

const MASK = "[secret]";

/** Replaces every secret input path with a mask (never write even placeholder secrets out). */
export function maskSecrets<T extends object>(object: T, secretPaths: string[]): T {
    const copy = JSON.parse(JSON.stringify(object));
    for (const p of secretPaths) {
        const parts = p.split(/\.|\[(\d+)\]/).filter((x) => x !== undefined && x !== "");
        let node = copy;
        for (const part of parts.slice(0, -1)) node = node?.[part];
        if (node && parts.length > 0) node[parts[parts.length - 1]] = MASK;
    }
    return copy;
}

/** Key settings of a resource for the plan tree. */
export function summarize(r: RecordedResource): string {
    const i = r.inputs;
    const spec = i.spec ?? {};
    const bits: string[] = [];
    if (i.metadata?.name) bits.push(`${i.metadata.namespace ? `${i.metadata.namespace}/` : ""}${i.metadata.name}`);
    if (spec.replicas !== undefined) bits.push(`replicas=${spec.replicas}`);
    const pod = spec.template?.spec ?? spec.jobTemplate?.spec?.template?.spec;
    for (const c of pod?.containers ?? []) bits.push(`image=${c.image}`);
    for (const t of spec.volumeClaimTemplates ?? []) bits.push(`volume=${t.spec?.resources?.requests?.storage}@${t.spec?.storageClassName ?? "default"}`);
    if (spec.schedule) bits.push(`schedule="${spec.schedule}"`);
    if (i.chart) bits.push(`chart=${i.chart}@${i.version} from ${i.repositoryOpts?.repo}`);
    if (i.file) bits.push(`file=${i.file}`);
    if (i.clusterIdentifier) bits.push(`clusterIdentifier=${i.clusterIdentifier}`);
    if (i.context) bits.push(`context=${i.context}`);
    if (i.gatewayClassName ?? spec.gatewayClassName) bits.push(`class=${i.gatewayClassName ?? spec.gatewayClassName}`);
    if (spec.hostnames) bits.push(`hosts=${spec.hostnames.join(",")}`);
    if (i.length !== undefined && r.type.startsWith("random:")) bits.push(`length=${i.length}`);
    if (r.type === "pulumi-nodejs:dynamic/slipway:K3dCluster") bits.push(k3dSettings(JSON.parse(i.config), i.dataDir));
    return bits.join(" ");
}

/** What a reviewer checks of a k3d cluster: its k3s image, node counts, host ports, subnet and where volumes live. */
function k3dSettings(config: any, dataDir: string): string {
    const ports = (config.ports ?? []).map((p: { port: string }) => p.port).join(",");
    return [
        `image=${config.image}`,
        `servers=${config.servers} agents=${config.agents}`,
        `api=${config.kubeAPI?.hostIP}:${config.kubeAPI?.hostPort}`,
        `ports=${ports}`,
        `subnet=${config.subnet}`,
        `dataDir=${dataDir}`,
    ].join(" ");
}
