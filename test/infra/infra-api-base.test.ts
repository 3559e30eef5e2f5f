import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeLocalEndpoint } from "../../src/github/endpoint.js";
import { infraGitHub } from "../../src/infra/infra-github.js";

describe("the API the infra PR helpers talk to", () => {
  let dir: string;
  let env: Record<string, string>;
  const origin = (url: string) => execFileSync("git", ["remote", "set-url", "origin", url], { cwd: dir });
  const baseUrl = async () => (await infraGitHub(env, dir)).request.endpoint.DEFAULTS.baseUrl;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "infra-api-base-"));
    execFileSync("git", ["init", "-q", "-b", "main"], { cwd: dir });
    execFileSync("git", ["remote", "add", "origin", "https://github.com/acme-ops/infra.git"], { cwd: dir });
    env = { GH_TOKEN: "ghp_x", TASK_ASSISTANT_HOME: join(dir, "home") };
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("is GITHUB_API_URL when set", async () => {
    env.GITHUB_API_URL = "https://ghe.example.com/api/v3";
    expect(await baseUrl()).toBe("https://ghe.example.com/api/v3");
  });

  it.each([
    "https://github.com/acme-ops/infra.git",
    "git@github.com:acme-ops/infra.git",
    "ssh://git@github.com/acme-ops/infra",
  ])("is api.github.com for origin %s", async (url) => {
    origin(url);
    expect(await baseUrl()).toBe("https://api.github.com");
  });

  it("is the running local GitHub when origin is on it, even with no configuration", async () => {
    await writeLocalEndpoint(env, {
      url: "http://127.0.0.1:4100",
      gitUrl: "http://127.0.0.1:4100",
      adminToken: "admin",
      pid: process.pid,
      stateDir: dir,
    });
    origin("http://127.0.0.1:4100/acme-ops/infra.git");
    expect(await baseUrl()).toBe("http://127.0.0.1:4100");
  });

  it("is refused, naming GITHUB_API_URL, when origin is somewhere unknown", async () => {
    origin("https://git.example.org/acme-ops/infra.git");
    await expect(infraGitHub(env, dir)).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining("cannot tell which GitHub API serves origin"),
      hint: expect.stringContaining("GITHUB_API_URL"),
    });
  });
});
