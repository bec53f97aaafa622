// Cilium's rules for the CiliumNetworkPolicy DOKS stacks create (schema.test.ts lists the kind as
// unknown to kubernetes-models): the CRD's schema in cilium/cilium
// (pkg/k8s/apis/cilium.io/client/crds/v2/ciliumnetworkpolicies.yaml, as its CUE export reads it):
// `fromEntities` items are an enum, `toPorts[].ports[].port` a string (a number 0-65535 or a name),
// `protocol` one of TCP/UDP/SCTP/ANY, and `endpointSelector` a label selector. The entity for
// Gateway/Ingress traffic is `ingress` (docs.cilium.io security/policy/language "Entities").
import { findAll, runStack, stackNames, stackValues } from "../helpers";

const ENTITIES = ["all", "world", "cluster", "host", "init", "ingress", "unmanaged", "remote-node", "health", "none", "kube-apiserver"];
const PROTOCOLS = ["TCP", "UDP", "SCTP", "ANY"];
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** What Cilium's CRD would refuse in one policy's spec; empty when it would accept it. */
export function ciliumPolicyProblems(spec: any): string[] {
    const problems: string[] = [];
    const labels = spec.endpointSelector?.matchLabels ?? {};
    if (Object.keys(labels).length === 0) problems.push("endpointSelector selects every pod of the namespace");
    for (const [k, v] of Object.entries(labels)) if (!LABEL_VALUE.test(String(v)) || String(v).length > 63) problems.push(`label ${k}=${v} is not a label value`);
    for (const rule of spec.ingress ?? []) {
        for (const e of rule.fromEntities ?? []) if (!ENTITIES.includes(e)) problems.push(`entity ${e} is not one of ${ENTITIES.join(", ")}`);
        for (const to of rule.toPorts ?? []) {
            for (const p of to.ports ?? []) {
                if (typeof p.port !== "string") problems.push(`port ${p.port} must be a string`);
                else if (/^\d+$/.test(p.port) && Number(p.port) > 65535) problems.push(`port ${p.port} is out of range`);
                if (p.protocol !== undefined && !PROTOCOLS.includes(p.protocol)) problems.push(`protocol ${p.protocol} is not one of ${PROTOCOLS.join(", ")}`);
            }
        }
    }
    return problems;
}

test("the checker refuses what Cilium refuses", () => {
    expect(ciliumPolicyProblems({ endpointSelector: { matchLabels: { app: "web" } }, ingress: [{ fromEntities: ["ingress"], toPorts: [{ ports: [{ port: "8080", protocol: "TCP" }] }] }] })).toEqual([]);
    expect(ciliumPolicyProblems({ endpointSelector: {}, ingress: [{ fromEntities: ["gateway"], toPorts: [{ ports: [{ port: 8080, protocol: "tcp" }] }] }] })).toHaveLength(4);
});

// Only stacks on a target whose gateway is Cilium's create these.
describe.each(stackNames().filter((s) => stackValues(s)["slipway:target"] === "doks"))("stack %s", (stack) => {
    test("every CiliumNetworkPolicy is one Cilium accepts", async () => {
        const run = await runStack(stack);
        expect(findAll(run, "kubernetes:cilium.io/v2:CiliumNetworkPolicy").length).toBeGreaterThan(0);
        for (const policy of findAll(run, "kubernetes:cilium.io/v2:CiliumNetworkPolicy")) {
            expect({ name: policy.inputs.metadata.name, problems: ciliumPolicyProblems(policy.inputs.spec) }).toEqual({ name: policy.inputs.metadata.name, problems: [] });
        }
    }, 60000);
});
