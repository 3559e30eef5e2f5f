import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";
import { git, gitResult } from "../emulator/git-cli.js";
import { runCli } from "../runtime/support/run-cli.js";

const ADMIN = "ghp_telemetry_admin_1";
const WRITER = "ghp_telemetry_writer1";
const telemetry = { owner: "acme", repo: "telemetry" };

/**
 * `task-assistant telemetry protect` against the local GitHub: what it sets, that each setting is
 * enforced on git pushes and on the REST ref/contents endpoints, and what a user's repository or the
 * account's plan cannot enforce.
 */
describe("task-assistant telemetry protect", () => {
  let github: TestGitHub;
  let workdir: string;
  let appToken: string;

  beforeAll(async () => {
    github = await startTestGitHub({
      users: [{ login: "ada" }, { login: "bob" }],
      orgs: [
        {
          login: "acme",
          members: [{ login: "ada", role: "admin" }, "bob"],
          default_repository_permission: "write",
        },
      ],
      repos: [
        { name: "acme/telemetry", private: true, files: { "README.md": "# acme telemetry\n" } },
        {
          name: "acme/strict-telemetry",
          files: { "README.md": "# strict\n" },
          protection: {
            main: {
              required_status_checks: { strict: true, contexts: ["ci"] },
              required_linear_history: true,
            },
          },
        },
        { name: "acme/private-telemetry", private: true, files: { "README.md": "# plan\n" } },
        { name: "ada/telemetry", files: { "README.md": "# ada telemetry\n" } },
      ],
      apps: [{ slug: "task-assistant", owner: "acme", permissions: { contents: "write", metadata: "read" } }],
      installations: [{ app: "task-assistant", account: "acme", repository_selection: "all" }],
      tokens: [
        { token: ADMIN, user: "ada" },
        { token: WRITER, user: "bob" },
      ],
    });
    const installation = github.seeded?.installations[0].id;
    appToken = (
      await github.admin<{ token: string }>("POST", "/_emulator/tokens", { installation_id: installation })
    ).token;
    workdir = await mkdtemp(join(tmpdir(), "telemetry-protect-"));
  });
  afterAll(async () => {
    await github.stop();
    await rm(workdir, { recursive: true, force: true });
  });

  const protect = (args: string[], token = ADMIN) =>
    runCli(["telemetry", "protect", ...args], {
      env: { GITHUB_API_URL: github.url, GH_TOKEN: token, TA_APP_SLUG: "task-assistant" },
      cwd: workdir,
    });

  /** A clone of `owner/name` that pushes with `token`. */
  async function cloneAs(token: string, name: string, full = "acme/telemetry"): Promise<string> {
    const remote = `${github.gitUrl}/${full}.git`.replace("://", `://x-access-token:${token}@`);
    const clone = join(workdir, name);
    await git(workdir, "clone", "--quiet", remote, clone);
    return clone;
  }

  async function commitFile(clone: string, file: string): Promise<void> {
    await writeFile(join(clone, file), `${file}\n`);
    await git(clone, "add", file);
    await git(clone, "commit", "--quiet", "-m", `add ${file}`);
  }

  const putFile = (token: string, path: string) =>
    github.client(token).rest.repos.createOrUpdateFileContents({
      ...telemetry,
      path,
      message: `write ${path}`,
      content: Buffer.from(`${path}\n`).toString("base64"),
    });

  it("--dry-run prints what it would set and changes nothing", async () => {
    const result = await protect(["--repo", "acme/telemetry", "--dry-run"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "dry run: would protect main of acme/telemetry; nothing was changed\n" +
        "  would set: refuse force pushes\n" +
        "  would set: refuse deleting the branch\n" +
        "  would set: apply the rules to administrators\n" +
        "  would set: let only the App task-assistant push\n",
    );
    await expect(
      github.client(ADMIN).rest.repos.getBranchProtection({ ...telemetry, branch: "main" }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it("protects the default branch: no force pushes, no deletion, only the App pushes", async () => {
    const result = await protect(["--repo", "acme/telemetry"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        "protected main of acme/telemetry",
        "  set: refuse force pushes",
        "  set: refuse deleting the branch",
        "  set: apply the rules to administrators",
        "  set: let only the App task-assistant push",
        "  in force: no force pushes",
        "  in force: no deletion",
        "  in force: administrators included",
        "  in force: pushes only by task-assistant[bot]",
        "  not enforceable: a repository administrator can still change or remove the protection itself: GitHub has no branch protection an administrator cannot lift",
        "",
      ].join("\n"),
    );
    const { data } = await github
      .client(ADMIN)
      .rest.repos.getBranchProtection({ ...telemetry, branch: "main" });
    expect(data).toMatchObject({
      enforce_admins: { enabled: true },
      allow_force_pushes: { enabled: false },
      allow_deletions: { enabled: false },
      restrictions: { users: [], teams: [], apps: [{ slug: "task-assistant" }] },
    });
    expect(data.required_pull_request_reviews).toBeUndefined();
  });

  it("a second run changes nothing and makes no write", async () => {
    await github.resetStats();
    const result = await protect(["--repo", "acme/telemetry", "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      repository: "acme/telemetry",
      branch: "main",
      app: "task-assistant",
      dry_run: false,
      changed: false,
      changes: [],
    });
    const stats = await github.stats();
    expect(stats.requests.filter((request) => request.method !== "GET")).toEqual([]);
  });

  it("lets the App write records through contents and fast-forward pushes", async () => {
    expect((await putFile(appToken, "telemetry/v1/record-1.json")).status).toBe(201);
    const clone = await cloneAs(appToken, "app-clone");
    await commitFile(clone, "record-2.json");
    await git(clone, "push", "--quiet", "origin", "HEAD:main");
  });

  it("refuses updates by anyone else, administrators included, over REST and git", async () => {
    for (const token of [ADMIN, WRITER]) {
      await expect(putFile(token, `by-${token}.json`)).rejects.toMatchObject({
        status: 409,
        response: { data: { message: "You're not authorized to push to this branch." } },
      });
    }
    const clone = await cloneAs(WRITER, "writer-clone");
    await commitFile(clone, "forged.json");
    const pushed = await gitResult(clone, "push", "origin", "HEAD:main");
    expect(pushed.code).not.toBe(0);
    expect(pushed.stderr).toContain("GH006: Protected branch update failed for refs/heads/main.");
    expect(pushed.stderr).toContain("You're not authorized to push to this branch.");
    const { data: work } = await github.client(ADMIN).rest.git.createRef({
      ...telemetry,
      ref: "refs/heads/side",
      sha: (await git(clone, "rev-parse", "HEAD^")).trim(),
    });
    expect(work.ref).toBe("refs/heads/side");
    await expect(
      github.client(ADMIN).rest.git.updateRef({ ...telemetry, ref: "heads/main", sha: work.object.sha }),
    ).rejects.toMatchObject({ status: 422 });
  });

  it("refuses force pushes and deletion, to the App and to administrators", async () => {
    const clone = await cloneAs(appToken, "app-force");
    // A commit the server has that is not a descendant of main's head: moving main there rewrites it.
    const parent = (await git(clone, "rev-parse", "HEAD~1")).trim();
    await git(clone, "reset", "--quiet", "--hard", "HEAD~1");
    await commitFile(clone, "rewritten.json");
    const forced = await gitResult(clone, "push", "--force", "origin", "HEAD:main");
    expect(forced.code).not.toBe(0);
    expect(forced.stderr).toContain("Cannot force-push to this branch");
    const deleted = await gitResult(clone, "push", "origin", ":main");
    expect(deleted.code).not.toBe(0);
    expect(deleted.stderr).toContain("Cannot delete this branch");
    // Deletion through REST (DELETE .../git/refs) is refused too (422), but GitHub's description
    // documents that 422 without a body, unlike the JSON error GitHub sends, so the contract check
    // cannot hold it; deletion is proven by the push above.
    for (const token of [appToken, ADMIN]) {
      await expect(
        github.client(token).rest.git.updateRef({
          ...telemetry,
          ref: "heads/main",
          sha: parent,
          force: true,
        }),
      ).rejects.toMatchObject({
        status: 422,
        response: { data: { message: "Cannot force-push to this branch" } },
      });
    }
  });

  it("keeps stricter settings already there, and warns when they stop the App's writes", async () => {
    const result = await protect(["--repo", "acme/strict-telemetry", "--json"]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { settings: string[]; warnings: string[] };
    expect(report.settings).toContain("status checks kept: ci");
    expect(report.warnings).toEqual([
      "the branch requires pull requests or status checks: GitHub refuses the App's direct record writes until that requirement is removed",
    ]);
    const { data } = await github
      .client(ADMIN)
      .rest.repos.getBranchProtection({ owner: "acme", repo: "strict-telemetry", branch: "main" });
    expect(data).toMatchObject({
      required_status_checks: { strict: true, contexts: ["ci"] },
      required_linear_history: { enabled: true },
      allow_force_pushes: { enabled: false },
      restrictions: { apps: [{ slug: "task-assistant" }] },
    });
  });

  it("on a user's repository sets what it can and says push restrictions are not available", async () => {
    const result = await protect(["--repo", "ada/telemetry", "--json"]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { changes: string[]; not_enforceable: string[] };
    expect(report.changes).toEqual([
      "refuse force pushes",
      "refuse deleting the branch",
      "apply the rules to administrators",
    ]);
    expect(report.not_enforceable[0]).toContain(
      'push restrictions exist only for organization-owned repositories (GitHub answers 422 "Only organization repositories can have users and team restrictions"',
    );
    // What GitHub answers when asked anyway.
    await expect(
      github.client(ADMIN).rest.repos.updateBranchProtection({
        owner: "ada",
        repo: "telemetry",
        branch: "main",
        required_status_checks: null,
        enforce_admins: true,
        required_pull_request_reviews: null,
        restrictions: { users: [], teams: [], apps: ["task-assistant"] },
      }),
    ).rejects.toMatchObject({
      status: 422,
      response: { data: { message: "Only organization repositories can have users and team restrictions" } },
    });
    const clone = await cloneAs(ADMIN, "ada-clone", "ada/telemetry");
    await git(clone, "commit", "--quiet", "--amend", "-m", "rewritten");
    const forced = await gitResult(clone, "push", "--force", "origin", "HEAD:main");
    expect(forced.code).not.toBe(0);
    expect(forced.stderr).toContain("Cannot force-push to this branch");
  });

  it("names GitHub's plan limit when the account cannot protect a private repository (exit 3)", async () => {
    const message = "Upgrade to GitHub Pro or make this repository public to enable this feature.";
    await github.addFaults({
      route: "PUT /repos/{owner}/{repo}/branches/{branch}/protection",
      status: 403,
      count: 1,
      message,
    });
    const result = await protect(["--repo", "acme/private-telemetry"]);
    await github.clearFaults();
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      `GitHub refused to protect main of acme/private-telemetry (HTTP 403: ${message})`,
    );
  });

  it("refuses a token without admin rights (exit 3) and a repository that does not exist (exit 2)", async () => {
    const refused = await protect(["--repo", "acme/private-telemetry"], WRITER);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain("HTTP 403: Must have admin rights to Repository.");
    const missing = await protect(["--repo", "acme/nothing"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("acme/nothing does not exist, or the token cannot see it");
    const bad = await protect(["--repo", "not a repo"]);
    expect(bad.code).toBe(2);
  });
});
