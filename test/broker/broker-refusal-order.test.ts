import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSettableClock } from "../../src/emulator/settable-clock.js";
import { IDENTITY_TTL_MS } from "../../src/broker/github-app.js";
import { ENFORCE_REQUEST, startBrokerWorld, type BrokerWorld } from "./broker-world.js";

/** Every installation token the broker asked GitHub for: what it asked, GitHub's status and token. */
interface Asked {
  body: { repositories?: string[]; repository_ids?: number[]; permissions: Record<string, string> };
  status: number;
  token?: string;
}
const asked: Asked[] = [];
const clock = createSettableClock();

describe("the broker refuses before it hands out any token of the grant", () => {
  let world: BrokerWorld;

  beforeAll(async () => {
    const spying: typeof fetch = async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      const response = await fetch(input, init);
      if (/\/access_tokens$/.test(url) && typeof init?.body === "string") {
        const answer = (await response.clone().json()) as { token?: string };
        asked.push({
          body: JSON.parse(init.body) as Asked["body"],
          status: response.status,
          ...(answer.token === undefined ? {} : { token: answer.token }),
        });
      }
      return response;
    };
    world = await startBrokerWorld({ fetch: spying, clock });
  });
  afterAll(async () => {
    await world.stop();
  });

  const restRequests = async () =>
    (await world.github.stats()).requests
      .filter(({ route }) => !route.startsWith("/_emulator"))
      .map(({ method, route, count }) => `${method} ${route} ×${count}`)
      .sort();
  const idOf = async (repo: string) =>
    (await world.github.client().rest.repos.get({ owner: "acme", repo })).data.id;
  /** Whether the local GitHub still accepts `token`. */
  const usable = async (token: string) =>
    (
      await fetch(`${world.github.url}/installation/repositories`, {
        headers: { authorization: `token ${token}` },
      })
    ).status !== 401;

  it("a repository_id the installation cannot reach: GitHub refuses the mint by that id, so no token exists (cold caches)", async () => {
    // Registry and releases read first, so that only the exchange's own requests remain.
    const warm = await world.exchange(
      await world.mint(world.claims()),
      { owner: "acme", repositories: ["stray"], permissions: { issues: "write" } },
      "/v1/installation-token",
    );
    expect(warm.status).toBe(403);
    asked.length = 0;
    await world.github.resetStats();
    const answer = await world.exchange(
      await world.mint(
        world.claims({ repository_id: "999999999", sub: "repo:acme/widgets:ref:refs/heads/main" }),
      ),
      ENFORCE_REQUEST,
    );
    expect(answer).toMatchObject({ status: 403, body: { code: "repository_identity" } });
    // One ask, by the token's id, which GitHub refused: no token was ever created.
    expect(asked).toEqual([
      {
        body: { repository_ids: [999999999], permissions: { issues: "write", metadata: "read" } },
        status: 422,
      },
    ]);
    expect(await restRequests()).toEqual([
      "GET /repos/{owner}/{repo}/installation ×1",
      "POST /app/installations/{installation_id}/access_tokens ×1",
    ]);
  });

  it("an id that GitHub now names differently (a renamed repository's id): the minted token is revoked, never handed out", async () => {
    const stray = await idOf("stray");
    const token = await world.mint(world.claims({ repository_id: String(stray) }));
    asked.length = 0;
    await world.github.resetStats();
    const answer = await world.exchange(token, ENFORCE_REQUEST);
    expect(answer).toMatchObject({ status: 403, body: { code: "repository_identity" } });
    expect(answer.body.message).toContain("acme/stray");
    expect(await restRequests()).toEqual([
      "DELETE /installation/token ×1",
      "POST /app/installations/{installation_id}/access_tokens ×1",
    ]);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ status: 201, body: { repository_ids: [stray] } });
    expect(await usable(asked[0].token!)).toBe(false);
  });

  it("once the repository's ids are known, identity and policy refusals cost GitHub no request at all", async () => {
    expect((await world.exchange(await world.mint(world.claims()), ENFORCE_REQUEST)).status).toBe(201);
    asked.length = 0;
    await world.github.resetStats();
    const refusals = [
      [world.claims({ repository_id: "999999999" }), ENFORCE_REQUEST, "repository_identity"],
      [world.claims({ repository_owner_id: "999999999" }), ENFORCE_REQUEST, "repository_identity"],
      [world.claims(), { ...ENFORCE_REQUEST, permissions: { contents: "write" } }, "permission_not_granted"],
      [world.claims(), { ...ENFORCE_REQUEST, repositories: ["stray"] }, "repository_not_granted"],
      [world.claims({ event_name: "fork" }), ENFORCE_REQUEST, "event_not_allowed"],
    ] as const;
    for (const [claims, request, code] of refusals) {
      const answer = await world.exchange(await world.mint(claims), request);
      expect(answer.body.code).toBe(code);
    }
    expect(await restRequests()).toEqual([]);
    expect(asked).toEqual([]);
  });

  it("a grant for the telemetry repository alone still checks the caller's id, with a metadata-only token for that id", async () => {
    const gizmo = await world.jobClaims("acme/gizmo", "enforce");
    const record = { owner: "acme", repositories: ["telemetry"], permissions: { contents: "write" } };
    asked.length = 0;
    const forged = await world.exchange(
      await world.mint({ ...gizmo, jti: "forged-gizmo", repository_id: String(await idOf("stray")) }),
      record,
    );
    expect(forged).toMatchObject({ status: 403, body: { code: "repository_identity" } });
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({
      status: 201,
      body: { repository_ids: [await idOf("stray")], permissions: { metadata: "read" } },
    });
    expect(await usable(asked[0].token!)).toBe(false);
    asked.length = 0;
    const granted = await world.exchange(await world.mint(gizmo), record);
    expect(granted.status).toBe(201);
    expect(asked.map(({ body }) => body)).toEqual([
      { repository_ids: [Number(gizmo.repository_id)], permissions: { metadata: "read" } },
      { repositories: ["telemetry"], permissions: { contents: "write", metadata: "read" } },
    ]);
  });

  it("GitHub's name for the id counts as current for five minutes: then the next exchange mints afresh by id, and a recreated repository gets nothing", async () => {
    const old = await world.jobClaims("acme/gizmo");
    const request = { owner: "acme", repositories: ["gizmo"], permissions: { issues: "write" } };
    const long = { ttl_seconds: 3_600 };
    expect((await world.exchange(await world.mint(old, long), request)).status).toBe(201);
    asked.length = 0;
    expect((await world.exchange(await world.mint({ ...old, jti: "again-1" }, long), request)).status).toBe(
      201,
    );
    expect(asked).toEqual([]);
    const admin = world.github.client();
    await admin.rest.repos.delete({ owner: "acme", repo: "gizmo" });
    await admin.rest.repos.createInOrg({ org: "acme", name: "gizmo", private: true });
    // Both clocks move: the broker's and the local GitHub's (which checks the App's JWTs).
    clock.advance(IDENTITY_TTL_MS + 1_000);
    await world.github.setClock({ advance_ms: IDENTITY_TTL_MS + 1_000 });
    const stale = await world.exchange(await world.mint({ ...old, jti: "again-2" }, long), request);
    expect(stale).toMatchObject({ status: 403, body: { code: "repository_identity" } });
    expect(asked).toEqual([
      {
        body: {
          repository_ids: [Number(old.repository_id)],
          permissions: { issues: "write", metadata: "read" },
        },
        status: 422,
      },
    ]);
    const current = await world.jobClaims("acme/gizmo");
    expect((await world.exchange(await world.mint(current, long), request)).status).toBe(201);
  });
});
