import { generateKeyPairSync } from "node:crypto";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENFORCE_REQUEST, startBrokerWorld, type BrokerWorld } from "./broker-world.js";

/** The issuer's key cool-down in this test: long enough that a burst of requests fits in it. */
const COOLDOWN_MS = 5_000;

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

  it("refetches the JWKS at most once per cool-down however many unknown kids arrive, and picks up a rotated key", async () => {
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
    await burst();
    expect(jwksRequests).toHaveLength(1);

    // The issuer rotates; once the cool-down has passed, the first token with the new kid refetches.
    await world.github.admin("POST", "/_emulator/oidc/rotate");
    await new Promise((resolve) => setTimeout(resolve, COOLDOWN_MS + 200));
    expect((await world.exchange(await world.mint(world.claims()), ENFORCE_REQUEST)).status).toBe(201);
    expect(jwksRequests).toHaveLength(2);
    await burst();
    expect(jwksRequests).toHaveLength(2);
  });
});
