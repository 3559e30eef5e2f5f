import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadHostConfig } from "../../src/config/load-host-config.js";
import { readHostConfig } from "../../src/config/read-host-config.js";
import { ExternalError, ValidationError } from "../../src/errors.js";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";

const CONFIG = 'schema_version: "1.0"\ntracks: []\nlabels: []\nmilestones: []\n';

let server: TestGitHub;
beforeAll(async () => {
  server = await startTestGitHub({
    orgs: [{ login: "acme" }],
    repos: [
      { name: "acme/widgets", files: { ".github/task-assistant.yml": CONFIG }, branches: ["proposal"] },
      { name: "acme/bare", files: { "README.md": "no config here\n" } },
      {
        name: "acme/huge",
        files: { ".github/task-assistant.yml": `${CONFIG}# ${"x".repeat(300 * 1024)}\n` },
      },
      { name: "acme/odd", files: { ".github/task-assistant.yml/README.md": "a directory, not a file\n" } },
    ],
  });
});
afterAll(async () => {
  await server?.stop();
});

describe("loadHostConfig", () => {
  it("reads the target repository's file from its default branch, with the blob sha", async () => {
    const source = await loadHostConfig(server.client(), { owner: "acme", repo: "widgets" });
    const { data } = await server.client().rest.repos.getContent({
      owner: "acme",
      repo: "widgets",
      path: ".github/task-assistant.yml",
    });
    expect(source).toEqual({
      status: "found",
      path: ".github/task-assistant.yml",
      sha: (data as { sha: string }).sha,
      text: CONFIG,
    });
  });

  it("reads at the given ref", async () => {
    const source = await loadHostConfig(server.client(), { owner: "acme", repo: "widgets", ref: "proposal" });
    expect(source).toMatchObject({ status: "found", ref: "proposal", text: CONFIG });
  });

  it("says the file is missing when the repository has none", async () => {
    expect(await loadHostConfig(server.client(), { owner: "acme", repo: "bare" })).toEqual({
      status: "missing",
      path: ".github/task-assistant.yml",
    });
  });

  it("reports a file over the size limit from GitHub's stated size, without decoding it", async () => {
    const source = await loadHostConfig(server.client(), { owner: "acme", repo: "huge" });
    expect(source).toMatchObject({ status: "too-large", bytes: CONFIG.length + 2 + 300 * 1024 + 1 });
    expect(source).not.toHaveProperty("text");
    expect(await readHostConfig(server.client(), { owner: "acme", repo: "huge" })).toMatchObject({
      status: "invalid",
      checked: ["config.limits"],
      errors: [
        {
          rule: "config.limits",
          file: ".github/task-assistant.yml",
          line: 1,
          col: 1,
          message: `the file is ${(CONFIG.length + 2 + 300 * 1024 + 1).toLocaleString("en-US")} bytes, over the limit of 262,144 bytes (256 KiB) for a config file, and it was not parsed`,
        },
      ],
    });
  });

  it("refuses a directory where the file should be", async () => {
    await expect(loadHostConfig(server.client(), { owner: "acme", repo: "odd" })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it("turns a GitHub failure into an ExternalError carrying the status", async () => {
    await server.addFaults({ route: "GET /repos/{owner}/{repo}/contents/{path}", status: 502, count: 1 });
    const failure = loadHostConfig(server.client(), { owner: "acme", repo: "widgets" });
    await expect(failure).rejects.toBeInstanceOf(ExternalError);
    await expect(failure).rejects.toMatchObject({ status: 502, exitCode: 3 });
  });
});
