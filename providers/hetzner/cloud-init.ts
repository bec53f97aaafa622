// The cloud-init each Hetzner server boots with: it installs a pinned k3s as the first server
// (--cluster-init, with the CAs Pulumi made), a server that joins it, or an agent. Pure text, so
// tests read exactly what a server would run. The flags follow k3s's server/agent docs and the
// two reference projects (kube-hetzner, hetzner-k3s); each line says why.

/** k3s's own defaults, which the cloud controller manager is told about (networking.clusterCIDR). */
export const K3S_CLUSTER_CIDR = "10.42.0.0/16";
export const K3S_SERVICE_CIDR = "10.43.0.0/16";
/** Hetzner caps user data at 32 KiB (terraform-provider-hcloud docs/resources/server.md). */
export const USER_DATA_LIMIT = 32 * 1024;

export type NodeRole =
    /**
     * The first control plane: starts etcd (--cluster-init) with the pre-made CAs, unless the
     * cluster already answers behind `rejoin` (the API load balancer): then this is a re-created
     * first server, and it joins instead of starting a second, empty cluster.
     */
    | { kind: "init"; caFiles: Record<string, string>; rejoin: string }
    /** Another control plane: joins the first one's fixed private IP once it answers. */
    | { kind: "server"; join: string; index: number }
    /** A worker: joins through the API load balancer's private IP. */
    | { kind: "agent"; join: string };

export interface NodeInit {
    readonly role: NodeRole;
    /** `v1.35.8+k3s1`. */
    readonly k3sVersion: string;
    /** The server token (full control: only servers get it). */
    readonly token: string;
    /** The agent token (joins agents only, k3s --agent-token): what workers get. */
    readonly agentToken: string;
    /** The address Pulumi gives the server in the private network. */
    readonly privateIp: string;
    /** Extra names of the API's certificate (the API load balancer's private IP). */
    readonly tlsSans: readonly string[];
    readonly labels: Record<string, string>;
}

function k3sConfig(n: NodeInit): Record<string, unknown> {
    const common = {
        token: n.role.kind === "agent" ? n.agentToken : n.token,
        "node-ip": n.privateIp,
        // Hetzner's CCM owns node addresses, routes and load balancers (--disable-cloud-controller
        // and the kubelet's external provider: CCM docs "deploy with networks").
        "kubelet-arg": ["cloud-provider=external"],
        "node-label": Object.entries(n.labels).map(([k, v]) => `${k}=${v}`),
    };
    if (n.role.kind === "agent") return { ...common, server: `https://${n.role.join}:6443` };
    return {
        ...common,
        // The first server decides at boot between --cluster-init and joining (installScript).
        ...(n.role.kind === "server" ? { server: `https://${n.role.join}:6443` } : {}),
        "agent-token": n.agentToken,
        "advertise-address": n.privateIp,
        // Slipway installs Traefik, the CCM's load balancers and the CSI driver's volumes instead.
        disable: ["traefik", "servicelb", "local-storage"],
        "disable-cloud-controller": true,
        "cluster-cidr": K3S_CLUSTER_CIDR,
        "service-cidr": K3S_SERVICE_CIDR,
        "secrets-encryption": true,
        "write-kubeconfig-mode": "0600",
    };
}

/** Waits for `url` to answer (k3s's unauthenticated /cacerts), then runs the rest. */
const waitFor = (url: string) => `until curl -ksf --max-time 5 ${url} >/dev/null; do echo "waiting for ${url}"; sleep 5; done`;

