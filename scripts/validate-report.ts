// Prints what the schema check covers for every stack file: objects validated, kinds no model
// covers, and what only the provider expands at deploy time (so no offline schema check sees it).
// Run: npx ts-node --transpile-only scripts/validate-report.ts [stack...]
import { deployTimeExpansions, kubernetesObjects } from "./manifests";
import { parsedStackConfig, ProgramRun, runProgram, stackNames } from "./offline";
import { gatewayApiSchemaReleases, SCHEMA_KUBERNETES_VERSION, ValidationResult, validateObjects } from "./validate";

/** The Kubernetes minor a stack's cluster runs, as its config says (defaults applied). */
export function stackKubernetesVersion(stack: string): string {
    return parsedStackConfig(stack).cluster.kubernetesVersion;
}

/** Chart/remote-manifest resources, each with the version it pins. */
export function describeExpansions(run: ProgramRun): string[] {
    return deployTimeExpansions(run).map((r) =>
        r.type === "kubernetes:helm.sh/v4:Chart"
            ? `Helm chart ${r.inputs.chart} ${r.inputs.version ?? "(unpinned)"} from ${r.inputs.repositoryOpts?.repo ?? "?"} (${r.name})`
            : `manifest ${r.inputs.file ?? JSON.stringify(r.inputs.files)} (${r.name})`,
    );
}

export function schemaSourcesLine(): string {
    const version = (pkg: string) => require(`${pkg}/package.json`).version as string;
    return (
        `schemas: kubernetes-models ${version("kubernetes-models")} = Kubernetes ${SCHEMA_KUBERNETES_VERSION} OpenAPI; ` +
        `@kubernetes-models/gateway-api ${version("@kubernetes-models/gateway-api")} = Gateway API ${gatewayApiSchemaReleases().join(" + ")}`
    );
}

export function reportLines(stack: string, kubernetesVersion: string, run: ProgramRun, result: ValidationResult): string[] {
    const unknown = result.unknownKinds.map((u) => `${u.apiVersion} ${u.kind} ${u.name}`);
    return [
        `stack ${stack} (Kubernetes ${kubernetesVersion}, checked with the ${SCHEMA_KUBERNETES_VERSION} schema): ` +
            `${kubernetesObjects(run).length} objects, ${result.validated} validated, ${result.invalid.length} invalid, ${result.unknownKinds.length} of unknown kind`,
        ...result.invalid.map((i) => `  INVALID ${i.kind} ${i.namespace}/${i.name}: ${i.error}`),
        `  unknown kinds: ${unknown.length > 0 ? unknown.join(", ") : "none"}`,
        ...describeExpansions(run).map((e) => `  expanded at deploy time (not schema-checked here): ${e}`),
    ];
}

async function main(stacks: string[]): Promise<void> {
    console.log(schemaSourcesLine());
    let failed = false;
    for (const stack of stacks.length > 0 ? stacks : stackNames()) {
        const version = stackKubernetesVersion(stack);
        const run = await runProgram(stack);
        const result = validateObjects(kubernetesObjects(run), version);
        failed ||= result.invalid.length > 0 || result.unknownKinds.length > 0;
        console.log(reportLines(stack, version, run, result).join("\n"));
    }
    if (failed) process.exitCode = 1;
}

if (require.main === module) {
    main(process.argv.slice(2)).catch((e) => {
        console.error(e);
        process.exitCode = 1;
    });
}
