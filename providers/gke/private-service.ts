// Where a Google-managed service of the stack (Cloud SQL, Memorystore) lives: private to the
// stack's VPC, on an IP from the private services access range, reached only through the peering.
import type { Provider as GcpProvider } from "@pulumi/gcp/provider";
import * as pulumi from "@pulumi/pulumi";

export interface PrivateServiceArgs {
    readonly region: string;
    /** The VPC (id) the service gets its private IP in. */
    readonly network: pulumi.Input<string>;
    /** The private services access range (its name) the service takes its IPs from. */
    readonly privateRange: pulumi.Input<string>;
    readonly provider: GcpProvider;
    /** GCP's deletion protection on the instance (slipway:gke.deletionProtection). */
    readonly deletionProtection: boolean;
    /** The servicenetworking peering and the service's API. */
    readonly dependsOn: pulumi.Resource[];
}
