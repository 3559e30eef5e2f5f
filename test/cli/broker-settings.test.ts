import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_ALLOWED_EVENTS,
  GITHUB_ACTIONS_ISSUER,
  resolveBrokerSettings,
  type BrokerFlags,
} from "../../src/cli/broker/broker-settings.js";
import { commands } from "../../src/cli/commands/broker.js";
import { UsageError } from "../../src/errors.js";
import { APP_REPOSITORY } from "../../src/runtime/app-repository.js";

const PEM = generateKeyPairSync("rsa", { modulusLength: 2048 })
  .privateKey.export({ type: "pkcs1", format: "pem" })
  .toString();
const files: Record<string, string> = { "/secrets/app.pem": PEM, "/secrets/notes.txt": "SECRET-NOT-A-KEY\n" };
const readKeyFile = (path: string) =>
  path in files ? Promise.resolve(files[path]) : Promise.reject(new Error("ENOENT: no such file"));
const ENV = { TA_APP_ID: "4242", TA_APP_PRIVATE_KEY_FILE: "/secrets/app.pem", TA_INFRA_REPO: "ops/infra" };

const settings = (flags: BrokerFlags = {}, env: Record<string, string | undefined> = ENV) =>
  resolveBrokerSettings(flags, env, readKeyFile);

async function refusal(flags: BrokerFlags, env: Record<string, string | undefined>): Promise<string> {
  const error = await settings(flags, env).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(UsageError);
  expect((error as UsageError).exitCode).toBe(2);
  return (error as UsageError).message;
}

describe("broker serve settings", () => {
  it("defaults to GitHub's issuer and API, the project's app repository and the dispatcher's events", async () => {
    expect(await settings()).toMatchObject({
      port: 8080,
      host: "127.0.0.1",
      appId: "4242",
      privateKey: PEM,
      issuer: GITHUB_ACTIONS_ISSUER,
      audience: "task-assistant",
      appRepository: APP_REPOSITORY,
      infraRepository: "ops/infra",
      apiUrl: "https://api.github.com",
      allowedEvents: DEFAULT_ALLOWED_EVENTS,
      allowSelfHosted: false,
      replayDir: undefined,
    });
  });

  it("takes every setting from the environment, and flags over the environment", async () => {
    const env = {
      ...ENV,
      TA_APP_PRIVATE_KEY_FILE: undefined,
      TA_APP_PRIVATE_KEY: PEM,
      TA_BROKER_PORT: "9000",
      TA_BROKER_HOST: "0.0.0.0",
      TA_BROKER_ISSUER: "http://127.0.0.1:4010/_emulator/oidc/",
      TA_BROKER_AUDIENCE: "broker-test",
      TA_APP_REPO: "fork/task-assistant",
      GITHUB_API_URL: "http://127.0.0.1:4010",
      TA_BROKER_ALLOWED_EVENTS: "schedule, issues",
      TA_BROKER_ALLOW_SELF_HOSTED: "true",
      TA_BROKER_REPLAY_DIR: "/var/lib/broker/replay",
    };
    expect(await settings({}, env)).toMatchObject({
      port: 9000,
      host: "0.0.0.0",
      keySource: "TA_APP_PRIVATE_KEY",
      issuer: "http://127.0.0.1:4010/_emulator/oidc",
      audience: "broker-test",
      appRepository: "fork/task-assistant",
      apiUrl: "http://127.0.0.1:4010",
      allowedEvents: ["schedule", "issues"],
      allowSelfHosted: true,
      replayDir: "/var/lib/broker/replay",
    });
    expect(
      await settings(
        {
          port: "0",
          "app-id": "7",
          "infra-repo": "ops/registry",
          "allowed-events": "push",
          "replay-dir": "shared/replay",
        },
        env,
      ),
    ).toMatchObject({
      port: 0,
      appId: "7",
      infraRepository: "ops/registry",
      allowedEvents: ["push"],
      replayDir: "shared/replay",
    });
  });

  it.each([
    ["the App id", { ...ENV, TA_APP_ID: undefined }, "--app-id (TA_APP_ID)"],
    ["the private key", { ...ENV, TA_APP_PRIVATE_KEY_FILE: undefined }, "TA_APP_PRIVATE_KEY"],
    ["the infra repository", { ...ENV, TA_INFRA_REPO: undefined }, "--infra-repo (TA_INFRA_REPO)"],
  ])("refuses to start without %s, naming the setting (exit 2)", async (_, env, named) => {
    expect(await refusal({}, env)).toContain(named);
  });

  it.each([
    ["a port that is not a number", { port: "http" }, {}, "--port (TA_BROKER_PORT)"],
    ["an App id that is not numeric", { "app-id": "my-app" }, {}, "--app-id (TA_APP_ID)"],
    [
      "a key file that cannot be read",
      { "private-key-file": "/secrets/missing.pem" },
      {},
      "/secrets/missing.pem",
    ],
    [
      "a key file that is not a PEM key",
      { "private-key-file": "/secrets/notes.txt" },
      {},
      "not an RSA private key",
    ],
    ["two private keys", {}, { TA_APP_PRIVATE_KEY: PEM }, "both TA_APP_PRIVATE_KEY"],
    [
      "an issuer over plain http elsewhere",
      { issuer: "http://issuer.example" },
      {},
      "--issuer (TA_BROKER_ISSUER)",
    ],
    ["an API URL that is not a URL", { "api-url": "api.github.com" }, {}, "--api-url (GITHUB_API_URL)"],
    [
      "an app repository that is not owner/repo",
      { "app-repo": "task-assistant" },
      {},
      "--app-repo (TA_APP_REPO)",
    ],
    [
      "the infra repository as the app repository",
      { "infra-repo": APP_REPOSITORY },
      {},
      "the same repository",
    ],
    ["an event name that is not one", { "allowed-events": "issues,Push!" }, {}, '"Push!"'],
    [
      "a self-hosted switch that is not a boolean",
      {},
      { TA_BROKER_ALLOW_SELF_HOSTED: "maybe" },
      "TA_BROKER_ALLOW_SELF_HOSTED",
    ],
  ])("refuses %s, naming the setting (exit 2)", async (_, flags, env, named) => {
    const message = await refusal(flags, { ...ENV, ...env });
    expect(message).toContain(named);
    expect(message).not.toContain("SECRET-NOT-A-KEY");
    expect(message).not.toContain("PRIVATE KEY-----");
  });

  it("documents every flag and environment variable in --help", () => {
    const usage = commands.serve.usage;
    for (const name of [
      "--port",
      "TA_BROKER_PORT",
      "--host",
      "TA_BROKER_HOST",
      "--app-id",
      "TA_APP_ID",
      "--private-key-file",
      "TA_APP_PRIVATE_KEY_FILE",
      "TA_APP_PRIVATE_KEY",
      "--issuer",
      "TA_BROKER_ISSUER",
      GITHUB_ACTIONS_ISSUER,
      "--audience",
      "TA_BROKER_AUDIENCE",
      "--app-repo",
      "TA_APP_REPO",
      "--infra-repo",
      "TA_INFRA_REPO",
      "--api-url",
      "GITHUB_API_URL",
      "--allowed-events",
      "TA_BROKER_ALLOWED_EVENTS",
      "--allow-self-hosted",
      "TA_BROKER_ALLOW_SELF_HOSTED",
      "--replay-dir",
      "TA_BROKER_REPLAY_DIR",
      "--json",
      "/v1/installation-token",
      "/v1/registry-resolution",
      "/healthz",
      "130",
      "143",
    ])
      expect(usage, name).toContain(name);
  });
});
