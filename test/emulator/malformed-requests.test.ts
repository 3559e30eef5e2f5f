import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalGitHub, type LocalGitHub } from "../../src/emulator/start-local-github.js";
import { sendMalformedRequests, survivalProblems } from "../support/malformed-requests.js";

describe("the local GitHub under malformed requests", () => {
  // Not startTestGitHub: hostile requests are not meant to match GitHub's REST description.
  let github: LocalGitHub;

  beforeAll(async () => {
    github = await startLocalGitHub({
      verifyDurability: true,
      seed: {
        users: [{ login: "alice" }],
        repos: [{ name: "alice/notes", files: { "a.txt": "a" }, issues: [{ title: "one" }] }],
        tokens: [{ token: "ghp_alice_0001", user: "alice" }],
      },
    });
  });
  afterAll(async () => {
    await github?.stop();
  });

  it("answers every malformed REST and git request with a 4xx and keeps serving", async () => {
    const report = await sendMalformedRequests(github.url, {
      healthPath: "/repos/alice/notes/issues/1",
      headers: { authorization: "token ghp_alice_0001" },
      paths: [
        "/repos/alice/notes/issues",
        "/repos/alice/notes/issues/1",
        "/repos/alice/notes/issues/1/labels",
        "/repos/alice/notes/contents/a.txt",
        "/repos/alice/notes/git/refs",
        "/alice/notes.git/info/refs?service=git-upload-pack",
        "/alice/notes.git/git-receive-pack",
      ],
    });
    expect(survivalProblems(report)).toEqual([]);
    // The cases this work was started for are refused as bad requests, not routed or crashed on.
    const outcome = (name: string) => report.results.find((result) => result.name === name)?.outcome;
    expect([outcome("GET /%"), outcome("GET /%E0%A4%A (truncated UTF-8 escape)")]).toEqual([400, 400]);
    expect(outcome("POST not JSON /repos/alice/notes/issues")).toBe(400);
    expect(outcome("POST announces 10 GiB /repos/alice/notes/issues")).toBe(413);
  });

  it("answers every malformed admin API request with a 4xx and keeps serving", async () => {
    const report = await sendMalformedRequests(github.url, {
      healthPath: "/_emulator/stats",
      headers: { authorization: `token ${github.adminToken}` },
      paths: [
        "/_emulator/seed",
        "/_emulator/faults",
        "/_emulator/clock",
        "/_emulator/limits",
        "/_emulator/tokens",
      ],
    });
    expect(survivalProblems(report)).toEqual([]);
  });
});
