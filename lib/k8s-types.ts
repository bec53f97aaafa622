// Short names for the Kubernetes input types the components build by hand.
import type * as k8s from "@pulumi/kubernetes";

export type Container = k8s.types.input.core.v1.Container;
export type EnvVar = k8s.types.input.core.v1.EnvVar;
export type PodSpec = k8s.types.input.core.v1.PodSpec;
export type PodTemplateSpec = k8s.types.input.core.v1.PodTemplateSpec;
export type Probe = k8s.types.input.core.v1.Probe;
export type PodSecurityContext = k8s.types.input.core.v1.PodSecurityContext;
export type SecurityContext = k8s.types.input.core.v1.SecurityContext;
export type ResourceRequirements = k8s.types.input.core.v1.ResourceRequirements;
export type TopologySpreadConstraint = k8s.types.input.core.v1.TopologySpreadConstraint;
export type Volume = k8s.types.input.core.v1.Volume;
export type VolumeMount = k8s.types.input.core.v1.VolumeMount;
export type NetworkPolicyPeer = k8s.types.input.networking.v1.NetworkPolicyPeer;
export type NetworkPolicyIngressRule = k8s.types.input.networking.v1.NetworkPolicyIngressRule;
