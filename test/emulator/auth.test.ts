import { createAppAuth } from "@octokit/auth-app";
import { createSign } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGitHub } from "../../src/github/octokit.js";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";

/** Signs an App JWT by hand, so a test can make one GitHub would refuse. */
function appJwt(appId: number, privateKey: string, claims: { iat: number; exp: number }): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const unsigned = `${encode({ alg: "RS256", typ: "JWT" })}.${encode({ iss: appId, ...claims })}`;
  const signature = createSign("RSA-SHA256").update(unsigned).sign(privateKey).toString("base64url");
  return `${unsigned}.${signature}`;
}

describe("authorization on the local GitHub", () => {
  let github: TestGitHub;
  let app: { id: number; private_key: string };
  let installationId: number;

  beforeAll(async () => {
    github = await startTestGitHub(
      {
        users: [{ login: "owner" }, { login: "member" }, { login: "outsider" }, { login: "helper" }],
        orgs: [{ login: "acme", members: [{ login: "owner", role: "admin" }, "member"] }],
        repos: [
          {
            name: "acme/private-one",
            private: true,
            collaborators: [{ login: "helper", permission: "push" }],
          },
          { name: "acme/private-two", private: true },
          { name: "acme/public", private: false },
        ],
        apps: [
          {
            slug: "task-assistant",
            owner: "acme",
            permissions: { issues: "write", contents: "read", metadata: "read" },
          },
        ],
        installations: [
          {
            app: "task-assistant",
            account: "acme",
            repository_selection: "selected",
            repositories: ["private-one", "public"],
            permissions: { issues: "write", contents: "read", metadata: "read" },
          },
        ],
        tokens: [
          { token: "ghp_owner_00001", user: "owner" },
          { token: "ghp_member_0001", user: "member" },
          { token: "ghp_outsider_01", user: "outsider" },
          { token: "ghp_helper_0001", user: "helper" },
        ],
      },
      { clock: { now: () => new Date("2026-05-05T10:00:00Z") } },
    );
    app = github.seeded!.apps[0];
    installationId = github.seeded!.installations[0].id;
  });
  afterAll(async () => {
    await github.stop();
  });

  const installationClient = (extra: Record<string, unknown> = {}) =>
    createGitHub({
      baseUrl: github.url,
      authStrategy: createAppAuth,
      auth: { appId: app.id, privateKey: app.private_key, installationId, ...extra },
      retries: 0,
    });

  it("answers 401 Bad credentials to an unknown token", async () => {
    await expect(
      github.client("ghp_not_a_token").rest.repos.get({ owner: "acme", repo: "public" }),
    ).rejects.toMatchObject({
      status: 401,
      response: { data: { message: "Bad credentials" } },
    });
  });

  it("hides a private repository from a user without access behind 404, and shows it to those with access", async () => {
    const target = { owner: "acme", repo: "private-two" };
    await expect(github.client("ghp_outsider_01").rest.repos.get(target)).rejects.toMatchObject({
      status: 404,
    });
    const asMember = await github.client("ghp_member_0001").rest.repos.get(target);
    expect(asMember.data.permissions).toEqual({
      admin: false,
      maintain: false,
      push: false,
      triage: false,
      pull: true,
    });
    const asOwner = await github.client("ghp_owner_00001").rest.repos.get(target);
    expect(asOwner.data.permissions).toMatchObject({ admin: true, push: true });
    const asHelper = await github
      .client("ghp_helper_0001")
      .rest.repos.get({ owner: "acme", repo: "private-one" });
    expect(asHelper.data.permissions).toMatchObject({ admin: false, push: true });
  });

  it("lets anyone read a public repository but not write to it", async () => {
    const outsider = github.client("ghp_outsider_01");
    expect((await outsider.rest.repos.get({ owner: "acme", repo: "public" })).data.permissions).toMatchObject(
      { pull: true, push: false },
    );
    await expect(
      outsider.rest.issues.createLabel({ owner: "acme", repo: "public", name: "nope" }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(
      github.client("ghp_member_0001").rest.repos.createOrUpdateFileContents({
        owner: "acme",
        repo: "private-one",
        path: "x",
        message: "m",
        content: "",
      }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it("runs the App flow: a JWT signed with the App's key buys an installation token", async () => {
    const octokit = installationClient();
    const created = await octokit.rest.issues.create({
      owner: "acme",
      repo: "private-one",
      title: "from the app",
    });
    expect(created.data.user).toMatchObject({ login: "task-assistant[bot]", type: "Bot" });
    const repos = await octokit.rest.apps.listReposAccessibleToInstallation();
    expect(repos.data.repositories.map((repo) => repo.name).sort()).toEqual(["private-one", "public"]);
  });

  it("keeps an installation to its repository selection: unselected private repositories are 404", async () => {
    await expect(
      installationClient().rest.repos.get({ owner: "acme", repo: "private-two" }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it("answers 403 Resource not accessible by integration for a permission the installation lacks", async () => {
    await expect(
      installationClient().rest.repos.createOrUpdateFileContents({
        owner: "acme",
        repo: "private-one",
        path: "x.txt",
        message: "m",
        content: "",
      }),
    ).rejects.toMatchObject({
      status: 403,
      response: { data: { message: "Resource not accessible by integration" } },
    });
  });

  it("lets an access token only narrow the installation's grants", async () => {
    const jwt = createGitHub({
      baseUrl: github.url,
      authStrategy: createAppAuth,
      auth: { appId: app.id, privateKey: app.private_key },
      retries: 0,
    });
    const narrowed = await jwt.rest.apps.createInstallationAccessToken({
      installation_id: installationId,
      repositories: ["public"],
      permissions: { issues: "read" },
    });
    expect(narrowed.data).toMatchObject({
      repository_selection: "selected",
      permissions: { issues: "read" },
    });
    expect(narrowed.data.repositories?.map((repo) => repo.name)).toEqual(["public"]);
    const narrow = github.client(narrowed.data.token);
    await expect(narrow.rest.repos.get({ owner: "acme", repo: "private-one" })).rejects.toMatchObject({
      status: 404,
    });
    await expect(
      narrow.rest.issues.create({ owner: "acme", repo: "public", title: "x" }),
    ).rejects.toMatchObject({ status: 403 });

    await expect(
      jwt.rest.apps.createInstallationAccessToken({
        installation_id: installationId,
        permissions: { contents: "write" },
      }),
    ).rejects.toMatchObject({
      status: 422,
      response: { data: { message: "The permissions requested are not granted to this installation." } },
    });
    await expect(
      jwt.rest.apps.createInstallationAccessToken({
        installation_id: installationId,
        repositories: ["private-two"],
      }),
    ).rejects.toMatchObject({ status: 422 });
  });

  it("narrows a token by repository id: an id the installation cannot reach is 422, and the token reaches that repository alone", async () => {
    const jwt = createGitHub({
      baseUrl: github.url,
      authStrategy: createAppAuth,
      auth: { appId: app.id, privateKey: app.private_key },
      retries: 0,
    });
    const admin = github.client("ghp_owner_00001");
    const one = (await admin.rest.repos.get({ owner: "acme", repo: "private-one" })).data;
    const two = (await admin.rest.repos.get({ owner: "acme", repo: "private-two" })).data;
    for (const id of [two.id, 987654321])
      await expect(
        jwt.rest.apps.createInstallationAccessToken({
          installation_id: installationId,
          repository_ids: [id],
        }),
      ).rejects.toMatchObject({
        status: 422,
        response: {
          data: {
            message:
              "There is at least one repository that does not exist or is not accessible to the parent installation.",
          },
        },
      });
    const byId = await jwt.rest.apps.createInstallationAccessToken({
      installation_id: installationId,
      repository_ids: [one.id],
      permissions: { issues: "write" },
    });
    expect(byId.data.repositories?.map(({ id, name }) => [id, name])).toEqual([[one.id, "private-one"]]);
    const bound = github.client(byId.data.token);
    await bound.rest.issues.create({ owner: "acme", repo: "private-one", title: "by id" });
    await expect(
      bound.rest.issues.create({ owner: "acme", repo: "public", title: "not in the token" }),
    ).rejects.toMatchObject({ status: 403 });
    // Ids and names together reach both (the broker asks for a job's repository by id, its org's
    // telemetry repository by name).
    const again = await jwt.rest.apps.createInstallationAccessToken({
      installation_id: installationId,
      repository_ids: [one.id],
      repositories: ["public"],
    });
    expect(again.data.repositories?.map(({ name }) => name).sort()).toEqual(["private-one", "public"]);
  });

  it("refuses JWTs GitHub would refuse: expired, too long-lived, or signed with another key", async () => {
    const now = Math.floor(Date.parse("2026-05-05T10:00:00Z") / 1000);
    const call = (token: string) => github.client(token).rest.apps.getAuthenticated();
    expect((await call(appJwt(app.id, app.private_key, { iat: now - 30, exp: now + 540 }))).data?.slug).toBe(
      "task-assistant",
    );
    await expect(
      call(appJwt(app.id, app.private_key, { iat: now - 700, exp: now - 100 })),
    ).rejects.toMatchObject({ status: 401 });
    await expect(call(appJwt(app.id, app.private_key, { iat: now, exp: now + 3600 }))).rejects.toMatchObject({
      status: 401,
    });
    const { generateKeyPairSync } = await import("node:crypto");
    const stranger = generateKeyPairSync("rsa", { modulusLength: 2048 })
      .privateKey.export({ type: "pkcs1", format: "pem" })
      .toString();
    await expect(call(appJwt(app.id, stranger, { iat: now, exp: now + 60 }))).rejects.toMatchObject({
      status: 401,
    });
  });

  it("expires installation tokens after an hour of the server's clock", async () => {
    const minted = await github.admin<{ token: string }>("POST", "/_emulator/tokens", {
      installation_id: installationId,
    });
    const octokit = github.client(minted.token);
    await octokit.rest.repos.get({ owner: "acme", repo: "private-one" });
    await github.setClock({ advance_ms: 3_600_001 });
    await expect(octokit.rest.repos.get({ owner: "acme", repo: "private-one" })).rejects.toMatchObject({
      status: 401,
    });
    await github.setClock({ advance_ms: -3_600_001 });
  });

  it("finds the App's installation for a repository and an org, with the JWT only", async () => {
    const jwt = createGitHub({
      baseUrl: github.url,
      authStrategy: createAppAuth,
      auth: { appId: app.id, privateKey: app.private_key },
      retries: 0,
    });
    expect((await jwt.rest.apps.getRepoInstallation({ owner: "acme", repo: "public" })).data.id).toBe(
      installationId,
    );
    expect((await jwt.rest.apps.getOrgInstallation({ org: "acme" })).data.id).toBe(installationId);
    await expect(
      jwt.rest.apps.getRepoInstallation({ owner: "acme", repo: "private-two" }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(github.client("ghp_owner_00001").rest.apps.getAuthenticated()).rejects.toMatchObject({
      status: 401,
    });
  });

  it("suspends an installation through the App's API: no new tokens, old ones refused, until unsuspended", async () => {
    const octokit = installationClient();
    await octokit.rest.repos.get({ owner: "acme", repo: "private-one" });
    const jwt = createGitHub({
      baseUrl: github.url,
      authStrategy: createAppAuth,
      auth: { appId: app.id, privateKey: app.private_key },
      retries: 0,
    });
    await jwt.request("PUT /app/installations/{installation_id}/suspended", {
      installation_id: installationId,
    });
    expect((await jwt.rest.apps.getInstallation({ installation_id: installationId })).data.suspended_at).toBe(
      "2026-05-05T10:00:00Z",
    );
    await expect(octokit.rest.repos.get({ owner: "acme", repo: "private-one" })).rejects.toMatchObject({
      status: 403,
    });
    await expect(
      jwt.rest.apps.createInstallationAccessToken({ installation_id: installationId }),
    ).rejects.toMatchObject({ status: 403 });
    await jwt.request("DELETE /app/installations/{installation_id}/suspended", {
      installation_id: installationId,
    });
    await installationClient().rest.repos.get({ owner: "acme", repo: "private-one" });
  });
});
