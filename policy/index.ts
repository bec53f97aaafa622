// Slipway's policy pack: `pulumi preview --policy-pack policy` (README "Policies"). The policies
// themselves are in policies.ts, shared with the offline run in `npm test` and `npm run plan`.
import { PolicyPack } from "@pulumi/policy";
import { RESOURCE_POLICIES, STACK_POLICIES } from "./policies";

new PolicyPack("slipway", { policies: [...RESOURCE_POLICIES, ...STACK_POLICIES] });
