import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalGitHub, type LocalGitHub } from "../../src/emulator/start-local-github.js";

// Started without the test wrapper's contract watch on purpose: these requests name operations the
// local GitHub does not serve, so there is no documented answer to compare with.
describe("requests the local GitHub does not serve", () => {
  let github: LocalGitHub;
  const token = "ghp_octo_token_01";
  const call = (method: string, path: string) =>
    fetch(`${github.url}${path}`, {
      method,
      headers: { authorization: `token ${token}`, accept: "application/vnd.github+json" },
    });

  beforeAll(async () => {
    github = await startLocalGitHub({
      host: "127.0.0.1",
      seed: { users: [{ login: "octo" }], repos: [{ name: "octo/app" }], tokens: [{ token, user: "octo" }] },
    });
  });
  afterAll(async () => {
    await github.stop();
  });

  it("are counted in /_emulator/stats with method and path, and charged to the rate limit", async () => {
    const before = (await (await call("GET", "/rate_limit")).json()) as {
      resources: { core: { used: number } };
    };
    expect((await call("GET", "/repos/octo/app/commits")).status).toBe(404);
    expect((await call("GET", "/repos/octo/app/commits")).status).toBe(404);
    expect((await call("POST", "/repos/octo/app/dispatches")).status).toBe(404);
    const after = (await (await call("GET", "/rate_limit")).json()) as {
      resources: { core: { used: number } };
    };
    expect(after.resources.core.used - before.resources.core.used).toBe(3);
    const stats = (await (
      await fetch(`${github.url}/_emulator/stats`, {
        headers: { authorization: `token ${github.adminToken}` },
      })
    ).json()) as { unsupported: Array<{ method: string; path: string; count: number }> };
    expect(stats.unsupported).toEqual([
      { method: "GET", path: "/repos/octo/app/commits", count: 2 },
      { method: "POST", path: "/repos/octo/app/dispatches", count: 1 },
    ]);
  });
});
