// Runs the real program (index.ts) for one stack file under Pulumi's mock runtime: no CLI, no
// cloud credentials. It records every resource registration exactly as the engine would receive
// it (inputs, secret paths, parent, provider, protect, retainOnDelete...). Used by `npm run plan`
// and by the end-to-end tests, so both see the same program run.
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { readStackConfig, SlipwayConfig } from "../config";
import { offlineInvoke } from "./offline-invokes";
import { ResolvedConfig, resolveStackConfig } from "./project-config";

export const PROJECT_DIR = path.resolve(__dirname, "..");
const PROJECT = "slipway";

const rpc = require("@pulumi/pulumi/runtime/rpc");
const settings = require("@pulumi/pulumi/runtime/settings");
// The modules Pulumi's own mock monitor answers with (the SDK's copies, so its messages decode them).
const resproto = require("@pulumi/pulumi/proto/resource_pb");
const structproto = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json"))] }));

/** One resource registration, as the engine would see it. */
export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    /** URN of the parent resource ("" for the stack's own children). */
    readonly parent: string;
    readonly custom: boolean;
    /** Inputs with secrets unwrapped; `secretPaths` says which were secret. */
    readonly inputs: Record<string, any>;
    /** Dotted paths of inputs that were Pulumi secrets. */
    readonly secretPaths: string[];
    /** Provider reference (`<urn>::<id>`) for custom resources. */
    readonly provider: string;
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    readonly deleteBeforeReplace: boolean;
    readonly additionalSecretOutputs: string[];
    readonly ignoreChanges: string[];
    readonly dependencies: string[];
    /** A dynamic resource's provider, serialized as the engine stores it (kept out of `inputs`). */
    readonly dynamicProvider?: string;
}

export interface ProgramRun {
    readonly stack: string;
    readonly resources: RecordedResource[];
    /** The stack's exports, resolved, and which of them are secret. */
    readonly outputs: Record<string, unknown>;
    readonly secretOutputs: string[];
}

/** Every `Pulumi.<stack>.yaml` in the project root, by stack name. */
export function stackNames(dir = PROJECT_DIR): string[] {
    return fs
        .readdirSync(dir)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/** A stack file's config as the program parses it (defaults applied, validated). */
export function parsedStackConfig(stack: string, dir = PROJECT_DIR): SlipwayConfig {
    const { config, secretKeys } = loadStackConfig(stack, dir);
    return readStackConfig(stack, config, (k) => secretKeys.includes(k));
}

/**
 * `Pulumi.<stack>.yaml` merged with Pulumi.yaml's project-level config, as the CLI resolves it
 * (scripts/project-config.ts), in the runtime's flat form. Secret values become placeholders.
 */
export function loadStackConfig(stack: string, dir = PROJECT_DIR): ResolvedConfig {
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) throw new Error(`no stack file ${path.basename(file)} in ${dir}`);
    // The core schema, as the CLI's YAML reader resolves plain scalars: a date stays text.
    const read = (f: string) => yaml.load(fs.readFileSync(f, "utf8"), { schema: yaml.CORE_SCHEMA });
    const stackFile = (read(file) ?? {}) as { config?: Record<string, unknown> };
    const project = read(path.join(dir, "Pulumi.yaml")) as { name: string; config?: Record<string, unknown> };
    return resolveStackConfig(project.name, stack, project.config, stackFile.config);
}

// Splits the runtime's secret wrappers out of deserialized inputs.
function unwrapSecrets(value: any, secretPaths: string[], at: (string | number)[] = []): any {
    if (!value || typeof value !== "object") return value;
    if (value[rpc.specialSigKey] === rpc.specialSecretSig) {
        secretPaths.push(pathText(at));
        return unwrapSecrets(value.value, [], at);
    }
    // One path stack for the whole walk, written out only where a secret is: most values have none.
    const inner = (v: unknown, key: string | number) => {
        at.push(key);
        const unwrapped = unwrapSecrets(v, secretPaths, at);
        at.pop();
        return unwrapped;
    };
    if (Array.isArray(value)) return value.map(inner);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = inner(value[key], key);
    return out;
}

/** `a.b[0].c`, as secretPaths lists it. */
function pathText(at: readonly (string | number)[]): string {
    return at.reduce<string>((text, key) => (typeof key === "number" ? `${text}[${key}]` : text ? `${text}.${key}` : key), "");
}

const OFFLINE_KUBECONFIG = "apiVersion: v1\nkind: Config\n# offline placeholder\n";

