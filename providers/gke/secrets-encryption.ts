// Application-layer encryption of the cluster's Secrets (which hold every database and cache
// password) with a Cloud KMS key: etcd stores them encrypted with a key the project controls and
// can audit, rotate or revoke, beyond Google's default encryption at rest. The same setting
// terraform-google-modules' safer-cluster exposes (`database_encryption`), with the GKE service
// agent granted the key as its examples do.
import * as kms from "@pulumi/gcp/kms";
import * as organizations from "@pulumi/gcp/organizations";
import type { Provider as GcpProvider } from "@pulumi/gcp/provider";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

/** 90 days: Google's recommended rotation for symmetric keys; old versions stay to decrypt old data. */
export const SECRETS_KEY_ROTATION = "7776000s";

export interface GkeSecretsEncryptionArgs {
    readonly project: string;
    readonly region: string;
    readonly clusterName: string;
    readonly provider: GcpProvider;
    /** The KMS and container APIs (the GKE service agent exists once the latter is on). */
    readonly dependsOn: pulumi.Resource[];
}

export class GkeSecretsEncryption extends pulumi.ComponentResource {
    /** The key's id for the cluster's `databaseEncryption.keyName`. */
    public readonly keyName: pulumi.Output<string>;
    /** The grant the cluster must wait for: GKE cannot create an encrypted cluster before it. */
    public readonly ready: pulumi.Resource[];

    constructor(name: string, args: GkeSecretsEncryptionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:gke:SecretsEncryption", name, args, opts);
        const gcpOpts = { parent: this, provider: args.provider };
        // Key rings can never be deleted: a stack destroyed and created again needs a new name.
        const suffix = new random.RandomId(`${name}-suffix`, { byteLength: 3 }, { parent: this });
        const ring = new kms.KeyRing(
            `${name}-ring`,
            { name: pulumi.interpolate`${args.clusterName}-gke-${suffix.hex}`, location: args.region },
            { ...gcpOpts, dependsOn: args.dependsOn },
        );
        const key = new kms.CryptoKey(
            `${name}-key`,
            { name: "cluster-secrets", keyRing: ring.id, purpose: "ENCRYPT_DECRYPT", rotationPeriod: SECRETS_KEY_ROTATION },
            // Destroying the key's versions would make every Secret in etcd unreadable.
            { ...gcpOpts, protect: true },
        );
        const project = organizations.getProjectOutput({ projectId: args.project }, { parent: this, provider: args.provider });
        const grant = new kms.CryptoKeyIAMMember(
            `${name}-gke-agent`,
            {
                cryptoKeyId: key.id,
                role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
                member: pulumi.interpolate`serviceAccount:service-${project.number}@container-engine-robot.iam.gserviceaccount.com`,
            },
            { ...gcpOpts, dependsOn: args.dependsOn },
        );
        this.keyName = key.id;
        this.ready = [grant];
        this.registerOutputs({ keyName: this.keyName });
    }
}
