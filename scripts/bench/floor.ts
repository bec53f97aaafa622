// The floor of `npm run bench`: the least a Pulumi Kubernetes program costs to start, @pulumi/kubernetes
// and one Namespace, run by the same harness as the stacks.
import * as k8s from "@pulumi/kubernetes";

const ns = new k8s.core.v1.Namespace("floor");
export const name = ns.metadata.name;