/**
 * The ID a created resource gets: `<name>-id`, except where the provider's IDs are numbers that the
 * program passes on as numbers (Hetzner): a stable number derived from the name.
 */
export function offlineId(type: string, name: string): string {
    if (!type.startsWith("hcloud:")) return `${name}-id`;
    let n = 7;
    for (const c of name) n = (n * 31 + c.charCodeAt(0)) % 1_000_000_007;
    return String(n);
}

/** The password a DO database cluster named `name` generates offline (its `password` output). */
export function offlineGeneratedPassword(name: string, generation = ""): string {
    return `offline-${generation}${name}-password`;
}

/** Fake outputs the real providers would return, for the few resources whose outputs the program reads. */
function mockState(type: string, name: string, inputs: Record<string, any>, generation: string): Record<string, any> {
    switch (type) {
        case "random:index/randomPassword:RandomPassword":
            return { ...inputs, result: `offline-${generation}${name}-${"x".repeat(Math.max(0, (inputs.length ?? 16) - name.length - 8))}` };
        case "random:index/randomId:RandomId":
            return { ...inputs, hex: "0ff1ce".slice(0, 2 * (inputs.byteLength ?? 3)) };
        case "pulumi-nodejs:dynamic/slipway:K3dCluster":
            return { ...inputs, kubeconfig: OFFLINE_KUBECONFIG, createdAt: "2026-01-01T00:00:00.000Z" };
        // Addresses from documentation ranges (RFC 5737) and private ranges: obviously not real.
        case "gcp:sql/databaseInstance:DatabaseInstance":
            return { ...inputs, name: `${name}-offline`, privateIpAddress: "10.64.0.3", connectionName: `offline:${inputs.region}:${name}` };
        case "gcp:container/cluster:Cluster":
            return {
                ...inputs,
                endpoint: "203.0.113.10",
                masterAuth: { clusterCaCertificate: Buffer.from("offline CA").toString("base64") },
                controlPlaneEndpointsConfig: { ...inputs.controlPlaneEndpointsConfig, dnsEndpointConfig: { ...inputs.controlPlaneEndpointsConfig?.dnsEndpointConfig, endpoint: `gke-offline-${name}.${inputs.location}.gke.goog` } },
            };
        case "gcp:redis/instance:Instance":
            return {
                ...inputs,
                host: "10.64.0.11",
                port: 6378,
                authString: "offline-redis-auth",
                serverCaCerts: [
                    // Two, as during a CA rotation.
                    { cert: "-----BEGIN CERTIFICATE-----\noffline\n-----END CERTIFICATE-----\n" },
                    { cert: "-----BEGIN CERTIFICATE-----\noffline next\n-----END CERTIFICATE-----\n" },
                ],
            };
        case "aws:eks/cluster:Cluster":
            return {
                ...inputs,
                endpoint: `https://OFFLINE.gr7.${inputs.region ?? "us-east-1"}.eks.amazonaws.com`,
                certificateAuthority: { data: Buffer.from("offline CA").toString("base64") },
                vpcConfig: { ...inputs.vpcConfig, clusterSecurityGroupId: "sg-0ff11ne0c1u57e4" },
            };
        case "aws:rds/instance:Instance":
            return { ...inputs, address: `${inputs.identifier}.offline.us-east-1.rds.amazonaws.com` };
        case "aws:elasticache/replicationGroup:ReplicationGroup":
            return { ...inputs, primaryEndpointAddress: `master.${inputs.replicationGroupId}.offline.use1.cache.amazonaws.com` };
        case "aws:ec2/launchTemplate:LaunchTemplate":
            return { ...inputs, latestVersion: 1 };
        case "digitalocean:index/kubernetesCluster:KubernetesCluster":
            return {
                ...inputs,
                id: `offline-doks-${inputs.name}`,
                endpoint: `https://offline-${inputs.name}.k8s.ondigitalocean.com`,
                kubeConfigs: [{ clusterCaCertificate: Buffer.from("offline CA").toString("base64"), rawConfig: OFFLINE_KUBECONFIG, expiresAt: "2026-12-06T00:00:00Z" }],
            };
        case "digitalocean:index/databaseCluster:DatabaseCluster":
            return {
                ...inputs,
                id: `offline-db-${inputs.name}`,
                privateHost: `private-${inputs.name}-do-user-0-0.offline.db.ondigitalocean.com`,
                port: inputs.engine === "pg" ? 25060 : 25061,
                user: inputs.engine === "pg" ? "doadmin" : "default",
                password: offlineGeneratedPassword(name, generation),
            };
        case "tls:index/privateKey:PrivateKey":
            return {
                ...inputs,
                privateKeyPem: `-----BEGIN PRIVATE KEY-----\noffline ${name}\n-----END PRIVATE KEY-----\n`,
                privateKeyOpenssh: `-----BEGIN OPENSSH PRIVATE KEY-----\noffline ${name}\n-----END OPENSSH PRIVATE KEY-----\n`,
                publicKeyOpenssh: `ssh-ed25519 AAAAoffline ${name}\n`,
            };
        case "tls:index/selfSignedCert:SelfSignedCert":
        case "tls:index/locallySignedCert:LocallySignedCert":
            return { ...inputs, certPem: `-----BEGIN CERTIFICATE-----\noffline ${name}\n-----END CERTIFICATE-----\n` };
        case "tls:index/certRequest:CertRequest":
            return { ...inputs, certRequestPem: `-----BEGIN CERTIFICATE REQUEST-----\noffline ${name}\n-----END CERTIFICATE REQUEST-----\n` };
        case "hcloud:index/server:Server":
            // A documentation address (RFC 5737), one per server.
            return { ...inputs, ipv4Address: `203.0.113.${10 + (Number(offlineId(type, name)) % 200)}` };
        default:
            // Every AWS resource has an ARN the program passes on (roles to add-ons, the KMS key to the cluster).
            return type.startsWith("aws:") ? { arn: `arn:aws:offline:::${type.split(":")[1]}/${name}`, ...inputs } : { ...inputs };
    }
}

