import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAppAuth } from "@octokit/auth-app";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalGitHub, type LocalGitHub } from "../../src/emulator/start-local-github.js";
import { clearLocalEndpoint, writeLocalEndpoint } from "../../src/github/endpoint.js";
import { createGitHub } from "../../src/github/octokit.js";
import { runCli } from "../infra/support/infra-cli.js";

const WORLD = `users: [{ login: olivia }]
orgs:
  - { login: acme-ops, members: [{ login: olivia, role: admin }] }
repos:
  - { name: acme-ops/task-assistant-infra }
apps:
  - { slug: task-assistant, owner: acme-ops, permissions: { issues: write, contents: write, metadata: read } }
installations:
  - { app: task-assistant, account: acme-ops, repository_selection: all }
tokens:
  - { token: ghp_olivia_walkthrough, user: olivia }
`;

let dir: string;
let home: string;
let github: LocalGitHub;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ta-github-seed-"));
  home = join(dir, "home");
  github = await startLocalGitHub({ stateDir: join(dir, "state") });
  // As `github start` does: the running server recorded under TASK_ASSISTANT_HOME.
  await writeLocalEndpoint(
    { TASK_ASSISTANT_HOME: home },
    {
      url: github.url,
      gitUrl: github.gitUrl,
      adminToken: github.adminToken,
      pid: process.pid,
      stateDir: join(dir, "state"),
    },
  );
  env = { TASK_ASSISTANT_HOME: home, GITHUB_API_URL: undefined };
  await writeFile(join(dir, "world.yml"), WORLD);
});
afterAll(async () => {
  await clearLocalEndpoint({ TASK_ASSISTANT_HOME: home }, process.pid);
  await github?.stop();
  await rm(dir, { recursive: true, force: true });
});

const seed = (...args: string[]) => runCli(dir, ["github", "seed", ...args], env);

describe("task-assistant github seed", () => {
  it("creates orgs, repositories, the App, its installation and tokens, and writes the App's key", async () => {
    const result = await seed("world.yml", "--json");
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as {
      apps: Array<{ id: number; private_key_file: string }>;
      repos: Array<{ full_name: string }>;
      tokens: Array<{ token: string }>;
    };
    expect(out.repos.map((repo) => repo.full_name)).toEqual(["acme-ops/task-assistant-infra"]);
    const [app] = out.apps;
    expect(app.private_key_file).toBe(join(home, "apps", `task-assistant-${app.id}.pem`));
    expect((await stat(app.private_key_file)).mode & 0o777).toBe(0o600);

    // The key and token work as the README says to use them.
    const asApp = createGitHub({
      baseUrl: github.url,
      authStrategy: createAppAuth,
      auth: { appId: app.id, privateKey: await readFile(app.private_key_file, "utf8") },
    });
    expect((await asApp.rest.apps.getAuthenticated()).data?.slug).toBe("task-assistant");
    const asOlivia = createGitHub({ baseUrl: github.url, auth: "ghp_olivia_walkthrough" });
    expect(
      (await asOlivia.rest.repos.get({ owner: "acme-ops", repo: "task-assistant-infra" })).data.permissions
        ?.admin,
    ).toBe(true);
  });

  it("says which local GitHub it used and what it made; applying it again changes nothing", async () => {
    const result = await seed("world.yml");
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`using the local GitHub at ${github.url}`);
    expect(result.stdout).toContain(`seeded the local GitHub at ${github.url} from world.yml`);
    expect(result.stdout).toContain("  repositories:   acme-ops/task-assistant-infra\n");
    expect(result.stdout).toMatch(/ {2}App: {12}task-assistant: TA_APP_ID=\d+ TA_APP_PRIVATE_KEY_FILE=/);
    expect(result.stdout).toContain("  token:          ghp_olivia_walkthrough (olivia)\n");
    const repos = await createGitHub({ baseUrl: github.url, auth: github.adminToken }).rest.repos.listForOrg({
      org: "acme-ops",
    });
    expect(repos.data).toHaveLength(1);
  });

  it("refuses a bad seed at file:line:col and applies none of it (exit 2)", async () => {
    await writeFile(join(dir, "bad.yml"), "users:\n  - login: mallory\n    role: admin\n");
    const result = await seed("bad.yml");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('bad.yml:3:11 /users/0/role: unknown key "role"');
    await expect(
      createGitHub({ baseUrl: github.url, auth: github.adminToken }).rest.users.getByUsername({
        username: "mallory",
      }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it("refuses a seed that refers to what does not exist, at its line (the server's check)", async () => {
    await writeFile(
      join(dir, "dangling.yml"),
      "installations:\n  - { app: nosuch-app, account: acme-ops }\n",
    );
    const result = await seed("dangling.yml");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/dangling\.yml:2:\d+ \/installations\/0\/app: /);
  });

  it("needs a running local GitHub: none, or a GITHUB_API_URL that is not one, is refused (exit 2)", async () => {
    const none = await runCli(dir, ["github", "seed", "world.yml"], {
      TASK_ASSISTANT_HOME: join(dir, "empty"),
    });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("no GitHub API is configured");
    const elsewhere = await runCli(dir, ["github", "seed", "world.yml"], {
      ...env,
      GITHUB_API_URL: "https://api.github.com",
    });
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toContain("is not a running local GitHub");
    expect((await seed()).stderr).toContain("needs the seed FILE");
  });
});
