// The GitHub workflows the README promises, parsed: a credential-free pull-request job that runs the
// README's test command and posts the offline plan of every stack as one comment; a real preview per
// cloud stack (pulumi/actions `preview`, comment-on-pr, the policy pack) only where configured; `up`
// of prod on main behind the `production` environment. Action inputs as pulumi/actions reads them
// (`command`, `stack-name`, `comment-on-pr`, `policyPacks`).
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { parsePlanArgs } from "../../scripts/plan";
import { PROJECT_DIR, stackNames, stackValues } from "../helpers";

const load = (file: string) => yaml.load(fs.readFileSync(path.join(PROJECT_DIR, ".github", "workflows", file), "utf8")) as any;
const pr = load("pull-request.yml");
const deploy = load("deploy.yml");
const runs = (job: any) => job.steps.filter((s: any) => s.run).map((s: any) => s.run).join("\n");
const step = (job: any, action: string) => job.steps.find((s: any) => typeof s.uses === "string" && s.uses.startsWith(`${action}@`));

test("pull requests: the credential-free job runs the README's test command and posts every stack's plan in one comment", () => {
    expect(Object.keys(pr.on)).toEqual(["pull_request"]);
    const check = pr.jobs.check;
    expect(runs(check)).toContain("bash .ci/run");
    expect(fs.readFileSync(path.join(PROJECT_DIR, ".ci", "run"), "utf8")).toContain("npm test");
    // Every stack file and the dev -> prod switch, as Markdown, with the marker the update step finds.
    const plan = /npm run -s plan -- (.*?);/.exec(runs(check))![1].split(" ");
    expect(parsePlanArgs(plan)).toEqual({ format: "markdown", stacks: stackNames(), switchPair: ["dev", "prod"] });
    expect(runs(check)).toContain('echo "<!-- slipway-plan -->"');
    // Updated in place by that marker (pulumi/actions' preview comments come from the same bot, so
    // "the last comment" could be one of theirs), created when there is none yet.
    expect(runs(check)).toContain('select(.body | startswith("<!-- slipway-plan -->"))');
    expect(runs(check)).toMatch(/gh api --method PATCH "repos\/\$GITHUB_REPOSITORY\/issues\/comments\/\$id" -F body=@plan.md/);
    expect(runs(check)).toMatch(/gh pr comment "\$PR" --body-file plan.md/);
    expect(runs(check)).not.toContain("--edit-last");
    expect(runs(check)).toContain('cat plan.md >> "$GITHUB_STEP_SUMMARY"');
    // Forks get a read-only token: the comment step is skipped there instead of failing the job.
    const post = check.steps.find((s: any) => s.name?.startsWith("Post the plan"));
    expect(post.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
    expect(check.permissions["pull-requests"]).toBe("write");
    expect(JSON.stringify(check)).not.toContain("secrets.");
});

test("pull requests: a real preview per cloud stack with the policy pack, only where credentials are configured", () => {
    const preview = pr.jobs.preview;
    expect(preview.if).toContain("vars.PULUMI_PREVIEW");
    expect(preview.needs).toBe("check");
    const cloudStacks = stackNames().filter((s) => !["k3d", "existing"].includes(stackValues(s)["slipway:target"]));
    expect([...preview.strategy.matrix.stack].sort()).toEqual(cloudStacks.sort());
    const action = step(preview, "pulumi/actions");
    expect(action.with).toMatchObject({ command: "preview", "comment-on-pr": true, policyPacks: "policy" });
    expect(action.with["stack-name"]).toContain("${{ matrix.stack }}");
    expect(action.env.PULUMI_ACCESS_TOKEN).toBe("${{ secrets.PULUMI_ACCESS_TOKEN }}");
    // OIDC where the cloud supports it, no long-lived cloud keys for GCP and AWS.
    expect(preview.permissions["id-token"]).toBe("write");
    expect(step(preview, "google-github-actions/auth").with.workload_identity_provider).toContain("vars.");
    expect(step(preview, "aws-actions/configure-aws-credentials").with["role-to-assume"]).toContain("vars.");
});

test("main: `up` of prod behind the production environment, after the checks", () => {
    expect(deploy.on.push.branches).toEqual(["main"]);
    const up = deploy.jobs.up;
    expect(up.environment).toBe("production");
    expect(up.needs).toBe("check");
    expect(step(up, "pulumi/actions").with).toMatchObject({ command: "up", policyPacks: "policy" });
    expect(step(up, "pulumi/actions").with["stack-name"]).toMatch(/\/slipway\/prod$/);
    expect(deploy.concurrency["cancel-in-progress"]).toBe(false);
});

test("every action is pinned to a major version", () => {
    for (const wf of [pr, deploy]) {
        for (const job of Object.values<any>(wf.jobs)) for (const s of job.steps) if (s.uses) expect(s.uses).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
    }
});
