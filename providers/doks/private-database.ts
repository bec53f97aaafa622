// What DO's managed Postgres and Valkey share: a database cluster in the stack's VPC, standby nodes
// when asked, tagged for the stack, protected, its credentials secret, and a firewall admitting only
// the DOKS cluster. Each engine adds its own arguments.
import { DatabaseCluster, type DatabaseClusterArgs } from "@pulumi/digitalocean/databaseCluster";
import type { DatabaseFirewall } from "@pulumi/digitalocean/databaseFirewall";
import type { Provider as DoProvider } from "@pulumi/digitalocean/provider";
import * as pulumi from "@pulumi/pulumi";
import { clusterOnlyFirewall, type DatabaseClient } from "./firewall";

/** Where a DO database goes and who may reach it: the same for every engine of a stack. */
export interface DatabasePlacement {
    /** The stack's cluster name; the database is `<name>-<suffix>`. */
    readonly name: string;
    readonly region: string;
    readonly vpcId: pulumi.Input<string>;
    /** The DOKS cluster: the only client the database firewall admits. */
    readonly client: DatabaseClient;
    readonly provider: DoProvider;
    readonly dependsOn: pulumi.Resource[];
}

export interface PrivateDatabaseArgs extends DatabasePlacement {
    readonly suffix: string;
    readonly nodeCount: number;
    /** The engine's own arguments (engine, version, size, maintenance...). */
    readonly engine: Omit<DatabaseClusterArgs, "name" | "region" | "nodeCount" | "privateNetworkUuid" | "tags">;
}

export function privateDatabase(name: string, args: PrivateDatabaseArgs, parent: pulumi.Resource): { cluster: DatabaseCluster; firewall: DatabaseFirewall } {
    const o = { parent, provider: args.provider };
    const cluster = new DatabaseCluster(
        `${name}-cluster`,
        {
            ...args.engine,
            name: `${args.name}-${args.suffix}`,
            region: args.region,
            nodeCount: args.nodeCount,
            privateNetworkUuid: args.vpcId,
            tags: ["slipway", `slipway-cluster-${args.name}`],
        },
        { ...o, protect: true, dependsOn: args.dependsOn, additionalSecretOutputs: ["password", "uri", "privateUri"] },
    );
    // Only the cluster's nodes and pods: not the internet, not other Droplets of the account.
    return { cluster, firewall: clusterOnlyFirewall(`${name}-firewall`, cluster.id, args.client, o) };
}