/**
 * Provider credentials the program itself reads from config (the Hetzner token goes into the
 * cluster's `hcloud` Secret): offline, a placeholder stands in, secret, as `pulumi config set
 * --secret hcloud:token` would hold it. A stack's own value wins.
 */
const OFFLINE_CREDENTIALS = ["hcloud:token"];
function offlineCredentials(): Record<string, string> {
    return Object.fromEntries(OFFLINE_CREDENTIALS.map((k) => [k, `offline-placeholder-for-${k}`]));
}

/**
 * What a `.get()` read of a live object would find. Offline there is no cluster: a StorageClass
 * named as retained is assumed to be what the config says it is (Retain); `pulumi preview` reads
 * the real one and stops if it is not.
 */
function readState(type: string, id: string): Record<string, any> {
    if (type === "kubernetes:storage.k8s.io/v1:StorageClass") return { metadata: { name: id }, reclaimPolicy: "Retain" };
    return {};
}

/**
 * Runs the program for `stack`. `load` requires index.ts; the default clears the project's own
 * modules from Node's cache first (jest callers pass their own, e.g. jest.isolateModules).
 */
export async function runProgram(
    stack: string,
    options: {
        load?: () => Record<string, unknown>;
        config?: Record<string, string>;
        secretKeys?: string[];
        /** Changes every generated password (as a re-created RandomPassword would), for rotation tests. */
        generation?: string;
    } = {},
): Promise<ProgramRun> {
    const loaded = options.config ? { config: options.config, secretKeys: options.secretKeys ?? [] } : loadStackConfig(stack);
    const resources: RecordedResource[] = [];
    pulumi.runtime.setMocks(
        {
            newResource: (args) =>
                args.id !== undefined && args.id !== ""
                    ? { id: args.id, state: readState(args.type, args.id) }
                    : { id: args.custom ? offlineId(args.type, args.name) : undefined, state: mockState(args.type, args.name, args.inputs, options.generation ?? "") },
            call: (args) => offlineInvoke(args.token, args.inputs),
        },
        PROJECT,
        stack,
        false,
    );
    const monitor = settings.getMonitor();
    monitor.registerResource = (req: any, callback: any) => {
        const secretPaths: string[] = [];
        // The inputs as the engine receives them (plain JSON; secrets and resource references in their
        // wire form). deserializeProperties would build an Output per value, most of a run's cost.
        const wire = req.getObject()?.toJavaScript() ?? {};
        const { __provider: dynamicProvider, ...inputs } = unwrapSecrets(wire, secretPaths);
        const urn = monitor.newUrn(req.getParent(), req.getType(), req.getName());
        resources.push({
            type: req.getType(),
            name: req.getName(),
            urn,
            parent: req.getParent(),
            custom: req.getCustom(),
            inputs,
            secretPaths,
            provider: req.getProvider(),
            protect: req.getProtect() === true,
            retainOnDelete: req.getRetainondelete() === true,
            deleteBeforeReplace: req.getDeletebeforereplace(),
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            ignoreChanges: req.getIgnorechangesList(),
            dependencies: req.getDependenciesList(),
            dynamicProvider,
        });
        answerAsEngine(monitor, req, urn, wire, callback);
    };
    pulumi.runtime.setAllConfig({ ...offlineCredentials(), ...loaded.config }, [...loaded.secretKeys, ...OFFLINE_CREDENTIALS]);

    const exports = (options.load ?? defaultLoad)();
    await withTimeout(settings.waitForRPCs(), stack);
    return collect(stack, exports, resources);
}

