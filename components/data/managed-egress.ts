// Who in the namespace may reach a managed database or cache. Cloud SQL and Memorystore sit on
// private IPs that any pod of the VPC could otherwise reach, and the namespace holds their admin
// credential (the bootstrap Job's Secret): only their clients (PgBouncer, the Jobs, apps that
// declare the cache) may open a connection. Enforced by the cluster's NetworkPolicy implementation
// (Dataplane V2 on GKE).
//
// NetworkPolicies only ever add permissions: a pod selected by several egress policies may reach
// the union of what they allow. So the pods are split by which services they are clients of, one
// policy per combination, each allowing everything except the services that combination may not reach.
import * as networkingv1 from "@pulumi/kubernetes/networking/v1";
import * as pulumi from "@pulumi/pulumi";
import { commonLabels, NamespacedArgs } from "../../lib/workload";

/** A managed service and the pod labels that make a pod its client (any one suffices). */
export interface ManagedAccess {
    /** Short name for the policies' names ("postgres", "redis"). */
    readonly name: string;
    readonly host: pulumi.Input<string>;
    readonly clientLabels: readonly string[];
}

type Expression = { key: string; operator: "Exists" | "DoesNotExist" };

/** Every non-empty way to pick one label per service in `services` (a client of all of them). */
function oneLabelEach(services: readonly ManagedAccess[]): Expression[][] {
    return services.reduce<Expression[][]>(
        (combos, s) => combos.flatMap((c) => s.clientLabels.map((key) => [...c, { key, operator: "Exists" as const }])),
        [[]],
    );
}

/**
 * The egress policies: for each set of services a pod may be a client of (all but the full set, whose
 * pods need no limit), selectors for exactly that set and an egress rule excluding the others' hosts.
 */
export function managedEgressPolicies(services: readonly ManagedAccess[]): { name: string; matchExpressions: Expression[]; except: pulumi.Input<string>[] }[] {
    const policies: { name: string; matchExpressions: Expression[]; except: pulumi.Input<string>[] }[] = [];
    const subsets = services.reduce<ManagedAccess[][]>((acc, s) => [...acc, ...acc.map((a) => [...a, s])], [[]]);
    for (const clientOf of subsets) {
        const others = services.filter((s) => !clientOf.includes(s));
        if (others.length === 0) continue;
        const notClient = others.flatMap((s) => s.clientLabels.map((key) => ({ key, operator: "DoesNotExist" as const })));
        oneLabelEach(clientOf).forEach((picked, i) => {
            const label = clientOf.length === 0 ? "others" : `${clientOf.map((s) => s.name).join("-")}-clients${i > 0 ? `-${i}` : ""}`;
            policies.push({ name: `managed-egress-${label}`, matchExpressions: [...picked, ...notClient], except: others.map((s) => pulumi.interpolate`${s.host}/32`) });
        });
    }
    return policies;
}

export interface ManagedEgressArgs extends NamespacedArgs {
    readonly services: readonly ManagedAccess[];
}

export class ManagedEgress extends pulumi.ComponentResource {
    constructor(name: string, args: ManagedEgressArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:data:ManagedEgress", name, args, opts);
        for (const p of managedEgressPolicies(args.services)) {
            new networkingv1.NetworkPolicy(
                `${name}-${p.name}`,
                {
                    metadata: { name: p.name, namespace: args.namespace, labels: commonLabels("managed-egress", "network-policy") },
                    spec: {
                        podSelector: { matchExpressions: p.matchExpressions },
                        policyTypes: ["Egress"],
                        // Everything else stays reachable. Pods (kube-dns, the pooler, other apps) need their
                        // own peer: on Dataplane V2 (Cilium) a CIDR rule never matches traffic between
                        // pods or to nodes (cilium Documentation/policy/language.rst), only outside
                        // addresses such as the managed services' private IPs and the internet.
                        egress: [{ to: [{ namespaceSelector: {} }, { ipBlock: { cidr: "0.0.0.0/0", except: p.except } }] }],
                    },
                },
                { parent: this, provider: args.provider, dependsOn: args.dependsOn },
            );
        }
        this.registerOutputs({});
    }
}
