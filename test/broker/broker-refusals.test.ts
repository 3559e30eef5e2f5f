import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP_REPOSITORY } from "../../src/runtime/app-repository.js";
import { startBroker } from "../../src/broker/start-broker.js";
import {
  brokerOptionsFor,
  ENFORCE_REQUEST,
  exchangeAt,
  forgeToken,
  INFRA_REPOSITORY,
  startBrokerWorld,
  type BrokerWorld,
} from "./broker-world.js";

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("the token broker verifies every job token and refuses each forgery by name", () => {
  let world: BrokerWorld;

  beforeAll(async () => {
    world = await startBrokerWorld();
  });
  afterAll(async () => {
    await world.stop();
  });

  async function refusal(token: string | undefined, body: unknown = ENFORCE_REQUEST, path?: string) {
    const answer = await world.exchange(token, body, path);
    return { status: answer.status, code: answer.body.code };
  }

  it("grants a valid enforce job issues: write on its own repository alone", async () => {
    const answer = await world.exchange(await world.mint(world.claims()), ENFORCE_REQUEST);
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      permissions: { issues: "write", metadata: "read" },
      repositories: ["widgets"],
    });
    expect(typeof answer.body.token).toBe("string");
    const line = JSON.parse(world.logs.at(-1)!) as Record<string, unknown>;
    expect(line).toMatchObject({ event: "exchange", outcome: "granted", engine: "enforce" });
    expect(world.logs.join("\n")).not.toContain(answer.body.token as string);
  });

  it("refuses a request without a token (token_missing)", async () => {
    expect(await refusal(undefined)).toEqual({ status: 401, code: "token_missing" });
  });

  it("refuses alg none (token_algorithm)", async () => {
    const token = `${b64({ alg: "none", typ: "JWT" })}.${b64(world.claims())}.`;
    expect(await refusal(token)).toEqual({ status: 401, code: "token_algorithm" });
  });

  it("refuses HS256 (token_algorithm)", async () => {
    const { createHmac } = await import("node:crypto");
    const unsigned = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ ...world.claims(), iss: world.github.oidcIssuer, aud: "task-assistant" })}`;
    const signature = createHmac("sha256", "secret").update(unsigned).digest("base64url");
    expect(await refusal(`${unsigned}.${signature}`)).toEqual({ status: 401, code: "token_algorithm" });
  });

  it("refuses a token signed by a key that is not in the JWKS (token_unknown_key)", async () => {
    const token = await forgeToken(
      {
        ...world.claims(),
        iss: world.github.oidcIssuer,
        aud: "task-assistant",
        iat: Math.floor(Date.now() / 1000),
        exp: Math.floor(Date.now() / 1000) + 300,
      },
      { kid: "forged" },
    );
    expect(await refusal(token)).toEqual({ status: 401, code: "token_unknown_key" });
  });

  it("refuses a token whose payload was altered after signing (token_signature)", async () => {
    const [header, , signature] = (await world.mint(world.claims())).split(".");
    const altered = `${header}.${b64({ ...world.claims({ repository: "acme/stray" }), iss: world.github.oidcIssuer, aud: "task-assistant", iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 300 })}.${signature}`;
    expect(await refusal(altered)).toEqual({ status: 401, code: "token_signature" });
  });

  it("refuses another issuer (token_issuer)", async () => {
    expect(
      await refusal(await world.mint(world.claims({ iss: "https://token.actions.example.com" }))),
    ).toEqual({ status: 401, code: "token_issuer" });
  });

  it("refuses another audience (token_audience)", async () => {
    expect(await refusal(await world.mint(world.claims(), { audience: "https://github.com/acme" }))).toEqual({
      status: 401,
      code: "token_audience",
    });
  });

  it("refuses an expired token beyond 60 s of skew (token_expired)", async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(
      await refusal(await world.mint(world.claims({ iat: now - 400, nbf: now - 400, exp: now - 61 }))),
    ).toEqual({ status: 401, code: "token_expired" });
  });

  it("accepts a token expired within the 60 s skew", async () => {
    const now = Math.floor(Date.now() / 1000);
    const answer = await world.exchange(
      await world.mint(world.claims({ iat: now - 300, nbf: now - 300, exp: now - 30 })),
      ENFORCE_REQUEST,
    );
    expect(answer.status).toBe(201);
  });

  it("refuses a token not valid yet (token_not_yet_valid)", async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(
      await refusal(await world.mint(world.claims({ iat: now, nbf: now + 120, exp: now + 400 }))),
    ).toEqual({ status: 401, code: "token_not_yet_valid" });
  });

  it("refuses a token issued in the future (token_issued_in_future)", async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(
      await refusal(await world.mint(world.claims({ iat: now + 120, nbf: now, exp: now + 400 }))),
    ).toEqual({ status: 401, code: "token_issued_in_future" });
  });

  it("refuses a replayed jti (token_replayed)", async () => {
    const token = await world.mint(world.claims());
    expect((await world.exchange(token, ENFORCE_REQUEST)).status).toBe(201);
    expect(await refusal(token)).toEqual({ status: 401, code: "token_replayed" });
  });

  it("refuses a workflow that is not an engine of the app repository (workflow_not_engine)", async () => {
    for (const ref of [
      `forker/task-assistant/.github/workflows/engine-enforce.yml@refs/tags/v1.0.0`,
      `${APP_REPOSITORY}/.github/workflows/release.yml@refs/tags/v1.0.0`,
      `${APP_REPOSITORY}/.github/workflows/engine-evil.yml@refs/tags/v1.0.0`,
    ])
      expect(await refusal(await world.mint(world.claims({ job_workflow_ref: ref })))).toEqual({
        status: 403,
        code: "workflow_not_engine",
      });
  });

  it("refuses a branch ref (workflow_ref_not_release)", async () => {
    const token = await world.mint(
      world.claims({
        job_workflow_ref: `${APP_REPOSITORY}/.github/workflows/engine-enforce.yml@refs/heads/main`,
      }),
    );
    expect(await refusal(token)).toEqual({ status: 403, code: "workflow_ref_not_release" });
  });

  const byTag = (tag: string) => `${APP_REPOSITORY}/.github/workflows/engine-enforce.yml@refs/tags/${tag}`;
  const bySha = (sha: string) => `${APP_REPOSITORY}/.github/workflows/engine-enforce.yml@${sha}`;

  it("refuses an unreleased commit of the app repository, by tag or by SHA (workflow_sha_not_release)", async () => {
    for (const claims of [
      world.claims({ job_workflow_sha: world.unreleased }),
      world.claims({ job_workflow_ref: bySha(world.unreleased), job_workflow_sha: world.unreleased }),
    ])
      expect(await refusal(await world.mint(claims))).toEqual({
        status: 403,
        code: "workflow_sha_not_release",
      });
  });

  it("refuses a commit that exists only in a fork (workflow_sha_not_release)", async () => {
    const fork = (
      await world.github
        .client()
        .rest.repos.getBranch({ owner: "forker", repo: "task-assistant", branch: "main" })
    ).data.commit.sha;
    for (const claims of [
      world.claims({ job_workflow_sha: fork }),
      world.claims({ job_workflow_ref: bySha(fork), job_workflow_sha: fork }),
    ])
      expect(await refusal(await world.mint(claims))).toEqual({
        status: 403,
        code: "workflow_sha_not_release",
      });
  });

  it("refuses a release tag that does not exist (workflow_sha_not_release)", async () => {
    expect(await refusal(await world.mint(world.claims({ job_workflow_ref: byTag("v9.9.9") })))).toEqual({
      status: 403,
      code: "workflow_sha_not_release",
    });
  });

  it("checks the SHA, not the tag name: once a tag is moved, jobs at its old commit are refused", async () => {
    const [owner, repo] = APP_REPOSITORY.split("/");
    const admin = world.github.client();
    await admin.rest.git.createRef({ owner, repo, ref: "refs/tags/v2.0.0", sha: world.released });
    // A broker that rereads the tags on every exchange, so the move is seen at once.
    const fresh = await startBroker({ ...brokerOptionsFor(world), releasesTtlMs: 0, log: () => {} });
    try {
      const at = (sha: string) => world.claims({ job_workflow_ref: byTag("v2.0.0"), job_workflow_sha: sha });
      const before = await exchangeAt(fresh.url, await world.mint(at(world.released)), ENFORCE_REQUEST);
      expect(before.status).toBe(201);
      await admin.rest.git.updateRef({ owner, repo, ref: "tags/v2.0.0", sha: world.unreleased, force: true });
      const moved = await exchangeAt(fresh.url, await world.mint(at(world.released)), ENFORCE_REQUEST);
      expect({ status: moved.status, code: moved.body.code }).toEqual({
        status: 403,
        code: "workflow_sha_not_release",
      });
      expect(moved.body.message).toContain(world.unreleased);
    } finally {
      await fresh.stop();
    }
  });

  it("trusts a new release tag within the cool-down, without waiting for the tag cache to expire", async () => {
    const [owner, repo] = APP_REPOSITORY.split("/");
    const fresh = await startBroker({ ...brokerOptionsFor(world), releasesCooldownMs: 0, log: () => {} });
    try {
      const at = (tag: string) => world.claims({ job_workflow_ref: byTag(tag) });
      expect((await exchangeAt(fresh.url, await world.mint(at("v1.0.0")), ENFORCE_REQUEST)).status).toBe(201);
      await world.github
        .client()
        .rest.git.createRef({ owner, repo, ref: "refs/tags/v1.0.1", sha: world.released });
      expect((await exchangeAt(fresh.url, await world.mint(at("v1.0.1")), ENFORCE_REQUEST)).status).toBe(201);
    } finally {
      await fresh.stop();
    }
  });

  it("accepts the release commit named by SHA", async () => {
    const claims = world.claims({
      job_workflow_ref: `${APP_REPOSITORY}/.github/workflows/engine-enforce.yml@${world.released}`,
    });
    expect((await world.exchange(await world.mint(claims), ENFORCE_REQUEST)).status).toBe(201);
  });

  it("parses the immutable sub format and refuses ids that disagree with it (subject_mismatch)", async () => {
    const good = world.claims();
    const immutable = `repo:acme@${good.repository_owner_id as string}/widgets@${good.repository_id as string}:ref:refs/heads/main`;
    expect(
      (await world.exchange(await world.mint({ ...good, sub: immutable }), ENFORCE_REQUEST)).status,
    ).toBe(201);
    const wrongIds = `repo:acme@${good.repository_owner_id as string}/widgets@1:ref:refs/heads/main`;
    expect(await refusal(await world.mint(world.claims({ sub: wrongIds })))).toEqual({
      status: 403,
      code: "subject_mismatch",
    });
    expect(
      await refusal(await world.mint(world.claims({ sub: "repo:acme/stray:ref:refs/heads/main" }))),
    ).toEqual({ status: 403, code: "subject_mismatch" });
    expect(await refusal(await world.mint(world.claims({ sub: "custom-template" })))).toEqual({
      status: 403,
      code: "subject_mismatch",
    });
  });

  it("refuses ids that are not the repository's current ids (repository_identity)", async () => {
    const stray = (await world.github.client().rest.repos.get({ owner: "acme", repo: "stray" })).data;
    expect(await refusal(await world.mint(world.claims({ repository_id: String(stray.id) })))).toEqual({
      status: 403,
      code: "repository_identity",
    });
    expect(await refusal(await world.mint(world.claims({ repository_owner_id: "424242" })))).toEqual({
      status: 403,
      code: "repository_identity",
    });
  });

  it("refuses an event that is not on the allowlist (event_not_allowed)", async () => {
    expect(await refusal(await world.mint(world.claims({ event_name: "pull_request_target" })))).toEqual({
      status: 403,
      code: "event_not_allowed",
    });
  });

  it("refuses a self-hosted runner, or a token that does not say, unless configured (runner_self_hosted)", async () => {
    const { runner_environment: _, ...unsaid } = world.claims();
    for (const claims of [world.claims({ runner_environment: "self-hosted" }), unsaid])
      expect(await refusal(await world.mint(claims))).toEqual({ status: 403, code: "runner_self_hosted" });
    const allowing = await startBroker({ ...brokerOptionsFor(world), allowSelfHosted: true, log: () => {} });
    try {
      const token = await world.mint(world.claims({ runner_environment: "self-hosted" }));
      expect((await exchangeAt(allowing.url, token, ENFORCE_REQUEST)).status).toBe(201);
    } finally {
      await allowing.stop();
    }
  });

  it("takes the event allowlist from its configuration (event_not_allowed)", async () => {
    const scheduled = await startBroker({
      ...brokerOptionsFor(world),
      allowedEvents: ["schedule"],
      log: () => {},
    });
    try {
      const at = async (event: string) =>
        (
          await exchangeAt(
            scheduled.url,
            await world.mint(world.claims({ event_name: event })),
            ENFORCE_REQUEST,
          )
        ).body.code;
      expect(await at("issues")).toBe("event_not_allowed");
      expect(await at("schedule")).toBeUndefined();
    } finally {
      await scheduled.stop();
    }
  });

  it("refuses a recycled name: the ids of a deleted repository do not carry over to a new one of the same name (repository_identity)", async () => {
    const admin = world.github.client();
    const old = await world.jobClaims("acme/gizmo");
    const request = { owner: "acme", repositories: ["gizmo"], permissions: { issues: "write" } };
    await admin.rest.repos.delete({ owner: "acme", repo: "gizmo" });
    await admin.rest.repos.createInOrg({ org: "acme", name: "gizmo", private: true });
    expect(await refusal(await world.mint(old), request)).toEqual({
      status: 403,
      code: "repository_identity",
    });
    const current = await world.jobClaims("acme/gizmo");
    expect((await world.exchange(await world.mint(current), request)).status).toBe(201);
  });

  it("refuses a token without the claims a job token has (token_claims)", async () => {
    const { repository_id: _, ...claims } = world.claims();
    expect(await refusal(await world.mint(claims))).toEqual({ status: 401, code: "token_claims" });
  });

  it("lets the request only narrow: wider permissions, other repositories, other owners and the infra repository are refused", async () => {
    const mint = () => world.mint(world.claims());
    expect(await refusal(await mint(), { ...ENFORCE_REQUEST, permissions: { contents: "write" } })).toEqual({
      status: 403,
      code: "permission_not_granted",
    });
    expect(
      await refusal(await mint(), { ...ENFORCE_REQUEST, permissions: { administration: "write" } }),
    ).toEqual({ status: 403, code: "permission_not_granted" });
    expect(
      await refusal(await mint(), {
        owner: "acme",
        repositories: ["widgets", "telemetry"],
        permissions: { issues: "write" },
      }),
    ).toEqual({ status: 403, code: "permission_not_granted" });
    expect(await refusal(await mint(), { owner: "acme", repositories: ["stray"], permissions: {} })).toEqual({
      status: 403,
      code: "repository_not_granted",
    });
    expect(
      await refusal(await mint(), {
        owner: "globex",
        repositories: ["telemetry"],
        permissions: { contents: "write" },
      }),
    ).toEqual({ status: 403, code: "owner_mismatch" });
    const [infraOwner, infraName] = INFRA_REPOSITORY.split("/");
    const infraJob = world.claims({
      repository: INFRA_REPOSITORY,
      repository_owner: infraOwner,
      sub: `repo:${INFRA_REPOSITORY}:ref:refs/heads/main`,
    });
    expect(
      await refusal(await world.mint(infraJob), {
        owner: infraOwner,
        repositories: [infraName],
        permissions: { contents: "read" },
      }),
    ).toEqual({ status: 403, code: "infra_repository" });
  });

  it("gives the record writer contents: write on its org's telemetry repository alone", async () => {
    const answer = await world.exchange(await world.mint(world.claims()), {
      owner: "acme",
      repositories: ["telemetry"],
      permissions: { contents: "write" },
    });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      repositories: ["telemetry"],
      permissions: { contents: "write", metadata: "read" },
    });
  });

  it("gives a DISABLED repository's preflight only the record, and its other engines nothing (registry_refused)", async () => {
    const paused = (await world.github.client().rest.repos.get({ owner: "acme", repo: "paused" })).data;
    const pausedClaims = (engine: string) =>
      world.claims({
        repository: "acme/paused",
        repository_id: String(paused.id),
        sub: "repo:acme/paused:ref:refs/heads/main",
        job_workflow_ref: `${APP_REPOSITORY}/.github/workflows/engine-${engine}.yml@refs/tags/v1.0.0`,
      });
    expect(
      await refusal(await world.mint(pausedClaims("enforce")), {
        owner: "acme",
        repositories: ["paused"],
        permissions: { issues: "write" },
      }),
    ).toEqual({ status: 403, code: "registry_refused" });
    expect(
      await refusal(await world.mint(pausedClaims("preflight")), {
        owner: "acme",
        repositories: ["paused"],
        permissions: { contents: "read" },
      }),
    ).toEqual({ status: 403, code: "permission_not_granted" });
    const record = await world.exchange(await world.mint(pausedClaims("preflight")), {
      owner: "acme",
      repositories: ["telemetry"],
      permissions: { contents: "write" },
    });
    expect(record.status).toBe(201);
  });

  it("answers the registry to preflight about its own repository only (not_preflight, repository_not_granted)", async () => {
    const preflight = () =>
      world.mint(
        world.claims({
          job_workflow_ref: `${APP_REPOSITORY}/.github/workflows/engine-preflight.yml@refs/tags/v1.0.0`,
        }),
      );
    const answer = await world.exchange(
      await preflight(),
      { repository: "acme/widgets" },
      "/v1/registry-resolution",
    );
    expect(answer).toMatchObject({
      status: 200,
      body: { outcome: "ELIGIBLE", telemetry_repo: "acme/telemetry" },
    });
    expect(
      await refusal(await preflight(), { repository: "globex/sprockets" }, "/v1/registry-resolution"),
    ).toEqual({ status: 403, code: "repository_not_granted" });
    expect(
      await refusal(
        await world.mint(world.claims()),
        { repository: "acme/widgets" },
        "/v1/registry-resolution",
      ),
    ).toEqual({ status: 403, code: "not_preflight" });
  });
});
