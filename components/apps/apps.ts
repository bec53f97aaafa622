// The stack's applications, wired to each other (connectsTo -> NetworkPolicy allows) and to the
// data layer (DATABASE_URL / REDIS_URL Secrets by reference).
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AppConfig } from "../../config";
import { App } from "./app";
import type { SecretRef } from "../../lib/workload";
import { GatewayRef } from "../../lib/contracts";

/** For each app, the apps that list it in `connectsTo`. */
export function clientsOf(apps: readonly AppConfig[]): Record<string, string[]> {
    const clients: Record<string, string[]> = Object.fromEntries(apps.map((a) => [a.name, []]));
    for (const app of apps) for (const target of app.connectsTo) clients[target].push(app.name);
    return clients;
}

export interface AppsArgs {
    readonly apps: readonly AppConfig[];
    readonly namespace: pulumi.Input<string>;
    readonly provider: k8s.Provider;
    readonly storageClass?: pulumi.Input<string>;
    readonly gateway: GatewayRef;
    /** Secrets an app reads whole as env: its database connection, the cache URL. */
    readonly envFrom: (app: AppConfig) => SecretRef[];
    /** Secrets its migrate Job reads: the database's direct connection, the cache URL. */
    readonly migrateEnvFrom: (app: AppConfig) => SecretRef[];
    readonly secretConfig: (key: string) => pulumi.Output<string>;
    readonly dependsOn: pulumi.Resource[];
}

export function deployApps(args: AppsArgs, opts?: pulumi.ComponentResourceOptions): Record<string, App> {
    const clients = clientsOf(args.apps);
    return Object.fromEntries(
        args.apps.map((app) => [
            app.name,
            new App(app.name, {
                app,
                namespace: args.namespace,
                provider: args.provider,
                storageClass: args.storageClass,
                gateway: args.gateway,
                clients: clients[app.name],
                envFrom: args.envFrom(app),
                migrateEnvFrom: args.migrateEnvFrom(app),
                secretConfig: args.secretConfig,
                dependsOn: args.dependsOn,
            }, opts),
        ]),
    );
}
