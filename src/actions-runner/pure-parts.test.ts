import { describe, expect, it } from "vitest";
import { expandMatrix } from "./expand-matrix.js";
import { idTokenClaims, type IdTokenJobFacts } from "./id-token-claims.js";
import { defaultPermissions, permissionExcesses, resolvePermissions } from "./job-permissions.js";
import { parseFileCommand } from "./parse-file-command.js";
import { resolveRemoteRef } from "./resolve-remote-ref.js";

const facts = (overrides: Partial<IdTokenJobFacts> = {}): IdTokenJobFacts => ({
  repository: "acme/host",
  repositoryId: 5,
  repositoryOwnerId: 3,
  repositoryVisibility: "private",
  actor: "octo",
  actorId: 9,
  eventName: "issues",
  ref: "refs/heads/main",
  sha: "a".repeat(40),
  baseRef: "",
  headRef: "",
  runId: 77,
  runNumber: 4,
  runAttempt: 2,
  workflow: "task-assistant",
  workflowRef: "acme/host/.github/workflows/d.yml@refs/heads/main",
  workflowSha: "a".repeat(40),
  jobWorkflowRef: "org/app/.github/workflows/engine.yml@refs/tags/v1.0.0",
  jobWorkflowSha: "b".repeat(40),
  runnerEnvironment: "github-hosted",
  ...overrides,
});

describe("the runner's pure parts", () => {
  it("computes GitHub's OIDC claims, with sub by environment, pull request or ref", () => {
    expect(idTokenClaims(facts())).toMatchObject({
      sub: "repo:acme/host:ref:refs/heads/main",
      repository_id: "5",
      repository_owner: "acme",
      repository_owner_id: "3",
      run_id: "77",
      run_attempt: "2",
      ref_type: "branch",
      job_workflow_ref: "org/app/.github/workflows/engine.yml@refs/tags/v1.0.0",
      job_workflow_sha: "b".repeat(40),
    });
    expect(idTokenClaims(facts({ eventName: "pull_request", ref: "refs/pull/7/merge" })).sub).toBe(
      "repo:acme/host:pull_request",
    );
    expect(idTokenClaims(facts({ environment: "prod" })).sub).toBe("repo:acme/host:environment:prod");
  });

  it("resolves permissions and names what a called job asks beyond its caller's grant", () => {
    const granted = resolvePermissions({ contents: "read" });
    expect(granted["id-token"]).toBe("none");
    expect(
      permissionExcesses("enforce", resolvePermissions({ contents: "read", "id-token": "write" }), granted),
    ).toEqual([
      "The nested job 'enforce' is requesting 'id-token: write', but is only allowed 'id-token: none'.",
    ]);
    expect(permissionExcesses("x", resolvePermissions({}), granted)).toEqual([]);
    expect(defaultPermissions("restricted")).toMatchObject({ contents: "read", issues: "none" });
    expect(() => resolvePermissions({ contents: "admin" })).toThrow(
      "permissions.contents must be read, write or none",
    );
  });

  it("parses GITHUB_OUTPUT lines and heredocs, and refuses an unclosed one", () => {
    expect(parseFileCommand("a=1\nb<<EOF\nx\ny=z\nEOF\na=2\n")).toEqual({ a: "2", b: "x\ny=z" });
    expect(() => parseFileCommand("b<<EOF\nx\n")).toThrow("not closed by EOF");
  });

  it("expands a matrix with exclude and include as GitHub does", () => {
    expect(expandMatrix({ a: [1, 2], exclude: [{ a: 2 }], include: [{ a: 1, b: "x" }, { c: 3 }] })).toEqual([
      // {c: 3} adds to the combination without overwriting an original value, so it extends it.
      { a: 1, b: "x", c: 3 },
    ]);
    expect(expandMatrix({ a: [1], include: [{ a: 2 }] })).toEqual([{ a: 1 }, { a: 2 }]);
    expect(expandMatrix(undefined)).toEqual([{}]);
  });

  it("resolves a ref as a branch, then a tag (peeled), and refuses an unknown one", () => {
    const listing = `${"1".repeat(40)}\trefs/heads/v1\n${"2".repeat(40)}\trefs/tags/v2\n${"3".repeat(40)}\trefs/tags/v2^{}\n`;
    expect(resolveRemoteRef(listing, "v1", "o/r")).toEqual({ ref: "refs/heads/v1", sha: "1".repeat(40) });
    expect(resolveRemoteRef(listing, "v2", "o/r")).toEqual({ ref: "refs/tags/v2", sha: "3".repeat(40) });
    expect(() => resolveRemoteRef(listing, "v3", "o/r")).toThrow("'v3' could not be found in o/r");
  });
});
