import { afterEach, describe, expect, it } from "vitest";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";

const seed = {
  users: [{ login: "octo" }],
  repos: [{ name: "octo/widgets", files: { "README.md": "# widgets\n" } }],
  tokens: [{ user: "octo", token: "octo_wiring_token" }],
};

describe("every local GitHub a test starts is held to GitHub's REST description", () => {
  let github: TestGitHub | undefined;
  afterEach(async () => {
    // A test below leaves the server stopped on purpose; stopping twice is harmless.
    await github?.stop().catch(() => undefined);
    github = undefined;
  });

  it("stops cleanly when every response matched the description", async () => {
    github = await startTestGitHub(seed);
    const octokit = github.client("octo_wiring_token");
    await octokit.rest.repos.get({ owner: "octo", repo: "widgets" });
    await octokit.rest.issues.listLabelsForRepo({ owner: "octo", repo: "widgets" });

    expect(github.contractViolations).toEqual([]);
    await expect(github.stop()).resolves.toBeUndefined();
  });

  it("fails at stop() when the server answered with a status GitHub never sends there", async () => {
    github = await startTestGitHub(seed);
    await github.addFaults({ route: "GET /repos/{owner}/{repo}/labels", status: 409, count: 1 });
    const octokit = github.client("octo_wiring_token");
    await expect(
      octokit.rest.issues.listLabelsForRepo({ owner: "octo", repo: "widgets" }),
    ).rejects.toMatchObject({
      status: 409,
    });

    expect(github.contractViolations).toEqual([
      "GET /repos/{owner}/{repo}/labels → 409: status 409 is not documented for this operation " +
        "(documented: 200, 404) [/repos/octo/widgets/labels]",
    ]);
    await expect(github.stop()).rejects.toThrow(
      /answered 1 time\(s\) unlike GitHub's REST description:\n {2}- GET \/repos\/\{owner\}\/\{repo\}\/labels → 409/,
    );
  });

  it("fails at stop() when a client reached a route GitHub does not have", async () => {
    github = await startTestGitHub(seed);
    const response = await fetch(`${github.url}/repos/octo/widgets/frobnicate`, {
      headers: { authorization: "token octo_wiring_token" },
    });
    expect(response.status).toBe(404);

    expect(github.contractViolations).toEqual([
      "GET (unmatched) → 404: no operation with this method and route in GitHub's REST description " +
        "[/repos/octo/widgets/frobnicate]",
    ]);
    await expect(github.stop()).rejects.toThrow(/GET \(unmatched\) → 404/);
  });
});
