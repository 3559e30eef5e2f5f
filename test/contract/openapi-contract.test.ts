import { describe, expect, it } from "vitest";
import { findRoute, validateResponse, type ObservedResponse } from "../support/openapi-contract.js";
import { GOLDEN_SCENARIOS, loadScenario, type ScenarioName } from "./recorded-scenarios.js";

/**
 * Recordings older than today's description lack fields it has since made required. They are
 * completed with GitHub's value for a repository that never used the feature, and nothing else.
 */
const RECORDED_BEFORE_FIELD_EXISTED: Partial<Record<ScenarioName, Record<string, unknown>>> = {
  // Recorded in 2017; GitHub added `has_discussions` to repository responses in 2022.
  "get-repository": { has_discussions: false },
};

/** A recorded response as the validator sees it, with its route found from the recorded path. */
function recorded(scenario: ScenarioName, index: number): ObservedResponse {
  const exchange = loadScenario(scenario)[index];
  const route = findRoute(exchange.method, exchange.path);
  if (route === undefined) throw new Error(`no route for ${exchange.method} ${exchange.path}`);
  const completion = RECORDED_BEFORE_FIELD_EXISTED[scenario];
  const body = completion ? { ...(exchange.body as object), ...completion } : exchange.body;
  return { method: exchange.method, route, status: exchange.status, headers: exchange.headers, body };
}

/** A deep copy of a recorded response with its body changed by `edit`. */
// Edits reach into recorded JSON of many shapes; typing each one would only restate the recording.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function broken(response: ObservedResponse, edit: (body: any) => void): ObservedResponse {
  const body = structuredClone(response.body);
  edit(body);
  return { ...response, body };
}

function errorsOf(response: ObservedResponse): string[] {
  const verdict = validateResponse(response);
  return verdict.ok ? [] : verdict.errors;
}

