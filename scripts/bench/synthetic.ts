// A synthetic stack for `npm run bench`: dev's cluster and data with `count` apps (web apps with a
// route, a database and the cache, and workers, alternately), to see how start-up grows with apps.
import { loadStackConfig } from "../offline";

export function syntheticStack(count: number): { config: Record<string, string>; secretKeys: string[] } {
    const { config, secretKeys } = loadStackConfig("dev");
    const apps = Array.from({ length: count }, (_, i) =>
        i % 2 === 0
            ? { name: `web-${i}`, kind: "web", image: "ghcr.io/stefanprodan/podinfo:6.7.1", port: 9898, database: "shop", cache: true, health: { path: "/readyz" }, ingress: { host: `web-${i}.localtest.me` } }
            : { name: `worker-${i}`, kind: "worker", image: "ghcr.io/stefanprodan/podinfo:6.7.1", database: "billing", health: { command: ["true"] } },
    );
    return { config: { ...config, "slipway:apps": JSON.stringify(apps) }, secretKeys };
}
