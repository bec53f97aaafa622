// The name RDS or ElastiCache gives the snapshot it takes when the stack destroys the server.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

/**
 * `<prefix>-final-<6 hex>`: the suffix is made once per stack, so a stack destroyed, re-created and
 * destroyed again does not collide with its first final snapshot (both services refuse a name in use).
 */
export function finalSnapshotName(name: string, prefix: string, parent: pulumi.Resource): pulumi.Output<string> {
    const suffix = new random.RandomId(`${name}-final-snapshot`, { byteLength: 3 }, { parent });
    return pulumi.interpolate`${prefix}-final-${suffix.hex}`;
}
