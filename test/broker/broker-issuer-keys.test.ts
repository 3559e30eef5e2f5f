import { generateKeyPairSync } from "node:crypto";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENFORCE_REQUEST, startBrokerWorld, type BrokerWorld } from "./broker-world.js";

/**
 * The issuer's key cool-down in this test: at most one JWKS fetch per this long. Long enough that
 * a burst of 40 exchanges lands inside one cool-down even on a loaded machine (at 1 s a slow burst
 * legitimately earned a second refetch).
 */
const COOLDOWN_MS = 3_000;

describe("the broker's cache of the issuer's keys", () => {
  let world: BrokerWorld;
  const jwksRequests: string[] = [];

  beforeAll(async () => {
    const counting: typeof fetch = (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.endsWith("/.well-known/jwks")) jwksRequests.push(url);
      return fetch(input, init);
    };
    world = await startBrokerWorld({ fetch: counting, jwksCooldownMs: COOLDOWN_MS });
  });
  afterAll(async () => {
    await world.stop();
  });

  it("refetches the JWKS once for a burst of unknown kids, refuses a known-missing kid without a fetch, and trusts a rotated key at once", async () => {
    // One key, many forged kids: the burst costs no signing time.
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const now = Math.floor(Date.now() / 1000);
    const forged = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        new SignJWT({ ...world.claims(), iss: world.github.oidcIssuer, aud: "task-assistant" })
          .setProtectedHeader({ alg: "RS256", kid: `forged-${index}` })
          .setIssuedAt(now)
          .setExpirationTime(now + 300)
          .sign(privateKey),
      ),
    );
    const burst = async () => {
      const answers = await Promise.all(forged.map((token) => world.exchange(token, ENFORCE_REQUEST)));
      expect(new Set(answers.map((answer) => answer.body.code))).toEqual(new Set(["token_unknown_key"]));
    };

    expect((await world.exchange(await world.mint(world.claims()), ENFORCE_REQUEST)).status).toBe(201);
    expect(jwksRequests).toHaveLength(1);
    // 40 unknown kids at once share one refetch (after the cool-down), then are each refused.
    await burst();
    expect(jwksRequests).toHaveLength(2);
    // The same kids again: known to be missing, refused without asking the issuer.
    await burst();
    expect(jwksRequests).toHaveLength(2);

    // The issuer rotates and signs with the new key at once: its first token is granted, with no
    // wait beyond the cool-down, because its kid is new.
    const rotated = await world.github.admin<{ kid: string }>("POST", "/_emulator/oidc/rotate");
    const token = await world.mint(world.claims());
    expect(JSON.parse(Buffer.from(token.split(".")[0], "base64url").toString()).kid).toBe(rotated.kid);
    expect((await world.exchange(token, ENFORCE_REQUEST)).status).toBe(201);
    expect(jwksRequests).toHaveLength(3);
    expect((await world.exchange(await world.mint(world.claims()), ENFORCE_REQUEST)).status).toBe(201);
    expect(jwksRequests).toHaveLength(3);
  });
});
