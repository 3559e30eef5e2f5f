import { createAppAuth } from "@octokit/auth-app";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGitHub } from "../../src/github/octokit.js";
import { fixedClock } from "../../src/util/clock.js";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";

const repo = { owner: "alice", repo: "notes" };

describe("limits, conditional requests, faults and stats", () => {
  let github: TestGitHub;

  beforeEach(async () => {
    github = await startTestGitHub(
      {
        users: [{ login: "alice" }, { login: "bob" }],
        repos: [{ name: "alice/notes", issues: [{ title: "one" }] }, { name: "alice/scratch" }],
        tokens: [
          { token: "ghp_alice_0001", user: "alice" },
          { token: "ghp_bob_000001", user: "bob", rate_limit: 3 },
        ],
      },
      { clock: fixedClock("2026-02-02T02:00:00Z") },
    );
  });
  afterEach(async () => {
    await github.stop();
  });

  it("sends x-ratelimit headers and refuses a token whose hourly budget is spent until the window resets", async () => {
    const bob = github.client("ghp_bob_000001");
    const first = await bob.rest.repos.get(repo);
    expect(first.headers).toMatchObject({
      "x-ratelimit-limit": "3",
      "x-ratelimit-remaining": "2",
      "x-ratelimit-used": "1",
      "x-ratelimit-resource": "core",
      "x-ratelimit-reset": String(Date.parse("2026-02-02T03:00:00Z") / 1000),
    });
    await bob.rest.repos.get(repo);
    await bob.rest.repos.get(repo);
    await expect(bob.rest.repos.get(repo)).rejects.toMatchObject({
      status: 403,
      response: { headers: { "x-ratelimit-remaining": "0" } },
    });
    const rate = await bob.rest.rateLimit.get();
    expect(rate.data.resources.core).toMatchObject({ limit: 3, remaining: 0, used: 3 });
    expect(
      (await github.client("ghp_alice_0001").rest.repos.get(repo)).headers["x-ratelimit-remaining"],
    ).toBe("4999");

    await github.setClock({ advance_ms: 3_600_000 });
    expect((await bob.rest.repos.get(repo)).headers["x-ratelimit-remaining"]).toBe("2");
  });

  it("answers 304 to a GET with the ETag it sent, without charging the rate limit", async () => {
    const alice = github.client("ghp_alice_0001");
    const first = await alice.rest.issues.listForRepo(repo);
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^W\/"[0-9a-f]{40}"$/);
    await expect(
      alice.rest.issues.listForRepo({ ...repo, headers: { "if-none-match": etag } }),
    ).rejects.toMatchObject({
      status: 304,
    });
    expect((await alice.rest.rateLimit.get()).data.rate.used).toBe(1);

    await alice.rest.issues.create({ ...repo, title: "two" });
    const changed = await alice.rest.issues.listForRepo({ ...repo, headers: { "if-none-match": etag } });
    expect(changed.status).toBe(200);
    expect(changed.data).toHaveLength(2);
  });

  it("keeps a listing's ETag across writes elsewhere and other tokens: it follows the content, as GitHub's does", async () => {
    const alice = github.client("ghp_alice_0001");
    const first = await alice.rest.issues.listForRepo(repo);
    const etag = first.headers.etag!;
    // A write to another repository, then the same page read with another token.
    await github.client().rest.issues.create({ owner: "alice", repo: "scratch", title: "elsewhere" });
    await expect(
      github
        .client("ghp_bob_000001")
        .rest.issues.listForRepo({ ...repo, headers: { "if-none-match": etag } }),
    ).rejects.toMatchObject({ status: 304 });
    // A change to what the page shows moves it on.
    await github.client().rest.issues.update({ ...repo, issue_number: 1, title: "renamed" });
    const changed = await alice.rest.issues.listForRepo({ ...repo, headers: { "if-none-match": etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
  });

  it("answers content creation beyond the per-minute limit with 403 and retry-after", async () => {
    await github.admin("POST", "/_emulator/limits", { content_creation_per_minute: 2 });
    const alice = github.client("ghp_alice_0001");
    await alice.rest.issues.create({ ...repo, title: "a" });
    await github.setClock({ advance_ms: 10_000 });
    await alice.rest.issues.create({ ...repo, title: "b" });
    await expect(alice.rest.issues.create({ ...repo, title: "c" })).rejects.toMatchObject({
      status: 403,
      response: {
        headers: { "retry-after": "50" },
        data: { message: expect.stringContaining("secondary rate limit") },
      },
    });
    await expect(alice.rest.issues.listForRepo(repo)).resolves.toMatchObject({ status: 200 });
    await github.setClock({ advance_ms: 50_000 });
    await expect(alice.rest.issues.create({ ...repo, title: "c" })).resolves.toMatchObject({ status: 201 });
  });

  it("counts content creation per App installation: every token of one installation shares its budget", async () => {
    const seeded = await startTestGitHub(
      {
        users: [{ login: "owner" }],
        orgs: [{ login: "acme", members: [{ login: "owner", role: "admin" }] }],
        repos: [{ name: "acme/widgets" }],
        apps: [{ slug: "task-assistant", owner: "acme", permissions: { issues: "write", metadata: "read" } }],
        installations: [{ app: "task-assistant", account: "acme", repository_selection: "all" }],
        tokens: [{ token: "ghp_owner_00001", user: "owner" }],
        limits: { content_creation_per_minute: 2 },
      },
      { clock: fixedClock("2026-02-02T02:00:00Z") },
    );
    try {
      const app = seeded.seeded!.apps[0];
      const jwt = createGitHub({
        baseUrl: seeded.url,
        authStrategy: createAppAuth,
        auth: { appId: app.id, privateKey: app.private_key },
        retries: 0,
      });
      const installation_id = seeded.seeded!.installations[0].id;
      // Two jobs, two tokens of one installation.
      const jobs = await Promise.all(
        [1, 2].map(async () =>
          seeded.client((await jwt.rest.apps.createInstallationAccessToken({ installation_id })).data.token),
        ),
      );
      const widgets = { owner: "acme", repo: "widgets" };
      await jobs[0].rest.issues.create({ ...widgets, title: "a" });
      await jobs[1].rest.issues.create({ ...widgets, title: "b" });
      await expect(jobs[1].rest.issues.create({ ...widgets, title: "c" })).rejects.toMatchObject({
        status: 403,
        response: { headers: { "retry-after": "60" } },
      });
      // A user's budget is the user's own.
      await expect(
        seeded.client("ghp_owner_00001").rest.issues.create({ ...widgets, title: "d" }),
      ).resolves.toMatchObject({ status: 201 });
    } finally {
      await seeded.stop();
    }
  });

  it("injects faults on one route, a given number of times, and counts what happened", async () => {
    const alice = github.client("ghp_alice_0001");
    await github.addFaults({ route: "POST /repos/{owner}/{repo}/issues", status: 502, count: 2 });
    await expect(alice.rest.issues.create({ ...repo, title: "x" })).rejects.toMatchObject({ status: 502 });
    await expect(alice.rest.issues.create({ ...repo, title: "x" })).rejects.toMatchObject({ status: 502 });
    const created = await alice.rest.issues.create({ ...repo, title: "x" });
    expect(created.data.number).toBe(2);
    const stats = await github.stats();
    expect(stats.by_route["POST /repos/{owner}/{repo}/issues"]).toEqual({ "201": 1, "502": 2 });
    expect(stats.content_creating).toBe(1);
    expect(stats.rate_limit_units).toBe(3);
    await github.resetStats();
    expect((await github.stats()).total).toBe(0);
  });

  it("delays answers by a fault's latency and can answer secondary-limit faults with retry-after", async () => {
    const alice = github.client("ghp_alice_0001");
    await github.addFaults(
      { route: "GET /repos/{owner}/{repo}", latency_ms: 30, count: 1 },
      { route: "*", status: 403, retry_after: 7, count: 1 },
    );
    await expect(alice.rest.repos.get(repo)).resolves.toMatchObject({ status: 200 });
    await expect(alice.rest.repos.get(repo)).rejects.toMatchObject({
      status: 403,
      response: { headers: { "retry-after": "7" } },
    });
    const faults = await github.admin<Array<{ hits: number; remaining: number }>>("GET", "/_emulator/faults");
    expect(faults.map((fault) => [fault.hits, fault.remaining])).toEqual([
      [1, 0],
      [1, 0],
    ]);
  });

  it("fires a fault with its probability, drawn from the server's random source", async () => {
    const draws = [0.1, 0.9, 0.2, 0.95];
    const seeded = await startTestGitHub(
      { users: [{ login: "carol" }], repos: [{ name: "carol/notes" }] },
      { random: () => draws.shift() ?? 1 },
    );
    try {
      await seeded.addFaults({ route: "GET /repos/{owner}/{repo}", status: 503, probability: 0.5 });
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 4; attempt += 1) {
        statuses.push(
          await seeded
            .client()
            .rest.repos.get({ owner: "carol", repo: "notes" })
            .then((response) => response.status)
            .catch((error: { status: number }) => error.status),
        );
      }
      expect(statuses).toEqual([503, 200, 503, 200]);
    } finally {
      await seeded.stop();
    }
  });

  it("refuses a malformed fault and admin calls without the admin token", async () => {
    await expect(
      github.admin("POST", "/_emulator/faults", { route: "nonsense", status: 500 }),
    ).rejects.toThrow(/422/);
    const response = await fetch(`${github.url}/_emulator/stats`, {
      headers: { authorization: "token ghp_alice_0001" },
    });
    expect(response.status).toBe(401);
  });
});
