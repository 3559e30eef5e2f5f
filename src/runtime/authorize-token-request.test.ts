import { describe, expect, it } from "vitest";
import {
  ACTIONS_ISSUER,
  authorizeTokenRequest,
  type ActionsClaims,
  type BrokerRequest,
  authorizeRegistryQuery,
  type HostStanding,
} from "./authorize-token-request.js";

const APP = "automated-assistant-systems/task-assistant";

function claims(overrides: Partial<ActionsClaims> = {}): ActionsClaims {
  return {
    iss: ACTIONS_ISSUER,
    aud: "task-assistant",
    repository: "acme/widgets",
    repository_owner: "acme",
    job_workflow_ref: `${APP}/.github/workflows/engine-enforce.yml@refs/tags/v1.4.0`,
    ...overrides,
  };
}

const eligible = { outcome: "ELIGIBLE", telemetry_repo: "acme/telemetry" };

function decide(
  request: Partial<BrokerRequest> = {},
  claimOverrides: Partial<ActionsClaims> = {},
  standing: HostStanding = eligible,
) {
  return authorizeTokenRequest(
    claims(claimOverrides),
    {
      owner: "acme",
      repositories: ["widgets"],
      permissions: { contents: "read", issues: "write" },
      ...request,
    },
    standing,
    "task-assistant",
  );
}

describe("authorizeTokenRequest (the token broker's policy)", () => {
  it("grants an engine job what its policy allows on its own repository", () => {
    expect(decide()).toEqual({
      ok: true,
      engine: "enforce",
      ref: "v1.4.0",
      repositories: ["widgets"],
      permissions: { metadata: "read", contents: "read", issues: "write" },
    });
  });

  it("grants the record writer contents:write on the org's telemetry repository", () => {
    expect(decide({ repositories: ["telemetry"], permissions: { contents: "write" } })).toMatchObject({
      ok: true,
    });
  });

  it("refuses another owner's repositories: a host can never mint tokens for another org", () => {
    const decision = decide({ owner: "globex", repositories: ["sprockets"] });
    expect(decision).toEqual({
      ok: false,
      status: 403,
      message: "acme/widgets may not have a token for globex's repositories",
    });
  });

  it("refuses a repository of the same org that is neither the host nor its telemetry repository", () => {
    expect(decide({ repositories: ["payroll"] })).toMatchObject({ ok: false, status: 403 });
  });

  it("refuses more than the engine's least privilege (validate may not write issues)", () => {
    const decision = decide(
      {},
      { job_workflow_ref: `${APP}/.github/workflows/engine-validate.yml@refs/tags/v1.4.0` },
    );
    expect(decision).toMatchObject({
      ok: false,
      message: "engine validate may not have issues:write on widgets",
    });
  });

  it("refuses contents:write on the host repository to every engine", () => {
    expect(decide({ permissions: { contents: "write" } })).toMatchObject({ ok: false });
  });

  it("refuses workflows other than this project's engines, and engines at a branch", () => {
    expect(
      decide({}, { job_workflow_ref: "acme/widgets/.github/workflows/steal.yml@refs/heads/main" }),
    ).toMatchObject({ ok: false });
    expect(
      decide({}, { job_workflow_ref: `${APP}/.github/workflows/engine-enforce.yml@refs/heads/main` }),
    ).toMatchObject({
      ok: false,
      message: "engine workflows run from release tags or SHAs, not refs/heads/main",
    });
  });

  it("refuses tokens from another issuer or for another audience", () => {
    expect(decide({}, { iss: "https://evil.example" })).toMatchObject({ ok: false });
    expect(decide({}, { aud: ["sts.amazonaws.com"] })).toMatchObject({ ok: false });
  });

  it("lets only preflight act for a repository the registry does not hold ELIGIBLE, so it can record why", () => {
    const disabled = { outcome: "DISABLED", telemetry_repo: "acme/telemetry" };
    expect(decide({}, {}, disabled)).toMatchObject({
      ok: false,
      message: "acme/widgets is DISABLED in the registry; only preflight runs for it",
    });
    const preflight = `${APP}/.github/workflows/engine-preflight.yml@0123456789abcdef0123456789abcdef01234567`;
    expect(
      decide(
        { repositories: ["telemetry"], permissions: { contents: "write" } },
        { job_workflow_ref: preflight },
        disabled,
      ),
    ).toMatchObject({ ok: true, engine: "preflight" });
  });

  it("refuses an org the registry does not know", () => {
    expect(decide({}, {}, { outcome: "ORG_UNREGISTERED", telemetry_repo: undefined })).toMatchObject({
      ok: false,
      message: "acme/widgets's org is not in the registry",
    });
  });
});

describe("authorizeRegistryQuery", () => {
  const preflight = `${APP}/.github/workflows/engine-preflight.yml@refs/tags/v1.4.0`;

  it("answers a preflight job about its own repository", () => {
    expect(
      authorizeRegistryQuery(claims({ job_workflow_ref: preflight }), "ACME/Widgets", "task-assistant"),
    ).toEqual({ ok: true });
  });

  it("answers no other engine, and no question about another repository", () => {
    expect(authorizeRegistryQuery(claims(), "acme/widgets", "task-assistant")).toMatchObject({
      ok: false,
      message: "only preflight reads the registry",
    });
    expect(
      authorizeRegistryQuery(claims({ job_workflow_ref: preflight }), "acme/gadgets", "task-assistant"),
    ).toMatchObject({
      ok: false,
      message: "acme/widgets may ask about itself only, not acme/gadgets",
    });
  });
});
