// The policy pack starts the way the CLI starts it: pulumi-language-nodejs runs
// @pulumi/pulumi/cmd/run-policy-pack with the pack's directory as working directory, and the pack
// prints the port of its analyzer server once it is up (sdk/nodejs/cmd/run-policy-pack; @pulumi/policy
// server.ts). Two start-up rules it depends on: the launcher always type-checks through ts-node (so
// swc must be off for the pack), and PolicyPack reads a version from the pack's package.json.
import { spawn } from "child_process";
import * as path from "path";
import { PROJECT_DIR } from "../helpers";

test("`pulumi preview --policy-pack policy` can start the pack: it serves on a port", async () => {
    const dir = path.join(PROJECT_DIR, "policy");
    // The engine address is only dialled for logging once policies run; starting needs none.
    const child = spawn(process.execPath, [require.resolve("@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:1", dir], { cwd: dir });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    try {
        const port = await new Promise<string>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no port within 60 s; stderr:\n${err}`)), 60000);
            child.stdout.on("data", () => {
                const m = /^(\d+)\s*$/m.exec(out);
                if (m) {
                    clearTimeout(timer);
                    resolve(m[1]);
                }
            });
            child.on("exit", (code) => reject(new Error(`the pack exited (${code}) before serving:\n${err}`)));
        });
        expect(Number(port)).toBeGreaterThan(0);
    } finally {
        child.kill();
    }
}, 90000);