describe("GitHub's REST description as the local GitHub's contract", () => {
  describe.each(GOLDEN_SCENARIOS)("the %s recording from api.github.com", (scenario) => {
    it("passes, every response of it", () => {
      const exchanges = loadScenario(scenario);
      expect(exchanges.length).toBeGreaterThan(0);
      const failures = exchanges.flatMap((_, index) => errorsOf(recorded(scenario, index)));
      expect(failures).toEqual([]);
    });
  });

  describe("refuses a broken copy of a real response, naming the operation, status and place", () => {
    it("a label without its id", () => {
      const response = broken(recorded("labels", 0), (labels) => delete labels[2].id);
      expect(errorsOf(response)).toEqual([
        "GET /repos/{owner}/{repo}/labels → 200: /2 must have required property 'id'",
      ]);
    });

    it("an issue number sent as a string", () => {
      const response = broken(recorded("paginate-issues", 0), (issues) => (issues[0].number = "13"));
      expect(errorsOf(response)).toEqual([
        'GET /repos/{owner}/{repo}/issues → 200: /0/number must be integer (got "13")',
      ]);
    });

    it("a timestamp that is not an RFC 3339 date-time", () => {
      const response = broken(
        recorded("add-labels-to-issue", 0),
        (issue) => (issue.created_at = "yesterday"),
      );
      expect(errorsOf(response)).toEqual([
        'POST /repos/{owner}/{repo}/issues → 201: /created_at must match format "date-time" (got "yesterday")',
      ]);
    });

    it("a relative URL where GitHub sends an absolute one", () => {
      const response = broken(recorded("get-repository", 0), (repo) => (repo.url = "/repos/o/r"));
      expect(errorsOf(response)).toEqual([
        'GET /repos/{owner}/{repo} → 200: /url must match format "uri" (got "/repos/o/r")',
      ]);
    });

    it("null where the description does not allow it", () => {
      const response = broken(recorded("labels", 2), (label) => (label.name = null));
      expect(errorsOf(response)).toEqual([
        "GET /repos/{owner}/{repo}/labels/{name} → 200: /name must be string (got null)",
      ]);
    });

    it("a state outside the documented values, listing them", () => {
      const response = broken(recorded("add-labels-to-issue", 0), (issue) => (issue.state_reason = "done"));
      expect(errorsOf(response)).toEqual([
        "POST /repos/{owner}/{repo}/issues → 201: /state_reason must be equal to one of the allowed values " +
          '["completed","reopened","not_planned","duplicate",null]',
      ]);
    });

    it("a file commit whose author date is a number", () => {
      const response = broken(recorded("create-file", 0), (file) => (file.commit.author.date = 1507651200));
      expect(errorsOf(response)).toEqual([
        "PUT /repos/{owner}/{repo}/contents/{path} → 201: /commit/author/date must be string (got 1507651200)",
      ]);
    });
  });

  describe("accepts what GitHub's description says and GitHub does", () => {
    it("null in a nullable field and in a nullable enum", () => {
      const response = broken(recorded("add-labels-to-issue", 0), (issue) => {
        issue.milestone = null;
        issue.closed_at = null;
        issue.state_reason = null;
      });
      expect(validateResponse(response)).toEqual({ ok: true });
    });

    it("a contents-PUT 409 in the basic error shape, which the description's oneOf would refuse", () => {
      const conflict: ObservedResponse = {
        method: "PUT",
        route: "/repos/{owner}/{repo}/contents/{path}",
        status: 409,
        headers: { "content-type": "application/json; charset=utf-8" },
        body: {
          message:
            "is at 1111111111111111111111111111111111111111 but expected 2222222222222222222222222222222222222222",
          documentation_url: "https://docs.github.com/rest/repos/contents#create-or-update-file-contents",
          status: "409",
        },
      };
      expect(validateResponse(conflict)).toEqual({ ok: true });
    });

    it("a JSON body given as text, parsed by its media type", () => {
      const response = recorded("labels", 2);
      expect(validateResponse({ ...response, body: JSON.stringify(response.body) })).toEqual({ ok: true });
    });

    it("422 to a label rename onto an existing name, which GitHub answers though the description omits it", () => {
      const rename = recorded("labels", 3);
      const refusal = {
        message: "Validation Failed",
        errors: [{ resource: "Label", code: "already_exists", field: "name" }],
        documentation_url: "https://docs.github.com/rest/issues/labels#update-a-label",
      };
      expect(validateResponse({ ...rename, status: 422, body: refusal })).toEqual({ ok: true });
      expect(errorsOf({ ...rename, status: 422, body: { message: "Validation Failed" } })).toEqual([
        "PATCH /repos/{owner}/{repo}/labels/{name} → 422: (body) must have required property 'documentation_url'",
      ]);
    });

    it("a raw file representation asked for with Accept: application/vnd.github.raw", () => {
      const response = recorded("get-content", 1);
      expect(response.headers?.["content-type"]).toBe("application/vnd.github.v3.raw; charset=utf-8");
      expect(validateResponse(response)).toEqual({ ok: true });
    });
  });

  describe("statuses GitHub's platform answers on every route", () => {
    const issueList = (status: number, headers: Record<string, string>, body: unknown): ObservedResponse => ({
      method: "GET",
      route: "/repos/{owner}/{repo}/issues",
      status,
      headers,
      body,
    });
    const json = { "content-type": "application/json; charset=utf-8" };
    const error = (message: string) => ({ message, documentation_url: "https://docs.github.com/rest" });

    it("401 bad credentials, in the basic error shape", () => {
      expect(validateResponse(issueList(401, json, error("Bad credentials")))).toEqual({ ok: true });
      expect(errorsOf(issueList(401, json, { message: 401 }))).toEqual([
        "GET /repos/{owner}/{repo}/issues → 401: /message must be string (got 401)",
      ]);
    });

    it("403 for a secondary rate limit, with retry-after", () => {
      const limited = issueList(
        403,
        { ...json, "retry-after": "60" },
        error("You have exceeded a secondary rate limit."),
      );
      expect(validateResponse(limited)).toEqual({ ok: true });
    });

    it("429 only when it says when to retry", () => {
      expect(validateResponse(issueList(429, { ...json, "retry-after": "1" }, error("slow down")))).toEqual({
        ok: true,
      });
      expect(errorsOf(issueList(429, json, error("slow down")))).toEqual([
        "GET /repos/{owner}/{repo}/issues → 429: a 429 must say when to retry (retry-after or x-ratelimit-remaining: 0)",
      ]);
    });

    it("304 to a conditional GET, with no body, and never to a write", () => {
      expect(validateResponse(issueList(304, {}, ""))).toEqual({ ok: true });
      expect(errorsOf(issueList(304, {}, "[]"))).toEqual([
        'GET /repos/{owner}/{repo}/issues → 304: this status documents no body, but the response has one: "[]"',
      ]);
      const write: ObservedResponse = { ...recorded("labels", 1), status: 304, body: "" };
      expect(errorsOf(write)).toEqual([
        "POST /repos/{owner}/{repo}/labels → 304: 304 answers only conditional GET/HEAD requests",
      ]);
    });

    it("400 to a body that is not JSON", () => {
      const post = { ...recorded("labels", 1), status: 400, body: error("Problems parsing JSON") };
      expect(validateResponse(post)).toEqual({ ok: true });
    });

    it("502 from an injected fault", () => {
      expect(validateResponse(issueList(502, json, error("Server Error")))).toEqual({ ok: true });
    });
  });

  describe("refuses responses GitHub would never send", () => {
    it("a status the operation does not document", () => {
      const response = { ...recorded("create-file", 0), status: 202 };
      expect(errorsOf(response)).toEqual([
        "PUT /repos/{owner}/{repo}/contents/{path} → 202: status 202 is not documented for this operation " +
          "(documented: 200, 201, 404, 409, 422)",
      ]);
    });

    it("a route GitHub does not have", () => {
      const response = { ...recorded("labels", 0), route: "/repos/{owner}/{repo}/tags/{tag}/labels" };
      expect(errorsOf(response)).toEqual([
        "GET /repos/{owner}/{repo}/tags/{tag}/labels → 200: no operation with this method and route in GitHub's REST description",
      ]);
    });

    it("a method the route does not serve", () => {
      const response = { ...recorded("labels", 0), method: "PUT" };
      expect(errorsOf(response)).toEqual([
        "PUT /repos/{owner}/{repo}/labels → 200: no operation with this method and route in GitHub's REST description",
      ]);
    });

    it("a body on a 204", () => {
      const response = { ...recorded("labels", 4), body: { deleted: true } };
      expect(errorsOf(response)).toEqual([
        'DELETE /repos/{owner}/{repo}/labels/{name} → 204: this status documents no body, but the response has one: {"deleted":true}',
      ]);
    });

    it("a JSON body served as text/plain", () => {
      const response = recorded("labels", 2);
      const headers = { ...response.headers, "content-type": "text/plain" };
      expect(errorsOf({ ...response, headers })).toEqual([
        "GET /repos/{owner}/{repo}/labels/{name} → 200: media type text/plain is not documented for this status " +
          "(documented: application/json)",
      ]);
    });

    it("a body without a content-type", () => {
      const response = recorded("labels", 2);
      expect(errorsOf({ ...response, headers: {} })).toEqual([
        "GET /repos/{owner}/{repo}/labels/{name} → 200: header content-type is absent, but this status documents a body",
      ]);
    });

    it("a JSON media type with a body that is not JSON", () => {
      expect(errorsOf({ ...recorded("labels", 2), body: "{name:" })).toEqual([
        'GET /repos/{owner}/{repo}/labels/{name} → 200: body is not valid JSON: "{name:"',
      ]);
    });

    it("a Link header Octokit's paginator could not follow", () => {
      const response = recorded("paginate-issues", 0);
      const relative = { ...response.headers, link: '</repositories/1000/issues?page=2>; rel="next"' };
      const garbled = { ...response.headers, link: "page=2" };
      expect(errorsOf({ ...response, headers: relative })).toEqual([
        'GET /repos/{owner}/{repo}/issues → 200: header link target "/repositories/1000/issues?page=2" is not an absolute http(s) URL',
      ]);
      expect(errorsOf({ ...response, headers: garbled })).toEqual([
        'GET /repos/{owner}/{repo}/issues → 200: header link has a malformed part "page=2" (expected <absolute-url>; rel="next|prev|first|last")',
      ]);
    });
  });

  describe("finding the route GitHub serves a path from", () => {
    it.each([
      ["GET", "/repos/o/r/issues/comments", "/repos/{owner}/{repo}/issues/comments"],
      ["GET", "/repos/o/r/issues/7", "/repos/{owner}/{repo}/issues/{issue_number}"],
      ["GET", "/repos/o/r/contents/docs/guide/a.md?ref=main", "/repos/{owner}/{repo}/contents/{path}"],
      ["GET", "/repos/o/r/contents/", "/repos/{owner}/{repo}/contents/{path}"],
      ["PATCH", "/repos/o/r/git/refs/heads/feature/x", "/repos/{owner}/{repo}/git/refs/{ref}"],
      ["GET", "/repos/o/r/git/ref/heads/main", "/repos/{owner}/{repo}/git/ref/{ref}"],
      ["GET", "/repositories/1000/issues?page=2", "/repositories/{repository_id}/issues"],
      ["GET", "/repos/o/r", "/repos/{owner}/{repo}"],
    ])("%s %s → %s", (method, path, route) => {
      expect(findRoute(method, path)).toBe(route);
    });

    it("finds nothing for a path GitHub does not serve", () => {
      expect(findRoute("GET", "/repos/o/r/nonsense/1/2/3")).toBeUndefined();
      expect(findRoute("DELETE", "/repos/o/r/issues/1")).toBeUndefined();
    });
  });
});
