// Runs Slipway's policy pack (policy/policies.ts) over the resources a stack recorded offline, as
// `pulumi preview --policy-pack policy` would over the real ones: every resource policy on every
// resource, then every stack policy on the whole set.
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { RESOURCE_POLICIES, STACK_POLICIES } from "../policy/policies";
import type { RecordedResource } from "./offline";

export interface Violation {
    readonly policy: string;
    readonly level: "mandatory" | "advisory";
    readonly resource: string;
    readonly message: string;
}

/** A recorded resource as the policy engine presents it (type, inputs, options, provider by name). */
export function asPolicyResource(r: RecordedResource): PolicyResource {
    // A provider reference is `<provider urn>::<id>`; the urn ends in `::<type>::<name>`.
    const providerName = r.provider ? r.provider.split("::").slice(-2, -1)[0] : undefined;
    return {
        type: r.type,
        name: r.name,
        urn: r.urn,
        props: r.inputs,
        opts: { parent: r.parent || undefined, protect: r.protect, ignoreChanges: r.ignoreChanges, deleteBeforeReplace: r.deleteBeforeReplace, aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: r.additionalSecretOutputs },
        provider: providerName ? ({ type: "pulumi:providers", name: providerName, urn: r.provider, props: {} } as any) : undefined,
        dependencies: [],
        propertyDependencies: {},
        // Typed lookups (`validateResourceOfType`) are not used by Slipway's policies.
        isType: () => false,
        asType: () => undefined,
    } as unknown as PolicyResource;
}

export async function runPolicies(
    resources: readonly RecordedResource[],
    policies: { resource: ResourceValidationPolicy[]; stack: StackValidationPolicy[] } = { resource: RESOURCE_POLICIES, stack: STACK_POLICIES },
): Promise<Violation[]> {
    const violations: Violation[] = [];
    const level = (p: { enforcementLevel?: string }) => (p.enforcementLevel === "mandatory" ? "mandatory" : "advisory");
    const stackTags = new Map<string, string>();
    const all = resources.map(asPolicyResource);
    for (const policy of policies.resource) {
        const validators = (Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource]).filter((v) => v !== undefined);
        for (const r of all) {
            for (const validate of validators) {
                await validate({ ...r, stackTags, getConfig: () => ({}) as any, notApplicable: () => undefined } as any, (message) => violations.push({ policy: policy.name, level: level(policy), resource: r.name, message }));
            }
        }
    }
    for (const policy of policies.stack) {
        await policy.validateStack({ resources: all, stackTags, getConfig: () => ({}) as any } as any, (message) => violations.push({ policy: policy.name, level: level(policy), resource: "(stack)", message }));
    }
    return violations;
}
