import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadHostConfig } from "../../src/config/load-host-config.js";
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
