import { createAppAuth } from "@octokit/auth-app";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBrokerTokenProvider } from "../../src/github/broker-token-provider.js";
import { createGitHub } from "../../src/github/octokit.js";
import { ENFORCE_REQUEST, INFRA_REPOSITORY, startBrokerWorld, type BrokerWorld } from "./broker-world.js";

/** The status GitHub answers `call` with (2xx when it succeeds). */
async function statusOf(call: Promise<{ status: number }>): Promise<number> {
  try {
    return (await call).status;
  } catch (error) {
    return (error as { status: number }).status;
  }
}

/** REST requests the local GitHub answered since its stats were reset (the admin API excluded). */
/** The REST requests the local GitHub answered since its stats were reset, as `METHOD route ×count`. */
async function restRequests(world: BrokerWorld): Promise<string[]> {
  const stats = await world.github.stats();
  return stats.requests
    .filter(({ route }) => !route.startsWith("/_emulator"))
    .map(({ method, route, count }) => `${method} ${route} ×${count}`)
    .sort();
}

describe("what the token broker grants, and what GitHub then lets the token do", () => {
  let world: BrokerWorld;

  beforeAll(async () => {
    // The broker's own reads (registry, release tags) are refreshed by time, not per exchange: kept
    // for the file's length so that the count below is the exchanges' alone on a slow machine.
    world = await startBrokerWorld({ registryTtlMs: 3_600_000, releasesTtlMs: 3_600_000 });
  });
  afterAll(async () => {
    await world.stop();
  });

  it("end to end: a simulated job's OIDC token, through the runtime's broker client, buys a token that does exactly what enforce may", async () => {
    const request = await world.github.admin<{ url: string; token: string }>(
      "POST",
      "/_emulator/actions/id-token-request",
      { claims: world.claims() },
    );
    const provider = createBrokerTokenProvider({
      kind: "broker",
      url: world.broker.url,
      oidc: { requestUrl: request.url, requestToken: request.token },
    });
    const issued = await provider.issue({
      owner: "acme",
      repositories: ["widgets"],
      permissions: { issues: "write" },
    });
    expect(issued.grant).toEqual({
      permissions: { issues: "write", metadata: "read" },
      repositories: ["widgets"],
    });
    const octokit = world.github.client(issued.token);
    // What the grant allows: issues on acme/widgets.
    const issue = await octokit.rest.issues.create({ owner: "acme", repo: "widgets", title: "enforced" });
    expect(issue.status).toBe(201);
    expect(
      await statusOf(
        octokit.rest.issues.addLabels({
          owner: "acme",
          repo: "widgets",
          issue_number: issue.data.number,
          labels: ["phase-1"],
        }),
      ),
    ).toBe(200);
    // Nothing else: contents on its own repository, its telemetry, another org's telemetry, the infra
    // repository, another host. A private repository the token cannot reach is hidden (404), as on
    // GitHub; one it can see but lacks the permission for is 403.
    const put = (owner: string, repo: string) =>
      statusOf(
        octokit.rest.repos.createOrUpdateFileContents({
          owner,
          repo,
          path: "forged.txt",
          message: "forged",
          content: Buffer.from("x").toString("base64"),
        }),
      );
    expect(await put("acme", "widgets")).toBe(403);
    const [infraOwner, infraName] = INFRA_REPOSITORY.split("/");
    for (const [owner, repo] of [
      ["acme", "telemetry"],
      ["globex", "telemetry"],
      [infraOwner, infraName],
      ["globex", "sprockets"],
      ["acme", "stray"],
    ]) {
      expect({ repo: `${owner}/${repo}`, put: await put(owner, repo) }).toEqual({
        repo: `${owner}/${repo}`,
        put: 404,
      });
      expect(
        await statusOf(octokit.rest.issues.create({ owner, repo, title: "forged" })),
        `${owner}/${repo}`,
      ).toBe(404);
      expect(await statusOf(octokit.rest.repos.get({ owner, repo })), `${owner}/${repo}`).toBe(404);
    }
  });

  it("end to end: the record writer's token writes its org's telemetry and nothing else", async () => {
    const answer = await world.exchange(await world.mint(world.claims()), {
      owner: "acme",
      repositories: ["telemetry"],
      permissions: { contents: "write" },
    });
    expect(answer.status).toBe(201);
    const octokit = world.github.client(answer.body.token as string);
    const write = (owner: string, repo: string) =>
      statusOf(
        octokit.rest.repos.createOrUpdateFileContents({
          owner,
          repo,
          path: `telemetry/v1/record-${owner}.json`,
          message: "record",
          content: Buffer.from("{}").toString("base64"),
        }),
      );
    expect(await write("acme", "telemetry")).toBe(201);
    expect(await write("globex", "telemetry")).toBe(404);
    expect(await write("acme", "widgets")).toBe(404);
    expect(await statusOf(octokit.rest.issues.create({ owner: "acme", repo: "telemetry", title: "x" }))).toBe(
      403,
    );
  });

  it("refuses a registered org where the App is not installed: 403 installation_missing", async () => {
    const answer = await world.exchange(await world.mint(await world.jobClaims("initech/tps")), {
      owner: "initech",
      repositories: ["tps"],
      permissions: { issues: "write" },
    });
    expect(answer).toMatchObject({ status: 403, body: { code: "installation_missing" } });
    expect(answer.body.message).toContain("initech");
  });

  it("refuses when the App's installation lacks a permission, naming it: 403 app_lacks_permission", async () => {
    const answer = await world.exchange(await world.mint(await world.jobClaims("umbrella/hive")), {
      owner: "umbrella",
      repositories: ["hive"],
      permissions: { issues: "write" },
    });
    expect(answer).toMatchObject({ status: 403, body: { code: "app_lacks_permission" } });
    expect(answer.body.message).toContain("issues: write");
  });

  it("refuses a suspended installation: 403 installation_suspended", async () => {
    const app = createGitHub({
      baseUrl: world.github.url,
      authStrategy: createAppAuth,
      auth: { appId: world.app.id, privateKey: world.app.private_key },
      retries: 0,
    });
    const installation = await app.rest.apps.getOrgInstallation({ org: "hooli" });
    await app.request("PUT /app/installations/{installation_id}/suspended", {
      installation_id: installation.data.id,
    });
    const answer = await world.exchange(await world.mint(await world.jobClaims("hooli/nucleus")), {
      owner: "hooli",
      repositories: ["nucleus"],
      permissions: { issues: "write" },
    });
    expect(answer).toMatchObject({ status: 403, body: { code: "installation_suspended" } });
  });

  it("answers 1,000 exchanges for one engine and repository with 2 GitHub requests (installation, token by the repository id)", async () => {
    // The broker's own reads (registry, releases) are warm from the tests above; globex is not.
    const warm = await world.exchange(await world.mint(world.claims()), ENFORCE_REQUEST);
    expect(warm.status).toBe(201);
    const claims = await world.jobClaims("globex/sprockets");
    const request = { owner: "globex", repositories: ["sprockets"], permissions: { issues: "write" } };
    const tokens: string[] = [];
    for (let batch = 0; batch < 10; batch += 1)
      tokens.push(
        ...(await Promise.all(
          Array.from({ length: 100 }, (_, index) =>
            world.mint({ ...claims, jti: `sprockets-${batch}-${index}` }),
          ),
        )),
      );
    await world.github.resetStats();
    const before = world.broker.counters().github;
    const granted = new Set<string>();
    for (let batch = 0; batch < 1_000; batch += 50) {
      const answers = await Promise.all(
        tokens.slice(batch, batch + 50).map((token) => world.exchange(token, request)),
      );
      for (const answer of answers) {
        expect(answer.status).toBe(201);
        granted.add(answer.body.token as string);
      }
    }
    // The installation lookup and one token for the grant, asked for by the repository id in the job's
    // token (GitHub refuses an id its installation cannot reach): the rest come from the caches.
    expect(await restRequests(world)).toEqual([
      "GET /repos/{owner}/{repo}/installation ×1",
      "POST /app/installations/{installation_id}/access_tokens ×1",
    ]);
    expect(world.broker.counters().github - before).toBe(2);
    expect(granted.size).toBe(1);
  });
});
