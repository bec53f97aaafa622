// The Pod Security Standards "restricted" profile as a checker: every baseline and restricted
// control that a field of a pod can violate. Source: kubernetes.io/docs/concepts/security/pod-security-standards/
// (Kubernetes 1.35), the rules the namespaces' `pod-security.kubernetes.io/enforce: restricted` applies.

const SAFE_VOLUMES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];
const SAFE_SELINUX_TYPES = ["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"];

/** Violations of the Pod Security Standards "restricted" profile (every baseline and restricted control). */
export function restrictedViolations(pod: any): string[] {
    const spec = pod.spec ?? {};
    const psc = spec.securityContext ?? {};
    const out: string[] = [];
    if (spec.hostNetwork || spec.hostPID || spec.hostIPC) out.push("host namespaces");
    for (const v of spec.volumes ?? []) {
        const type = Object.keys(v).find((k) => k !== "name");
        if (!SAFE_VOLUMES.includes(type ?? "")) out.push(`volume ${v.name}: ${type}`);
    }
    if ((psc.sysctls ?? []).length > 0) out.push("sysctls");
    if (psc.seLinuxOptions && !SAFE_SELINUX_TYPES.includes(psc.seLinuxOptions.type ?? "")) out.push("pod seLinuxOptions");
    if (psc.runAsUser === 0) out.push("pod runAsUser 0");
    if (psc.appArmorProfile?.type === "Unconfined") out.push("pod appArmor Unconfined");
    for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])]) {
        const sc = c.securityContext ?? {};
        const at = `container ${c.name}`;
        if (sc.privileged) out.push(`${at}: privileged`);
        if (sc.allowPrivilegeEscalation !== false) out.push(`${at}: allowPrivilegeEscalation is not false`);
        if (!(sc.capabilities?.drop ?? []).includes("ALL")) out.push(`${at}: capabilities do not drop ALL`);
        for (const cap of sc.capabilities?.add ?? []) if (cap !== "NET_BIND_SERVICE") out.push(`${at}: adds ${cap}`);
        if ((sc.runAsNonRoot ?? psc.runAsNonRoot) !== true) out.push(`${at}: runAsNonRoot is not true`);
        if (sc.runAsUser === 0) out.push(`${at}: runAsUser 0`);
        if (!["RuntimeDefault", "Localhost"].includes((sc.seccompProfile ?? psc.seccompProfile)?.type)) out.push(`${at}: no RuntimeDefault/Localhost seccomp profile`);
        if (sc.procMount !== undefined && sc.procMount !== "Default") out.push(`${at}: procMount`);
        if (sc.seLinuxOptions && !SAFE_SELINUX_TYPES.includes(sc.seLinuxOptions.type ?? "")) out.push(`${at}: seLinuxOptions`);
        if (sc.appArmorProfile?.type === "Unconfined") out.push(`${at}: appArmor Unconfined`);
        for (const p of c.ports ?? []) if (p.hostPort) out.push(`${at}: hostPort ${p.hostPort}`);
    }
    return out;
}

