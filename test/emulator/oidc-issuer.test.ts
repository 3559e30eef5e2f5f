import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeProtectedHeader,
  jwtVerify,
  type JSONWebKeySet,
} from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";

const jobClaims = {
  repository: "acme/widgets",
  repository_owner: "acme",
  job_workflow_ref:
    "automated-assistant-systems/task-assistant/.github/workflows/engine-enforce.yml@refs/tags/v1.2.3",
};

async function getJson(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("the local GitHub as a GitHub Actions OIDC issuer", () => {
  let github: TestGitHub;
  let issuer: string;

  beforeAll(async () => {
    github = await startTestGitHub({ users: [{ login: "octo" }] });
    issuer = `${github.url}/_emulator/oidc`;
  });
  afterAll(async () => {
    await github.stop();
  });

  it("publishes a discovery document and a JWKS at an issuer URL of its own, without the admin token", async () => {
    expect(github.oidcIssuer).toBe(issuer);
    const discovery = await getJson(`${issuer}/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    expect(discovery.body).toMatchObject({
      issuer,
      jwks_uri: `${issuer}/.well-known/jwks`,
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["id_token"],
    });
    const jwks = await getJson(`${issuer}/.well-known/jwks`);
    expect(jwks.status).toBe(200);
    const [key] = (jwks.body as unknown as JSONWebKeySet).keys;
    expect(key).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig", e: "AQAB" });
    expect(Buffer.from(key.n as string, "base64url").length).toBe(256);
    expect(key).not.toHaveProperty("d");
  });

  it("mints an ID token for a simulated job that verifies against its JWKS, filling iss, iat, nbf, exp and jti", async () => {
    const { value } = await github.admin<{ value: string }>("POST", "/_emulator/actions/id-token", {
      claims: jobClaims,
      audience: "task-assistant",
      ttl_seconds: 120,
    });
    const { payload, protectedHeader } = await jwtVerify(
      value,
      createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks`)),
      { issuer, audience: "task-assistant", algorithms: ["RS256"] },
    );
    expect(protectedHeader).toMatchObject({ alg: "RS256", typ: "JWT" });
    expect(payload).toMatchObject({ ...jobClaims, iss: issuer, aud: "task-assistant" });
    expect(payload.exp! - payload.iat!).toBe(120);
    expect(payload.nbf).toBe(payload.iat);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("keeps the standard claims a caller gives", async () => {
    const { value } = await github.admin<{ value: string }>("POST", "/_emulator/actions/id-token", {
      claims: { ...jobClaims, jti: "fixed-jti", iat: 1_700_000_000, exp: 1_700_000_300, aud: "someone" },
    });
    const jwks = createLocalJWKSet(
      await github.admin<JSONWebKeySet>("GET", "/_emulator/oidc/.well-known/jwks"),
    );
    const { payload } = await jwtVerify(value, jwks, { currentDate: new Date(1_700_000_100_000) });
    expect(payload).toMatchObject({
      jti: "fixed-jti",
      iat: 1_700_000_000,
      exp: 1_700_000_300,
      aud: "someone",
    });
  });

  it("defaults the audience to the repository owner's URL, as GitHub does", async () => {
    const { value } = await github.admin<{ value: string }>("POST", "/_emulator/actions/id-token", {
      claims: jobClaims,
    });
    const payload = JSON.parse(Buffer.from(value.split(".")[1], "base64url").toString("utf8")) as object;
    expect(payload).toMatchObject({ aud: "https://github.com/acme" });
  });

  it("refuses to mint without the admin token, and refuses a malformed request naming the field", async () => {
    const anonymous = await fetch(`${github.url}/_emulator/actions/id-token`, {
      method: "POST",
      body: JSON.stringify({ claims: jobClaims }),
    });
    expect(anonymous.status).toBe(401);
    await expect(github.admin("POST", "/_emulator/actions/id-token", { claims: "nope" })).rejects.toThrow(
      /422.*claims.* must be an object/,
    );
    await expect(
      github.admin("POST", "/_emulator/actions/id-token", { claims: {}, ttl_seconds: 0 }),
    ).rejects.toThrow(/422.*ttl_seconds/);
    await expect(github.admin("POST", "/_emulator/actions/id-token", [])).rejects.toThrow(/422/);
  });

  it("serves ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN: a GET with the audience answers { value } with the job's claims", async () => {
    const { url, token } = await github.admin<{ url: string; token: string }>(
      "POST",
      "/_emulator/actions/id-token-request",
      { claims: jobClaims },
    );
    expect(new URL(url).search).toBe("?api-version=2.0");
    // As the runtime's client (broker-token-provider.ts) asks: audience added to the URL's query.
    const request = new URL(url);
    request.searchParams.set("audience", "task-assistant");
    const answer = await getJson(request.toString(), {
      authorization: `Bearer ${token}`,
      accept: "application/json",
    });
    expect(answer.status).toBe(200);
    const { payload } = await jwtVerify(
      answer.body.value as string,
      createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks`)),
      { issuer, audience: "task-assistant" },
    );
    expect(payload).toMatchObject(jobClaims);

    const appended = await getJson(`${url}&audience=other`, { authorization: `Bearer ${token}` });
    expect(appended.status).toBe(200);
    const other = JSON.parse(
      Buffer.from((appended.body.value as string).split(".")[1], "base64url").toString("utf8"),
    ) as Record<string, unknown>;
    expect(other.aud).toBe("other");
    expect(other.jti).not.toBe(payload.jti);
  });

  it("answers 401 to a token request with an unknown or missing request token, 405 to a POST", async () => {
    const { url } = await github.admin<{ url: string }>("POST", "/_emulator/actions/id-token-request", {
      claims: jobClaims,
    });
    expect((await getJson(`${url}&audience=x`, { authorization: "Bearer ghr_forged" })).status).toBe(401);
    expect((await getJson(`${url}&audience=x`)).status).toBe(401);
    expect((await fetch(url, { method: "POST" })).status).toBe(405);
  });

  it("rotates its signing key through the admin API, keeping the previous key published", async () => {
    const jwksUrl = `${issuer}/.well-known/jwks`;
    const before = await github.admin<{ value: string }>("POST", "/_emulator/actions/id-token", {
      claims: jobClaims,
    });
    const oldKid = decodeProtectedHeader(before.value).kid;
    const rotated = await github.admin<{ kid: string; published: string[] }>(
      "POST",
      "/_emulator/oidc/rotate",
    );
    expect(rotated.kid).not.toBe(oldKid);
    expect(rotated.published).toEqual([rotated.kid, oldKid]);
    const after = await github.admin<{ value: string }>("POST", "/_emulator/actions/id-token", {
      claims: jobClaims,
    });
    expect(decodeProtectedHeader(after.value).kid).toBe(rotated.kid);
    const keys = createLocalJWKSet((await getJson(jwksUrl)).body as unknown as JSONWebKeySet);
    await expect(jwtVerify(before.value, keys, { issuer })).resolves.toBeDefined();
    await expect(jwtVerify(after.value, keys, { issuer })).resolves.toBeDefined();

    await github.admin("POST", "/_emulator/oidc/rotate");
    const twice = createLocalJWKSet((await getJson(jwksUrl)).body as unknown as JSONWebKeySet);
    await expect(jwtVerify(after.value, twice, { issuer })).resolves.toBeDefined();
    await expect(jwtVerify(before.value, twice, { issuer })).rejects.toThrow(/no applicable key/i);
  });
});

describe("the OIDC signing key survives a restart", () => {
  let stateDir: string;

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), "local-github-oidc-"));
  });
  afterAll(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });

  it("verifies a token minted before the restart against the JWKS served after it", async () => {
    let github = await startTestGitHub({ users: [{ login: "octo" }] }, { stateDir });
    const { value } = await github.admin<{ value: string }>("POST", "/_emulator/actions/id-token", {
      claims: jobClaims,
    });
    await github.stop();
    github = await startTestGitHub(undefined, { stateDir });
    try {
      const jwks = createLocalJWKSet(
        await github.admin<JSONWebKeySet>("GET", "/_emulator/oidc/.well-known/jwks"),
      );
      await expect(jwtVerify(value, jwks)).resolves.toBeDefined();
    } finally {
      await github.stop();
    }
  });
});
