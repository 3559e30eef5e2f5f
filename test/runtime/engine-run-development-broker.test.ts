import { describe, expect, it } from "vitest";
import { runCli } from "./support/run-cli.js";

/**
 * A host that edits its dispatcher to pass `runtime_mode: development` to the engine workflows: the
 * engine job, which would get its tokens from the broker, refuses before any request. The addresses
 * are closed ports, so any request would end in exit 3, not the refusal's exit 2.
 */
describe("engine run with development mode through the token broker", () => {
  const env = {
    GITHUB_API_URL: "http://127.0.0.1:9",
    TA_TOKEN_BROKER_URL: "http://127.0.0.1:9",
    ACTIONS_ID_TOKEN_REQUEST_URL: "http://127.0.0.1:9/oidc?api-version=2.0",
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: "request-token",
    GITHUB_ACTIONS: "true",
  };
  const common = ["--target-repo", "acme/widgets", "--correlation-id", "7001-1", "--engine-ref", "main"];

  it.each([
    ["enforce", ["--telemetry-repo", "acme/telemetry", "--issue", "1"]],
    ["preflight", ["--mode", "enforce", "--infra-repo", "ops/infra"]],
  ])("%s exits 2 naming the mode, without a request", async (engine, extra) => {
    const result = await runCli(
      ["engine", "run", engine, ...common, ...extra, "--runtime-mode", "development"],
      {
        env,
      },
    );
    expect(result.stderr).toContain("--runtime-mode development is refused");
    expect(result.code).toBe(2);
  });

  it("marketplace mode with a branch ref is refused by the ref policy (exit 2), also before any request", async () => {
    const result = await runCli(
      ["engine", "run", "enforce", ...common, "--telemetry-repo", "acme/telemetry", "--issue", "1"],
      { env },
    );
    expect(result.code).toBe(2);
  });
});

describe("engine run in a pull request from a fork (no OIDC token)", () => {
  it("exits 0 with a plain notice and ok=false, without a request", async () => {
    const result = await runCli(
      [
        "engine",
        "run",
        "preflight",
        "--target-repo",
        "acme/widgets",
        "--correlation-id",
        "7001-1",
        "--engine-ref",
        "v1.0.0",
        "--mode",
        "validate",
        "--infra-repo",
        "ops/infra",
      ],
      {
        env: {
          GITHUB_API_URL: "http://127.0.0.1:9",
          TA_TOKEN_BROKER_URL: "http://127.0.0.1:9",
          GITHUB_ACTIONS: "true",
          GITHUB_EVENT_NAME: "pull_request",
        },
      },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("This pull request comes from a fork");
    expect(result.stderr).toBe("");
  });
});