/** The boot script: find the private interface, wait for whom it joins, install k3s. */
export function installScript(n: NodeInit): string {
    const kind = n.role.kind === "agent" ? "agent" : "server";
    return [
        "#!/bin/sh",
        "set -eu",
        `PRIVATE_IP=${n.privateIp}`,
        "# The private NIC's name differs by server type (ens10, enp7s0) and it may come up after boot:",
        "# find it by the address Hetzner assigns, rather than guessing a name.",
        "IFACE=''",
        "for i in $(seq 1 120); do",
        `  IFACE=$(ip -o -4 addr show | awk -v ip="$PRIVATE_IP" '$4 ~ "^"ip"/" {print $2; exit}')`,
        '  [ -n "$IFACE" ] && break',
        "  # The network is attached after the server starts, and cloud-init does not configure it",
        "  # (canonical/cloud-init#4263): after a minute, DHCP on the NIC Hetzner's metadata names.",
        '  if [ "$i" = 12 ]; then',
        "    MAC=$(curl -sf http://169.254.169.254/hetzner/v1/metadata/private-networks | awk '/mac_address:/ {print $2; exit}')",
        "    NIC=$(ip -o link | awk -v mac=\"$MAC\" 'index($0, mac) {sub(/:$/, \"\", $2); print $2; exit}')",
        '    if [ -n "$NIC" ]; then',
        "      printf 'network:\\n  version: 2\\n  ethernets:\\n    slipway-private:\\n      match: {macaddress: \"%s\"}\\n      dhcp4: true\\n' \"$MAC\" > /etc/netplan/60-slipway-private.yaml",
        "      chmod 600 /etc/netplan/60-slipway-private.yaml && netplan apply",
        "    fi",
        "  fi",
        "  sleep 5",
        "done",
        '[ -n "$IFACE" ] || { echo "no interface holds $PRIVATE_IP" >&2; exit 1; }',
        "PUBLIC_IP=$(curl -sf --retry 10 http://169.254.169.254/hetzner/v1/metadata/public-ipv4)",
        ...(n.role.kind === "server"
            ? [
                  "# Joins one at a time after the first server answers: simultaneous etcd joins fail (k3s-io/k3s#4335).",
                  waitFor(`https://${n.role.join}:6443/cacerts`),
                  `sleep ${n.role.index * 45}`,
              ]
            : n.role.kind === "agent"
              ? [waitFor(`https://${n.role.join}:6443/cacerts`)]
              : []),
        "# Flannel and the node's addresses on the private network; the public IP in the API certificate",
        "# (k3s refuses names not in --tls-san) and as the node's external address.",
        `FLAGS="--flannel-iface=$IFACE --node-external-ip=$PUBLIC_IP${kind === "server" ? ` --tls-san=$PUBLIC_IP${n.tlsSans.map((s) => ` --tls-san=${s}`).join("")}` : ""}"`,
        ...(n.role.kind === "init"
            ? [
                  "# A cluster that already answers means this server was re-created: join it rather than",
                  "# start a second etcd (delete the old node first: README, Hetzner runbook).",
                  `if curl -ksf --max-time 5 https://${n.role.rejoin}:6443/cacerts >/dev/null; then FLAGS="$FLAGS --server=https://${n.role.rejoin}:6443"; else FLAGS="$FLAGS --cluster-init"; fi`,
              ]
            : []),
        `until curl -sfL https://get.k3s.io -o /tmp/k3s-install.sh; do sleep 10; done`,
        `INSTALL_K3S_VERSION='${n.k3sVersion}' INSTALL_K3S_EXEC="${kind} $FLAGS" sh /tmp/k3s-install.sh`,
        "",
    ].join("\n");
}

/** The whole user data: k3s's config file (0600, it holds the token), the CAs on the first server, the script. */
export function cloudInit(n: NodeInit): string {
    const file = (path: string, content: string, permissions: string) => ({ path, encoding: "b64", content: Buffer.from(content).toString("base64"), permissions, owner: "root:root" });
    const caFiles = n.role.kind === "init" ? Object.entries(n.role.caFiles).map(([name, pem]) => file(`/var/lib/rancher/k3s/server/tls/${name}`, pem, "0600")) : [];
    const doc = {
        write_files: [
            file("/etc/rancher/k3s/config.yaml", JSON.stringify(k3sConfig(n), null, 2), "0600"),
            ...caFiles,
            file("/usr/local/bin/slipway-k3s.sh", installScript(n), "0700"),
        ],
        runcmd: [["/usr/local/bin/slipway-k3s.sh"]],
    };
    // JSON is YAML: no quoting rules to get wrong in PEM blocks or shell.
    return `#cloud-config\n${JSON.stringify(doc, null, 1)}\n`;
}
