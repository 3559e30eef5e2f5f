import { createServer, type AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";
import { anInfraRepo, infraFiles, runCli } from "./support/infra-cli.js";
import { tempDirs } from "./support/temp-dir.js";

/** `infra register --check-exists` asks GitHub, as the App, before it writes anything. */

let github: TestGitHub;
let appEnv: Record<string, string>;
const dirs = tempDirs();

beforeAll(async () => {
  github = await startTestGitHub({
    users: [{ login: "olivia" }],
    orgs: [{ login: "acme" }, { login: "globex" }, { login: "initech" }],
    repos: [
      { name: "acme/widgets" },
      { name: "acme/task-assistant-telemetry" },
      { name: "acme/secret-plans" },
      { name: "globex/portal" },
      { name: "initech/tps" },
    ],
    apps: [
      {
        slug: "task-assistant",
        owner: "olivia",
        permissions: { issues: "write", contents: "write", metadata: "read" },
      },
    ],
    installations: [
      {
        app: "task-assistant",
        account: "acme",
        repository_selection: "selected",
        repositories: ["widgets", "task-assistant-telemetry"],
      },
      { app: "task-assistant", account: "globex", repository_selection: "all" },
    ],
  });
  const app = github.seeded!.apps.find((candidate) => candidate.slug === "task-assistant")!;
  appEnv = { GITHUB_API_URL: github.url, TA_APP_ID: String(app.id), TA_APP_PRIVATE_KEY: app.private_key };
});
afterAll(async () => {
  await github?.stop();
});

let root: string;
beforeEach(async () => {
  root = await anInfraRepo(() => dirs.make());
  expect((await runCli(root, ["infra", "branch", "onboard"])).code).toBe(0);
});
afterEach(() => dirs.cleanup());

const register = (owner: string, repo: string, env: Record<string, string | undefined> = appEnv) =>
  runCli(
    root,
    [
      "infra",
      "register",
      "--owner",
      owner,
      "--repo",
      repo,
      "--context",
      "production",
      "--telemetry-repo",
      "task-assistant-telemetry",
      "--reason",
      "onboarding",
      "--check-exists",
    ],
    env,
  );

describe("infra register --check-exists", () => {
  it("registers a repository the App can see, and says what it checked", async () => {
    const result = await register("acme", "widgets");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/checked: acme\/widgets exists and the App sees it \(installation \d+\)\n/);
    expect(result.stdout).toMatch(/checked: acme\/task-assistant-telemetry exists and the App sees it/);
    expect((await infraFiles(root)).registry.orgs.acme?.repos.widgets).toMatchObject({
      context: "production",
    });
  });

  it("refuses a misspelt repository (exit 2) with the nearest one the App sees, writing nothing", async () => {
    const before = await infraFiles(root);
    const result = await register("acme", "widgts");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "acme/widgts does not exist, or the App's installation on acme does not include it",
    );
    expect(result.stderr).toContain("did you mean acme/widgets?");
    expect(await infraFiles(root)).toEqual(before);
  });

  it("refuses a repository outside the App's installation, and an owner the App is not installed on", async () => {
    const outside = await register("acme", "secret-plans");
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain("add secret-plans to the App's installation on acme");
    const notInstalled = await register("initech", "tps");
    expect(notInstalled.code).toBe(2);
    expect(notInstalled.stderr).toContain("the App is not installed on initech");
  });

  it("checks the telemetry repository too", async () => {
    const result = await register("globex", "portal");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("globex/task-assistant-telemetry does not exist");
    expect((await infraFiles(root)).registry.orgs).toEqual({});
  });

  it("needs the App's credentials, and names an unreachable GitHub as an external failure (exit 3)", async () => {
    const noApp = await register("acme", "widgets", { GITHUB_API_URL: github.url, GH_TOKEN: "x" });
    expect(noApp.code).toBe(2);
    expect(noApp.stderr).toContain("--check-exists needs the App's credentials");

    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const down = await register("acme", "widgets", { ...appEnv, GITHUB_API_URL: `http://127.0.0.1:${port}` });
    expect(down.code).toBe(3);
    expect(down.stderr).toContain("connection refused");
    expect((await infraFiles(root)).registry.orgs).toEqual({});
  });

  it("without the flag, makes no network call (the registry is local until the pull request)", async () => {
    const result = await runCli(
      root,
      [
        "infra",
        "register",
        "--owner",
        "acme",
        "--repo",
        "nowhere",
        "--context",
        "sandbox",
        "--telemetry-repo",
        "t",
        "--reason",
        "r",
      ],
      { GITHUB_API_URL: "http://127.0.0.1:1" },
    );
    expect(result.code).toBe(0);
  });
});
