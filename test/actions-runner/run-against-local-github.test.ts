import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gitWorkflowFiles } from "../../src/actions-runner/git-workflow-files.js";
import { localGitHubIdToken } from "../../src/actions-runner/local-github-id-token.js";
import { runWorkflow } from "../../src/actions-runner/run-workflow.js";
import type { RunWorkflowOptions } from "../../src/actions-runner/run-types.js";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";

const CALLER = `name: host
on: issues
permissions: {}
jobs:
  fetch:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
        with:
          path: host
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
        with:
          repository: acme/tools
          ref: v1.0.0
          path: tools
          persist-credentials: false
      - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdb5f5f
        with:
          node-version: ${process.versions.node.split(".")[0]}
      - run: |
          echo "host=$(git -C host rev-parse HEAD) depth=$(git -C host rev-list --count HEAD)"
          echo "tools=$(cat tools/VERSION) header=$(git -C tools config --get http.extraheader || echo none)"
  engine:
    needs: fetch
    uses: acme/tools/.github/workflows/engine.yml@v1.0.0
    permissions:
      contents: read
      id-token: write
    with:
      target: \${{ github.repository }}
`;

const ENGINE = `on:
  workflow_call:
    inputs:
      target: { type: string, required: true }
permissions:
  contents: read
  id-token: write
jobs:
  run:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo "target=\${{ inputs.target }}"
          curl -sf -H "Authorization: Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" "$ACTIONS_ID_TOKEN_REQUEST_URL&audience=task-assistant-broker" > "$RUNNER_TEMP/oidc.json"
          node -e 'const t = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).value; const c = JSON.parse(Buffer.from(t.split(".")[1], "base64url")); console.log("claims=" + JSON.stringify({ aud: c.aud, job_workflow_ref: c.job_workflow_ref, repository_id: c.repository_id }))' "$RUNNER_TEMP/oidc.json"
      - uses: actions/cache@v4
`;

describe("the runner against the local GitHub", () => {
  let github: TestGitHub;
  let workRoot: string;
  let eventSha: string;

  beforeAll(async () => {
    github = await startTestGitHub({
      users: [{ login: "octo" }],
      orgs: [{ login: "acme", members: [{ login: "octo", role: "admin" }] }],
      repos: [
        { name: "acme/host", private: true, files: { ".github/workflows/host.yml": CALLER, "a.txt": "1\n" } },
        {
          name: "acme/tools",
          private: true,
          files: { ".github/workflows/engine.yml": ENGINE, VERSION: "1.0.0\n" },
        },
      ],
      tokens: [{ token: "ghp_octo_token_01", user: "octo" }],
    });
    workRoot = await mkdtemp(join(tmpdir(), "runner-local-github-"));
    const tools = github.client("ghp_octo_token_01");
    const head = await tools.rest.repos.getBranch({ owner: "acme", repo: "tools", branch: "main" });
    await tools.rest.git.createRef({
      owner: "acme",
      repo: "tools",
      ref: "refs/tags/v1.0.0",
      sha: head.data.commit.sha,
    });
    eventSha = (await tools.rest.repos.getBranch({ owner: "acme", repo: "host", branch: "main" })).data.commit
      .sha;
    // A second commit on host, so a checkout of the event's SHA is distinguishable from main's head.
    await tools.rest.repos.createOrUpdateFileContents({
      owner: "acme",
      repo: "host",
      path: "b.txt",
      message: "b",
      content: Buffer.from("2\n").toString("base64"),
    });
  });
  afterAll(async () => {
    await github.stop();
    await rm(workRoot, { recursive: true, force: true });
  });

  async function options(): Promise<RunWorkflowOptions> {
    const client = github.client("ghp_octo_token_01");
    const repo = await client.rest.repos.get({ owner: "acme", repo: "host" });
    return {
      files: gitWorkflowFiles({
        gitUrl: github.gitUrl,
        token: "ghp_octo_token_01",
        cacheDir: join(workRoot, "cache"),
      }),
      repository: { fullName: "acme/host", id: repo.data.id, ownerId: repo.data.owner.id },
      workflowPath: ".github/workflows/host.yml",
      event: { name: "issues", payload: { action: "labeled" } },
      ref: "refs/heads/main",
      sha: eventSha,
      actor: { login: "octo", id: 1 },
      github: {
        gitUrl: github.gitUrl,
        apiUrl: github.url,
        serverUrl: github.url,
        token: "ghp_octo_token_01",
      },
      runId: 9187,
      workRoot,
      killGraceMs: 200,
      requestIdToken: localGitHubIdToken({ baseUrl: github.url, adminToken: github.adminToken }),
    };
  }

  it("checks out the event's SHA and a tag of another repository, calls a remote reusable workflow with OIDC claims, and refuses unknown actions", async () => {
    const opts = await options();
    const run = await runWorkflow(opts);
    const [fetch, engine] = run.jobs;
    expect(fetch?.result).toBe("success");
    const printed = fetch?.steps[3]?.log ?? "";
    expect(printed).toContain(`host=${opts.sha} depth=1`);
    expect(printed).toContain("tools=1.0.0 header=none");
    expect(fetch?.permissions).toMatchObject({ contents: "read", "id-token": "none" });

    const inner = engine?.jobs[0];
    expect(inner?.name).toBe("engine / run");
    expect(inner?.steps[0]?.log).toContain("target=acme/host");
    // The job fetched a real ID token from the local GitHub's issuer, with the claims the runner computed.
    expect(inner?.steps[0]?.log).toContain(
      `claims=${JSON.stringify({ aud: "task-assistant-broker", job_workflow_ref: "acme/tools/.github/workflows/engine.yml@refs/tags/v1.0.0", repository_id: String(opts.repository.id) })}`,
    );
    const tools = await github
      .client()
      .rest.repos.getBranch({ owner: "acme", repo: "tools", branch: "main" });
    expect(inner?.idTokenClaims).toMatchObject({
      sub: "repo:acme/host:ref:refs/heads/main",
      repository: "acme/host",
      repository_id: String(opts.repository.id),
      repository_owner_id: String(opts.repository.ownerId),
      event_name: "issues",
      ref: "refs/heads/main",
      sha: opts.sha,
      run_id: "9187",
      run_attempt: "1",
      workflow_ref: "acme/host/.github/workflows/host.yml@refs/heads/main",
      job_workflow_ref: "acme/tools/.github/workflows/engine.yml@refs/tags/v1.0.0",
      job_workflow_sha: tools.data.commit.sha,
      runner_environment: "github-hosted",
    });
    expect(inner?.steps[1]).toMatchObject({ conclusion: "failure" });
    expect(inner?.steps[1]?.log).toContain(
      "the action actions/cache@v4 is not supported by the local runner",
    );
    expect(run.conclusion).toBe("failure");
  });
});
