import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";
import { git, gitResult } from "./git-cli.js";

const repo = { owner: "acme", repo: "infra" };
const REQUIRE_PULL_REQUESTS = {
  required_status_checks: null,
  enforce_admins: true,
  required_pull_request_reviews: { required_approving_review_count: 1 },
  restrictions: null,
};

describe("branch protection on the local GitHub", () => {
  let github: TestGitHub;
  let workdir: string;

  beforeAll(async () => {
    github = await startTestGitHub({
      users: [{ login: "operator" }, { login: "member" }],
      orgs: [
        {
          login: "acme",
          members: [{ login: "operator", role: "admin" }, "member"],
          default_repository_permission: "write",
        },
      ],
      repos: [{ name: "acme/infra", private: true, files: { "registry.json": "{}\n" }, branches: ["work"] }],
      tokens: [
        { token: "ghp_operator_01", user: "operator" },
        { token: "ghp_member_0001", user: "member" },
      ],
    });
    workdir = await mkdtemp(join(tmpdir(), "local-github-protection-"));
  });
  afterAll(async () => {
    await github.stop();
    await rm(workdir, { recursive: true, force: true });
  });

  it("answers 404 Branch not protected, then protects, reads back and lists it", async () => {
    const octokit = github.client("ghp_operator_01");
    await expect(octokit.rest.repos.getBranchProtection({ ...repo, branch: "main" })).rejects.toMatchObject({
      status: 404,
      response: { data: { message: "Branch not protected" } },
    });
    const put = await octokit.rest.repos.updateBranchProtection({
      ...repo,
      branch: "main",
      ...REQUIRE_PULL_REQUESTS,
    });
    expect(put.data).toMatchObject({
      url: `${github.url}/repos/acme/infra/branches/main/protection`,
      enforce_admins: { enabled: true },
      required_pull_request_reviews: { required_approving_review_count: 1 },
      allow_force_pushes: { enabled: false },
    });
    expect((await octokit.rest.repos.getBranchProtection({ ...repo, branch: "main" })).data).toEqual(
      put.data,
    );
    const branches = await octokit.rest.repos.listBranches({ ...repo, protected: true });
    expect(branches.data.map((branch) => branch.name)).toEqual(["main"]);
    expect((await octokit.rest.repos.getBranch({ ...repo, branch: "main" })).data.protected).toBe(true);
  });

  it("refuses a protection body missing GitHub's required keys, and non-admins", async () => {
    const octokit = github.client("ghp_operator_01");
    await expect(
      // Deliberately incomplete: GitHub requires all four protection keys.
      octokit.request("PUT /repos/acme/infra/branches/work/protection", { enforce_admins: true }),
    ).rejects.toMatchObject({ status: 422 });
    await expect(
      github
        .client("ghp_member_0001")
        .rest.repos.updateBranchProtection({ ...repo, branch: "work", ...REQUIRE_PULL_REQUESTS }),
    ).rejects.toMatchObject({
      status: 403,
      response: { data: { message: "Must have admin rights to Repository." } },
    });
  });

  it("refuses direct commits to the protected branch through contents and refs", async () => {
    const octokit = github.client("ghp_operator_01");
    await expect(
      octokit.rest.repos.createOrUpdateFileContents({
        ...repo,
        path: "x.txt",
        message: "direct",
        content: "",
      }),
    ).rejects.toMatchObject({
      status: 409,
      response: { data: { message: "Changes must be made through a pull request." } },
    });
    const work = await octokit.rest.repos.createOrUpdateFileContents({
      ...repo,
      path: "x.txt",
      message: "on a branch",
      content: "",
      branch: "work",
    });
    await expect(
      octokit.rest.git.updateRef({ ...repo, ref: "heads/main", sha: work.data.commit.sha! }),
    ).rejects.toMatchObject({
      status: 422,
      response: { data: { message: "Changes must be made through a pull request." } },
    });
  });

  it("rejects a git push to the protected branch with GH006 and accepts it on another branch", async () => {
    const clone = join(workdir, "clone");
    const remote = `${github.gitUrl.replace("://", "://x-access-token:ghp_operator_01@")}/acme/infra.git`;
    await git(workdir, "clone", "--quiet", remote, clone);
    await writeFile(join(clone, "registry.json"), '{"changed":true}\n');
    await git(clone, "commit", "--quiet", "-am", "direct change");
    const refused = await gitResult(clone, "push", "origin", "main");
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("GH006: Protected branch update failed for refs/heads/main.");
    expect(refused.stderr).toContain("Changes must be made through a pull request.");
    const deletion = await gitResult(clone, "push", "origin", "--delete", "main");
    expect(deletion.stderr).toContain("Cannot delete this branch");
    await git(clone, "push", "--quiet", "origin", "main:proposal");
    const proposal = await github.client().rest.repos.getBranch({ ...repo, branch: "proposal" });
    expect(proposal.data.commit.sha).toBe(await git(clone, "rev-parse", "HEAD"));
  });

  it("lets admins through when enforce_admins is off, as GitHub does", async () => {
    const octokit = github.client("ghp_operator_01");
    await octokit.rest.repos.updateBranchProtection({
      ...REQUIRE_PULL_REQUESTS,
      ...repo,
      branch: "main",
      enforce_admins: false,
    });
    const direct = await octokit.rest.repos.createOrUpdateFileContents({
      ...repo,
      path: "admin.txt",
      message: "admin",
      content: "",
    });
    expect(direct.status).toBe(201);
    await expect(
      github
        .client("ghp_member_0001")
        .rest.repos.createOrUpdateFileContents({ ...repo, path: "member.txt", message: "m", content: "" }),
    ).rejects.toMatchObject({ status: 409 });
  });

  it("removes protection, after which direct pushes work again", async () => {
    const octokit = github.client("ghp_operator_01");
    await octokit.rest.repos.deleteBranchProtection({ ...repo, branch: "main" });
    await expect(
      octokit.rest.repos.deleteBranchProtection({ ...repo, branch: "main" }),
    ).rejects.toMatchObject({ status: 404 });
    const clone = join(workdir, "clone");
    await git(clone, "pull", "--quiet", "--rebase", "origin", "main");
    await git(clone, "push", "--quiet", "origin", "HEAD:main");
  });
});
