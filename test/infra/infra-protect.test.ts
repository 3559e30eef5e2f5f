import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { planBranchProtection } from "../../src/infra/plan-branch-protection.js";
import { CHANGELOG_PATH, REGISTRY_PATH } from "../../src/registry/registry-types.js";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";
import { gitIn, runCli } from "./support/infra-cli.js";
import { tempDirs } from "./support/temp-dir.js";

const OPERATOR = "operator_token_1";
const READER = "reader_token_1";
const OWNER = "acme-ops";
const REGISTRY =
  '{"description":"r","generated_at":"2026-11-01T00:00:00Z","orgs":{},"schema_version":"2.0"}\n';

let github: TestGitHub;
const dirs = tempDirs();

beforeAll(async () => {
  github = await startTestGitHub({
    users: [{ login: "operator" }, { login: "reader" }],
    orgs: [{ login: OWNER, members: [{ login: "operator", role: "admin" }, "reader"] }],
    tokens: [
      { user: "operator", token: OPERATOR },
      { user: "reader", token: READER },
    ],
  });
});
afterAll(async () => {
  await github?.stop();
});

let counter = 0;
let repo: string;
let root: string;
let env: Record<string, string>;

beforeEach(async () => {
  repo = `infra-${++counter}`;
  await github.seed({
    repos: [{ name: `${OWNER}/${repo}`, files: { [REGISTRY_PATH]: REGISTRY, [CHANGELOG_PATH]: "" } }],
  });
  const workspace = await dirs.make();
  root = join(workspace, repo);
  const auth = `Authorization: Basic ${Buffer.from(`x-access-token:${OPERATOR}`).toString("base64")}`;
  await gitIn(
    workspace,
    "-c",
    `http.extraHeader=${auth}`,
    "clone",
    "-q",
    `${github.gitUrl}/${OWNER}/${repo}.git`,
    root,
  );
  await gitIn(root, "config", "http.extraHeader", auth);
  env = { GH_TOKEN: OPERATOR, GITHUB_API_URL: github.url };
});
afterEach(() => dirs.cleanup());

const protect = (...args: string[]) => runCli(root, ["infra", "protect", ...args], env);
const protectionPuts = () =>
  github.exchanges.filter(
    (exchange) => exchange.method === "PUT" && exchange.route.endsWith("/branches/{branch}/protection"),
  ).length;

describe("infra protect", () => {
  it("blocks direct writes to main, for administrators too, and reports what it set", async () => {
    const result = await protect();
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        `protected main of ${OWNER}/${repo}: direct writes are refused`,
        "  set: require a pull request with 1 approving review",
        "  set: apply the rules to administrators",
        "  set: refuse force pushes",
        "  set: refuse deleting the branch",
        "",
      ].join("\n"),
    );

    const { data } = await github
      .client(OPERATOR)
      .rest.repos.getBranchProtection({ owner: OWNER, repo, branch: "main" });
    expect(data.required_pull_request_reviews?.required_approving_review_count).toBe(1);
    expect(data.enforce_admins?.enabled).toBe(true);
    expect(data.allow_force_pushes?.enabled).toBe(false);
    expect(data.allow_deletions?.enabled).toBe(false);

    // The operator is an org admin, and still cannot write main directly: not by git push ...
    await writeFile(join(root, "README.md"), "direct\n");
    await gitIn(root, "add", "README.md");
    await gitIn(root, "commit", "-q", "-m", "direct write");
    await expect(gitIn(root, "push", "-q", "origin", "main")).rejects.toThrow(
      /protected branch|pull request/i,
    );
    // ... nor through the contents API.
    await expect(
      github.client(OPERATOR).rest.repos.createOrUpdateFileContents({
        owner: OWNER,
        repo,
        path: "direct.txt",
        message: "direct",
        content: Buffer.from("x").toString("base64"),
        branch: "main",
      }),
    ).rejects.toMatchObject({ status: 409 });
  });

  it("is idempotent: a second run writes nothing and says what is in force", async () => {
    expect((await protect("--approvals", "0")).code).toBe(0);
    const putsBefore = protectionPuts();
    const again = await protect("--approvals", "0");
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^main of .* was already protected; nothing changed\n/);
    expect(again.stdout).toContain("  in force: require a pull request with 0 approving reviews\n");
    expect(protectionPuts()).toBe(putsBefore);
  });

  it("keeps stricter settings already there and never lowers the review count", async () => {
    await github.client(OPERATOR).rest.repos.updateBranchProtection({
      owner: OWNER,
      repo,
      branch: "main",
      required_status_checks: { strict: true, contexts: ["ci/test"] },
      enforce_admins: false,
      required_pull_request_reviews: { required_approving_review_count: 2 },
      restrictions: null,
    });
    const result = await protect("--json");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      repository: `${OWNER}/${repo}`,
      branch: "main",
      changed: true,
      changes: ["apply the rules to administrators"],
      settings: [
        "require a pull request with 2 approving reviews",
        "administrators included",
        "no force pushes",
        "no deletion",
        "status checks kept: ci/test",
      ],
    });
    const { data } = await github
      .client(OPERATOR)
      .rest.repos.getBranchProtection({ owner: OWNER, repo, branch: "main" });
    expect(data.required_status_checks?.contexts).toEqual(["ci/test"]);
    expect(data.required_pull_request_reviews?.required_approving_review_count).toBe(2);
  });

  it("works outside a checkout with --repo, through the running local GitHub's API", async () => {
    const elsewhere = await dirs.make();
    const result = await runCli(elsewhere, ["infra", "protect", "--repo", `${OWNER}/${repo}`, "--json"], env);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ changed: true });
  });

  it("fails with exit 3 and names the admin role when the token is not an administrator's", async () => {
    env.GH_TOKEN = READER;
    const result = await protect();
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/GitHub refused to .*protect|GitHub refused to read/);
    expect(result.stderr).toContain("administrator");
    const branch = await github.client(OPERATOR).rest.repos.getBranch({ owner: OWNER, repo, branch: "main" });
    expect(branch.data.protected).toBe(false);
  });

  it("refuses a branch that does not exist yet, an approvals count GitHub refuses, and a missing token (exit 2)", async () => {
    const missing = await protect("--branch", "trunk");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`has no branch trunk`);
    expect((await protect("--approvals", "7")).stderr).toContain(
      "--approvals must be a whole number from 0 to 6",
    );
    delete (env as Record<string, string | undefined>).GH_TOKEN;
    const noToken = await protect();
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain("GH_TOKEN");
  });
});

describe("planBranchProtection", () => {
  it("plans nothing for a branch that already has everything asked for", () => {
    const first = planBranchProtection(undefined, { approvals: 1 });
    const body = first.body!;
    const current = {
      required_status_checks: body.required_status_checks,
      required_pull_request_reviews: body.required_pull_request_reviews,
      enforce_admins: { enabled: body.enforce_admins },
      allow_force_pushes: { enabled: false },
      allow_deletions: { enabled: false },
    };
    expect(planBranchProtection(current, { approvals: 1 })).toMatchObject({ body: undefined, changes: [] });
    expect(planBranchProtection(current, { approvals: 2 }).changes).toEqual([
      "require a pull request with 2 approving reviews",
    ]);
  });
});
