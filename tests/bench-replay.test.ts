// `npm run bench` attributes each stack's start-up to the SDKs (the stack's replay) and to Slipway
// (the rest). That split holds only if the replay registers what the stack does: every resource, of
// the same type, under the same parent, through the SDK class that makes the same output properties.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runComponents, runStack, stackNames } from "./helpers";

const shape = (resources: readonly { type: string; name: string; urn: string; parent: string; custom: boolean }[]) =>
    resources.map((r) => `${r.type} ${r.name} custom=${r.custom} parent=${resources.find((p) => p.urn === r.parent)?.name ?? "-"}`).sort();

test.each(stackNames())("%s: the bench's replay registers the same resources, types and parents as the program", async (stack) => {
    const program = await runStack(stack);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-replay-"));
    const file = path.join(dir, `${stack}.json`);
    fs.writeFileSync(file, JSON.stringify(program.resources));
    // The program runs in Node's own realm, whose process.env is not jest's copy.
    let nativeEnv: NodeJS.ProcessEnv | undefined;
    try {
        const replay = await runComponents((req) => {
            nativeEnv = (req("process") as NodeJS.Process).env;
            nativeEnv.SLIPWAY_BENCH_REPLAY = file;
            delete req.cache[req.resolve("../scripts/bench/replay")];
            return req("../scripts/bench/replay");
        });
        expect(shape(replay.resources)).toEqual(shape(program.resources));
        const inputs = (rs: typeof program.resources) => Object.fromEntries(rs.map((r) => [`${r.type} ${r.name}`, r.inputs]));
        expect(inputs(replay.resources)).toEqual(inputs(program.resources));
        // Through the SDKs' own classes (their modules, their output properties): only custom resource
        // kinds (no SDK class), providers (replayed as sent, already encoded) and the k3d dynamic
        // resource stand in as generic ones.
        const crdGroups = ["gateway.networking.k8s.io", "cilium.io", "networking.gke.io"];
        const { sdkClass } = require("../scripts/bench/replay") as typeof import("../scripts/bench/replay");
        const generic = program.resources.filter((r) => r.custom && !sdkClass(r.type)).map((r) => r.type);
        expect([...new Set(generic)].filter((t) => !crdGroups.some((g) => t.startsWith(`kubernetes:${g}/`)) && !t.startsWith("pulumi:providers:") && t !== "pulumi-nodejs:dynamic/slipway:K3dCluster")).toEqual([]);
    } finally {
        if (nativeEnv) delete nativeEnv.SLIPWAY_BENCH_REPLAY;
        fs.rmSync(dir, { recursive: true, force: true });
    }
});
