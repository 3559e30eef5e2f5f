import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UsageError } from "../errors.js";
import { readTokenSource } from "./token-source.js";

describe("readTokenSource", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "token-source-"));
    await writeFile(
      join(dir, "app.pem"),
      "-----BEGIN RSA PRIVATE KEY-----\nfile\n-----END RSA PRIVATE KEY-----\n",
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const broker = {
    TA_TOKEN_BROKER_URL: "https://broker.example/",
    ACTIONS_ID_TOKEN_REQUEST_URL: "https://actions.example/token?x=1",
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: "req",
  };

  it("takes the release's broker in a job that can request an OIDC token, when no URL is set", async () => {
    const { TA_TOKEN_BROKER_URL: _url, ...job } = broker;
    const source = await readTokenSource(job, { releaseBrokerUrl: "https://broker.release.example" });
    expect(source).toEqual({
      kind: "broker",
      url: "https://broker.release.example",
      oidc: { requestUrl: "https://actions.example/token?x=1", requestToken: "req" },
    });
  });

  it("ignores the release's broker outside such a job, and prefers TA_TOKEN_BROKER_URL (local runs)", async () => {
    const release = { releaseBrokerUrl: "https://broker.release.example" };
    expect(await readTokenSource({ GITHUB_TOKEN: "ghp_x" }, release)).toMatchObject({ kind: "token" });
    expect(await readTokenSource(broker, release)).toMatchObject({ url: "https://broker.example" });
  });

  it("says the release names no broker when a job could exchange its OIDC token but has nowhere to", async () => {
    const { TA_TOKEN_BROKER_URL: _url, ...job } = broker;
    await expect(readTokenSource(job, { releaseBrokerUrl: "" })).rejects.toThrow(
      "this release names no token broker",
    );
  });

  it("prefers App credentials, reading the key from its file", async () => {
    const source = await readTokenSource({
      TA_APP_ID: "42",
      TA_APP_PRIVATE_KEY_FILE: join(dir, "app.pem"),
      GITHUB_TOKEN: "ghp_x",
      ...broker,
    });
    expect(source).toMatchObject({ kind: "app", appId: "42" });
    expect(source.kind === "app" && source.privateKey).toContain("file");
  });

  it("restores newlines of an inline key flattened to \\n by a secret store", async () => {
    const source = await readTokenSource({
      TA_APP_ID: "42",
      TA_APP_PRIVATE_KEY: "-----BEGIN-----\\nabc\\n-----END-----",
    });
    expect(source).toEqual({ kind: "app", appId: "42", privateKey: "-----BEGIN-----\nabc\n-----END-----" });
  });

  it("uses the token broker on GitHub Actions when no key is present", async () => {
    expect(await readTokenSource({ ...broker, GITHUB_TOKEN: "ghp_x" })).toEqual({
      kind: "broker",
      url: "https://broker.example",
      oidc: { requestUrl: "https://actions.example/token?x=1", requestToken: "req" },
    });
  });

  it("falls back to GITHUB_TOKEN, then GH_TOKEN, then the local GitHub's admin token", async () => {
    expect(await readTokenSource({ GITHUB_TOKEN: " ghp_a ", GH_TOKEN: "ghp_b" })).toEqual({
      kind: "token",
      token: "ghp_a",
      variable: "GITHUB_TOKEN",
    });
    expect(await readTokenSource({ GH_TOKEN: "ghp_b" })).toEqual({
      kind: "token",
      token: "ghp_b",
      variable: "GH_TOKEN",
    });
    expect(await readTokenSource({}, { localAdminToken: "admin" })).toEqual({
      kind: "local-admin",
      token: "admin",
    });
  });

  it.each([
    [{ TA_APP_ID: "42" }, "TA_APP_ID is set but no private key is"],
    [{ TA_APP_PRIVATE_KEY: "k" }, "an App private key is set but TA_APP_ID is not"],
    [
      { TA_TOKEN_BROKER_URL: "https://b" },
      "TA_TOKEN_BROKER_URL is set but this job cannot request an OIDC token",
    ],
    [{}, "no GitHub credentials are configured"],
  ])("refuses half-configured or missing credentials: %j", async (env, message) => {
    const attempt = readTokenSource(env);
    await expect(attempt).rejects.toBeInstanceOf(UsageError);
    await expect(attempt).rejects.toThrow(message);
  });

  it("names the key file it cannot read", async () => {
    await expect(
      readTokenSource({ TA_APP_ID: "1", TA_APP_PRIVATE_KEY_FILE: join(dir, "missing.pem") }),
    ).rejects.toThrow(/cannot read TA_APP_PRIVATE_KEY_FILE .*missing\.pem/);
  });
});
