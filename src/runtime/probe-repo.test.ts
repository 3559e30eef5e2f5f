import { describe, expect, it } from "vitest";
import type { GitHub } from "../github/octokit.js";
import { probeFile, probeRepo } from "./probe-repo.js";

/** A client whose every call throws `error`. */
function throwingGitHub(error: Error): GitHub {
  const fail = () => Promise.reject(error);
  return { rest: { repos: { get: fail, getContent: fail } } } as unknown as GitHub;
}

describe("preflight's probes", () => {
  it("describe a failure by safe facts only: the message may quote anything and preflight's record keeps it", async () => {
    const error = Object.assign(new Error("upstream said ghp_SUPERSECRET0123456789"), {
      name: "HttpError",
      status: 502,
      response: { status: 502 },
    });
    const repo = await probeRepo(throwingGitHub(error), "acme/widgets");
    const file = await probeFile(
      throwingGitHub(error),
      "acme/widgets",
      ".github/task-assistant.yml",
      undefined,
    );
    expect(repo).toEqual({ kind: "error", status: 502, message: "GitHub answered HTTP 502" });
    expect(file).toMatchObject({ kind: "error", status: 502, message: "GitHub answered HTTP 502" });
  });

  it("call a 404 missing, or absent for a file", async () => {
    const error = Object.assign(new Error("Not Found"), { name: "HttpError", status: 404, response: {} });
    expect(await probeRepo(throwingGitHub(error), "acme/widgets")).toEqual({ kind: "missing", status: 404 });
    expect(await probeFile(throwingGitHub(error), "acme/widgets", "x.yml", "main")).toEqual({
      kind: "absent",
      path: "x.yml",
      ref: "main",
    });
  });
});
