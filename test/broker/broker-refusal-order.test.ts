import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENFORCE_REQUEST, startBrokerWorld, type BrokerWorld } from "./broker-world.js";

/** The permissions of every installation token the broker asked GitHub for. */
const asked: Array<Record<string, string>> = [];

describe("the broker refuses before it asks GitHub for any token of the grant", () => {
  let world: BrokerWorld;

  beforeAll(async () => {
    const spying: typeof fetch = async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (/\/access_tokens$/.test(url) && typeof init?.body === "string")
        asked.push((JSON.parse(init.body) as { permissions: Record<string, string> }).permissions);
      return fetch(input, init);
    };
    world = await startBrokerWorld({ fetch: spying });
  });
  afterAll(async () => {
    await world.stop();
  });

  const restRequests = async () =>
    (await world.github.stats()).requests
      .filter(({ route }) => !route.startsWith("/_emulator"))
      .reduce((sum, { count }) => sum + count, 0);

  it("a repository_id that is not the repository's current id mints no token for the grant (cold caches)", async () => {
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
    // Only the metadata-only identity read: no token with issues: write was ever asked for.
    expect(asked).toEqual([{ metadata: "read" }]);
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
    expect(await restRequests()).toBe(0);
    expect(asked).toEqual([]);
  });
});
