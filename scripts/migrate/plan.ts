// The one safety rule of the move: a target database that already holds tables is never
// overwritten unless the user says --force. Decided for every database before anything is touched.

export interface TargetState {
    /** Owner of the target database; undefined when the database does not exist. */
    readonly owner: string | undefined;
    /** Application tables already in it. */
    readonly userTables: number;
}

export type Verdict =
    | { readonly action: "restore"; readonly role: string }
    | { readonly action: "overwrite"; readonly role: string }
    | { readonly action: "refuse"; readonly reason: string };

export function decide(database: string, target: TargetState, force: boolean): Verdict {
    if (target.owner === undefined) {
        return {
            action: "refuse",
            reason: `database "${database}" does not exist on the target; deploy the target stack (pulumi up) so its bootstrap creates it and its owner`,
        };
    }
    if (target.userTables > 0 && !force) {
        return {
            action: "refuse",
            reason: `target database "${database}" is not empty (${target.userTables} table${target.userTables === 1 ? "" : "s"}); refusing to overwrite it, pass --force to replace its contents`,
        };
    }
    return { action: target.userTables > 0 ? "overwrite" : "restore", role: target.owner };
}
