import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BROKER_AUDIENCE } from "../../src/github/broker-token-provider.js";
import { ENFORCE_REQUEST, startBrokerWorld, type BrokerWorld } from "./broker-world.js";

/**
 * Property: no mutation of a valid job token produces a grant. Either the token is re-signed by the
 * issuer with one decided claim changed or removed (the issuer vouches for a job that is not the
 * valid one), or its signed bytes are altered without re-signing. Every answer is a 4xx refusal.
 */

const DECIDED = [
  "sub",
  "repository",
  "repository_id",
  "repository_owner",
  "repository_owner_id",
  "job_workflow_ref",
  "job_workflow_sha",
  "event_name",
  "runner_environment",
] as const;

type Mutation =
  | { kind: "set"; claim: string; value: unknown }
  | { kind: "delete"; claim: (typeof DECIDED)[number] }
  | { kind: "audience"; value: string }
  | { kind: "time"; claim: "exp" | "nbf" | "iat"; offset: number };

type Flip = { part: 0 | 1 | 2; byte: number; bit: number };

const text = fc.string({ minLength: 0, maxLength: 60 });
const hex40 = fc.stringMatching(/^[0-9a-f]{40}$/);
const id = fc.oneof(fc.bigInt({ min: 1n, max: 10n ** 15n }).map(String), fc.integer({ min: 1 }), text);

function mutations(valid: Record<string, unknown>): fc.Arbitrary<Mutation> {
  const differs = (claim: string) => (value: unknown) =>
    String(value).toLowerCase() !== String(valid[claim]).toLowerCase();
  const set = (claim: string, value: fc.Arbitrary<unknown>) =>
    value.filter(differs(claim)).map((v): Mutation => ({ kind: "set", claim, value: v }));
  const ref = valid.job_workflow_ref as string;
  return fc.oneof(
    set(
      "sub",
      fc.oneof(
        text,
        text.map((t) => `repo:${t}:ref:refs/heads/main`),
      ),
    ),
    set(
      "repository",
      fc.oneof(
        text,
        text.map((t) => `acme/${t}`),
      ),
    ),
    set("repository_id", id),
    set("repository_owner", text),
    set("repository_owner_id", id),
    set(
      "job_workflow_ref",
      fc.oneof(
        text,
        text.map((t) => ref.replace(/@.*$/, `@${t}`)),
        text.map((t) => ref.replace(/^[^/]+\/[^/]+/, `${t}/task-assistant`)),
        fc
          .constantFrom("refs/heads/main", "refs/tags/v1.0", "refs/pull/1/merge")
          .map((r) => ref.replace(/@.*$/, `@${r}`)),
      ),
    ),
    set("job_workflow_sha", fc.oneof(hex40, text)),
    set(
      "event_name",
      fc
        .oneof(text, fc.constantFrom("pull_request_target", "workflow_run", "repository_dispatch"))
        .filter(
          (event) => !["issues", "push", "pull_request", "schedule", "workflow_dispatch"].includes(event),
        ),
    ),
    set("runner_environment", fc.oneof(text, fc.constant("self-hosted"))),
    set("iss", fc.oneof(text, fc.webUrl())),
    fc.constantFrom(...DECIDED).map((claim): Mutation => ({ kind: "delete", claim })),
    text
      .filter((aud) => aud !== "" && aud !== BROKER_AUDIENCE)
      .map((value): Mutation => ({ kind: "audience", value })),
    fc
      .record({
        claim: fc.constantFrom("exp" as const, "nbf" as const, "iat" as const),
        offset: fc.integer({ min: 61, max: 86_400 }),
      })
      .map(({ claim, offset }): Mutation => ({ kind: "time", claim, offset })),
  );
}

describe("random mutations of a valid job token never produce a grant", () => {
  let world: BrokerWorld;

  beforeAll(async () => {
    world = await startBrokerWorld();
  });
  afterAll(async () => {
    await world.stop();
  });

  const expectRefused = (answer: { status: number; body: Record<string, unknown> }, what: unknown) => {
    expect({ what, refused: [400, 401, 403].includes(answer.status), token: answer.body.token }).toEqual({
      what,
      refused: true,
      token: undefined,
    });
  };

  it("the valid token itself is granted (the baseline the mutations start from)", async () => {
    expect((await world.exchange(await world.mint(world.claims()), ENFORCE_REQUEST)).status).toBe(201);
  });

  it("a decided claim changed or removed, re-signed by the issuer", async () => {
    await fc.assert(
      fc.asyncProperty(mutations(world.claims()), async (mutation) => {
        const claims: Record<string, unknown> = world.claims();
        let audience = BROKER_AUDIENCE;
        const now = Math.floor(Date.now() / 1000);
        if (mutation.kind === "set") claims[mutation.claim] = mutation.value;
        else if (mutation.kind === "delete") delete claims[mutation.claim];
        else if (mutation.kind === "audience") audience = mutation.value;
        else if (mutation.claim === "exp")
          Object.assign(claims, { iat: now - mutation.offset - 300, exp: now - mutation.offset });
        else
          Object.assign(claims, {
            [mutation.claim]: now + mutation.offset,
            exp: now + mutation.offset + 300,
          });
        if (mutation.kind === "time" && mutation.claim !== "iat") claims.iat ??= now;
        expectRefused(
          await world.exchange(await world.mint(claims, { audience }), ENFORCE_REQUEST),
          mutation,
        );
      }),
      { numRuns: 200 },
    );
  });

  it("a bit of the header, payload or signature flipped, not re-signed", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          part: fc.constantFrom(0 as const, 1 as const, 2 as const),
          byte: fc.nat(),
          bit: fc.integer({ min: 0, max: 7 }),
        }),
        async (flip: Flip) => {
          const parts = (await world.mint(world.claims())).split(".");
          const bytes = Buffer.from(parts[flip.part], "base64url");
          bytes[flip.byte % bytes.length] ^= 1 << flip.bit;
          parts[flip.part] = bytes.toString("base64url");
          expectRefused(await world.exchange(parts.join("."), ENFORCE_REQUEST), flip);
        },
      ),
      { numRuns: 200 },
    );
  });
});
