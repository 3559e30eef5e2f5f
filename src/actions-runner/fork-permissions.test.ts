import { describe, expect, it } from "vitest";
import { forkPermissions, isForkPullRequest } from "./job-permissions.js";

describe("pull requests from forks", () => {
  const pr = (head: string | null) => ({
    pull_request: { head: { repo: head === null ? null : { full_name: head } } },
  });

  it("is a fork's when the head repository is another, or deleted", () => {
    expect(isForkPullRequest("pull_request", pr("forker/widgets"), "acme/widgets")).toBe(true);
    expect(isForkPullRequest("pull_request", pr(null), "acme/widgets")).toBe(true);
    expect(isForkPullRequest("pull_request", pr("Acme/Widgets"), "acme/widgets")).toBe(false);
    expect(isForkPullRequest("issues", pr("forker/widgets"), "acme/widgets")).toBe(false);
  });

  it("lowers every write to read and takes the ID token away", () => {
    expect(
      forkPermissions({ contents: "write", issues: "read", "id-token": "write", actions: "none" }),
    ).toEqual({
      contents: "read",
      issues: "read",
      "id-token": "none",
      actions: "none",
    });
  });
});
