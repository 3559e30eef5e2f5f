import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { demoWorld } from "../../src/demo/demo-world.js";
import { publishDemoRelease } from "../../src/demo/publish-demo-release.js";
import { startLocalGitHub } from "../../src/emulator/start-local-github.js";
import { UsageError } from "../../src/errors.js";
import { createGitHub } from "../../src/github/octokit.js";
import { APP_REPOSITORY } from "../../src/runtime/app-repository.js";

let dir: string | undefined;
afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe("publishDemoRelease", () => {
  it("refuses (exit 2) a tag that is no release, as a world made by the demo without --actions has", async () => {
    dir = await mkdtemp(join(tmpdir(), "ta-demo-release-"));
    const github = await startLocalGitHub({ seed: demoWorld() });
    try {
      const admin = createGitHub({ baseUrl: github.url, auth: github.adminToken });
      const [owner, repo] = APP_REPOSITORY.split("/") as [string, string];
      const { data: main } = await admin.rest.repos.getBranch({ owner, repo, branch: "main" });
      await admin.rest.git.createRef({ owner, repo, ref: "refs/tags/v0.1.0", sha: main.commit.sha });
      const publishing = publishDemoRelease({
        github,
        admin,
        packageRoot: process.cwd(),
        tag: "v0.1.0",
        workDir: join(dir, "release"),
        env: process.env,
      });
      await expect(publishing).rejects.toThrow(UsageError);
      await expect(publishing).rejects.toThrow(
        /is not a published release \(it has no release\/task-assistant\.mjs\)/,
      );
      // Nothing was pushed: the tag and main are as they were.
      const { data: after } = await admin.rest.repos.getBranch({ owner, repo, branch: "main" });
      expect(after.commit.sha).toBe(main.commit.sha);
    } finally {
      await github.stop();
    }
  });
});
