import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";
import { git, gitResult } from "./git-cli.js";

/** The status GitHub's client answered with, or 200-ish when it did not throw. */
async function statusOf(call: Promise<{ status: number }>): Promise<number> {
  try {
    return (await call).status;
  } catch (error) {
    return (error as { status: number }).status;
  }
}

describe("permission rules of the local GitHub, as strict as GitHub's", () => {
  let github: TestGitHub;
  let bot: string;
  let workflowBot: string;

  beforeAll(async () => {
    github = await startTestGitHub({
      users: [{ login: "maint" }, { login: "reader" }, { login: "author" }],
      orgs: [{ login: "acme", members: [{ login: "maint", role: "admin" }, "reader", "author"] }],
      repos: [
        {
          name: "acme/app",
          files: { "README.md": "# app\n", ".github/workflows/ci.yml": "on: push\n" },
          labels: [{ name: "bug", color: "d73a4a" }],
          milestones: [{ title: "v1" }],
          issues: [
            {
              title: "Maintainer's issue",
              user: "maint",
              comments: [{ body: "maintainer says", user: "maint" }],
            },
            { title: "Locked", user: "maint", locked: true },
          ],
        },
      ],
      apps: [
        { slug: "bot", owner: "acme", permissions: { contents: "write", issues: "write", metadata: "read" } },
        {
          slug: "wfbot",
          owner: "acme",
          permissions: { contents: "write", workflows: "write", metadata: "read" },
        },
      ],
      installations: [
        { app: "bot", account: "acme", repositories: ["app"] },
        { app: "wfbot", account: "acme", repositories: ["app"] },
      ],
      tokens: [
        { token: "ghp_maint_000001", user: "maint" },
        { token: "ghp_reader_00001", user: "reader" },
        { token: "ghp_author_00001", user: "author" },
      ],
    });
    const [botInstallation, workflowInstallation] = github.seeded?.installations ?? [];
    bot = (
      await github.admin<{ token: string }>("POST", "/_emulator/tokens", {
        installation_id: botInstallation?.id,
      })
    ).token;
    workflowBot = (
      await github.admin<{ token: string }>("POST", "/_emulator/tokens", {
        installation_id: workflowInstallation?.id,
      })
    ).token;
  });
  afterAll(async () => {
    await github.stop();
  });

  const put = (token: string, path: string) =>
    github.client(token).rest.repos.createOrUpdateFileContents({
      owner: "acme",
      repo: "app",
      path,
      message: `write ${path}`,
      content: Buffer.from("on: workflow_dispatch\n").toString("base64"),
    });

  it("requires the workflows permission for an App's writes under .github/workflows/", async () => {
    expect(await statusOf(put(bot, ".github/workflows/new.yml"))).toBe(403);
    expect(await statusOf(put(bot, "docs/new.yml"))).toBe(201);
    expect(await statusOf(put(workflowBot, ".github/workflows/new.yml"))).toBe(201);
    const sha = (
      await github
        .client()
        .rest.repos.getContent({ owner: "acme", repo: "app", path: ".github/workflows/ci.yml" })
    ).data as { sha: string };
    expect(
      await statusOf(
        github.client(bot).rest.repos.deleteFile({
          owner: "acme",
          repo: "app",
          path: ".github/workflows/ci.yml",
          message: "rm",
          sha: sha.sha,
        }),
      ),
    ).toBe(403);
  });

  it("refuses an App's git push that changes .github/workflows/ without the workflows permission", async () => {
    const workdir = await mkdtemp(join(tmpdir(), "workflows-push-"));
    try {
      const push = async (token: string, path: string): Promise<{ code: number; stderr: string }> => {
        const clone = join(workdir, `${path.replace(/\W/g, "_")}-${token.slice(-6)}`);
        await git(
          workdir,
          "clone",
          "--quiet",
          `${github.gitUrl.replace("://", `://x-access-token:${token}@`)}/acme/app`,
          clone,
        );
        await mkdir(join(clone, path, ".."), { recursive: true });
        await writeFile(join(clone, path), `# ${path}\n`);
        await git(clone, "add", path);
        await git(clone, "commit", "--quiet", "-m", `add ${path}`);
        return gitResult(clone, "push", "--quiet", "origin", "HEAD:main");
      };
      const refused = await push(bot, ".github/workflows/pushed.yml");
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain(
        "refusing to allow a GitHub App to create or update workflow `.github/workflows/pushed.yml` without `workflows` permission",
      );
      expect((await push(bot, "docs/pushed.md")).code).toBe(0);
      expect((await push(workflowBot, ".github/workflows/allowed.yml")).code).toBe(0);
    } finally {
      await rm(workdir, { recursive: true, force: true });
    }
  });

  it("lets readers change only their own comments, and not comment on locked issues", async () => {
    const reader = github.client("ghp_reader_00001").rest.issues;
    const [theirs] = (await reader.listComments({ owner: "acme", repo: "app", issue_number: 1 })).data;
    expect(
      await statusOf(
        reader.updateComment({
          owner: "acme",
          repo: "app",
          comment_id: theirs?.id,
          body: "defaced",
        }),
      ),
    ).toBe(403);
    expect(await statusOf(reader.deleteComment({ owner: "acme", repo: "app", comment_id: theirs?.id }))).toBe(
      403,
    );
    const own = await reader.createComment({ owner: "acme", repo: "app", issue_number: 1, body: "mine" });
    expect(
      await statusOf(
        reader.updateComment({ owner: "acme", repo: "app", comment_id: own.data.id, body: "mine, edited" }),
      ),
    ).toBe(200);
    expect(
      await statusOf(reader.deleteComment({ owner: "acme", repo: "app", comment_id: own.data.id })),
    ).toBe(204);
    expect(
      await statusOf(
        reader.createComment({ owner: "acme", repo: "app", issue_number: 2, body: "let me in" }),
      ),
    ).toBe(403);
    expect(
      await statusOf(
        github.client("ghp_maint_000001").rest.issues.createComment({
          owner: "acme",
          repo: "app",
          issue_number: 2,
          body: "maintainers may",
        }),
      ),
    ).toBe(201);
  });

  it("lets an issue's author without triage edit and close it, and silently drops their labels, assignees and milestone", async () => {
    const author = github.client("ghp_author_00001").rest.issues;
    const created = await author.create({
      owner: "acme",
      repo: "app",
      title: "Mine",
      labels: ["bug"],
      assignees: ["author"],
      milestone: 1,
    });
    expect(created.data).toMatchObject({ labels: [], assignees: [], milestone: null });
    const closed = await author.update({
      owner: "acme",
      repo: "app",
      issue_number: created.data.number,
      title: "Mine, retitled",
      state: "closed",
      labels: ["bug"],
      milestone: 1,
    });
    expect(closed.data).toMatchObject({
      title: "Mine, retitled",
      state: "closed",
      labels: [],
      milestone: null,
    });
    expect(
      await statusOf(author.update({ owner: "acme", repo: "app", issue_number: 1, title: "Not mine" })),
    ).toBe(404);
    const byMaintainer = await github
      .client("ghp_maint_000001")
      .rest.issues.create({ owner: "acme", repo: "app", title: "Triaged", labels: ["bug"], milestone: 1 });
    expect(byMaintainer.data.labels.map((label) => (typeof label === "string" ? label : label.name))).toEqual(
      ["bug"],
    );
    expect(byMaintainer.data.milestone?.title).toBe("v1");
  });
});
