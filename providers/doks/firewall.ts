// Who may reach a DO managed database (Postgres or Valkey): the stack's cluster and nothing else.
import { DatabaseFirewall } from "@pulumi/digitalocean/databaseFirewall";
import type { Provider as DoProvider } from "@pulumi/digitalocean/provider";
import * as pulumi from "@pulumi/pulumi";

/** The cluster a database admits: its ID, and the pod range its pods connect from. */
export interface DatabaseClient {
    readonly clusterId: pulumi.Input<string>;
    /**
     * On a VPC-native cluster pods reach the VPC with their own addresses, not their node's, and
     * whether DO's `k8s` rule covers the pod range is unconfirmed: the range is admitted by address
     * too. It is unique to this cluster within the account (DOKS refuses overlapping ranges).
     */
    readonly podCidr: string;
}

/** Rule types as the API spells them (`ip_addr`, not the Pulumi docs' `ipAddr`; terraform-provider-digitalocean validation). */
export function clusterOnlyRules(client: DatabaseClient): { type: string; value: pulumi.Input<string> }[] {
    return [
        { type: "k8s", value: client.clusterId },
        { type: "ip_addr", value: client.podCidr },
    ];
}

export function clusterOnlyFirewall(name: string, databaseId: pulumi.Input<string>, client: DatabaseClient, opts: { parent: pulumi.Resource; provider: DoProvider }): DatabaseFirewall {
    return new DatabaseFirewall(name, { clusterId: databaseId, rules: clusterOnlyRules(client) }, opts);
}