async function collect(stack: string, exports: Record<string, unknown>, resources: RecordedResource[]): Promise<ProgramRun> {
    const outputs: Record<string, unknown> = {};
    const secretOutputs: string[] = [];
    for (const [key, value] of Object.entries(exports)) {
        const out = pulumi.output(value as any) as any;
        outputs[key] = await out.promise();
        if (await out.isSecret) secretOutputs.push(key);
    }
    await settings.waitForRPCs();
    return { stack, resources, outputs, secretOutputs };
}

/**
 * What Pulumi's MockMonitor.registerResource does (runtime/mocks.js: the mocks' state becomes the
 * resource's outputs, recorded for getResource), on the wire form: the real engine keeps inputs in that
 * form out of process, while MockMonitor rebuilt them as JavaScript values (an Output per value, a live
 * Resource per reference) in the program's process, and then serialized them back.
 */
function answerAsEngine(monitor: any, req: any, urn: string, wire: Record<string, unknown>, callback: (err: unknown, response?: any) => void): void {
    Promise.resolve(
        monitor.mocks.newResource({ type: req.getType(), name: req.getName(), inputs: wire, provider: req.getProvider(), custom: req.getCustom(), id: req.getImportid() }),
    ).then(
        (result: { id?: string; state: Record<string, unknown> }) => {
            // As serializeProperties does: no undefined values on the wire. A component gets no outputs
            // back from the engine (pulumi/pulumi v3.248.0 pkg/resource/deploy: step_generator.go makes
            // the new state with `Outputs: nil`, and CreateStep.Apply calls a provider only if Custom),
            // so none is echoed here; MockMonitor echoed its inputs, which the SDK then rebuilt as
            // Outputs and live Resources for nothing.
            const state = req.getCustom() ? JSON.parse(JSON.stringify(result.state ?? {})) : {};
            monitor.resources.set(urn, { urn, id: result.id ?? null, state });
            const response = new resproto.RegisterResourceResponse();
            response.setUrn(urn);
            response.setId(result.id || "");
            response.setObject(structproto.Struct.fromJavaScript(secretOutputsAsEngineDoes(state, req.getAdditionalsecretoutputsList())));
            callback(null, response);
        },
        (err: unknown) => callback(err, undefined),
    );
}

/**
 * The engine returns the outputs named in additionalSecretOutputs as secrets; Pulumi's MockMonitor
 * does not, so without this a RandomPassword's result would look like plain text wherever it flows.
 */
function secretOutputsAsEngineDoes(state: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
    if (names.length === 0) return state;
    const marked = { ...state };
    for (const key of names) {
        const alreadySecret = (marked[key] as any)?.[rpc.specialSigKey] === rpc.specialSecretSig;
        if (key in marked && !alreadySecret) marked[key] = { [rpc.specialSigKey]: rpc.specialSecretSig, value: marked[key] };
    }
    return marked;
}

// A throw inside an apply leaves an RPC that never settles; fail loudly instead of hanging.
const RUN_TIMEOUT_MS = 60_000;
function withTimeout<T>(promise: Promise<T>, stack: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`stack ${stack}: the program did not finish within ${RUN_TIMEOUT_MS / 1000} s (an error inside an apply?)`)), RUN_TIMEOUT_MS);
        timer.unref();
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Forgets the project's own modules (not the SDKs, not scripts/), so the next require runs them afresh. */
export function clearProjectModules(): void {
    for (const key of Object.keys(require.cache)) {
        if (key.startsWith(PROJECT_DIR) && !key.includes(`${path.sep}node_modules${path.sep}`) && !key.startsWith(__dirname)) {
            delete require.cache[key];
        }
    }
}

function defaultLoad(): Record<string, unknown> {
    clearProjectModules();
    return require(path.join(PROJECT_DIR, "index"));
}
