import { RequestError } from "@octokit/request-error";
import { describe, expect, it } from "vitest";
import { ExternalError } from "../errors.js";
import { requestFailure } from "./request-failure.js";

const request = { method: "GET" as const, url: "https://api.github.com/repos/acme/t?ref=main", headers: {} };
const answered = (status: number) =>
  new RequestError("whatever GitHub says", status, {
    request,
    response: { status, url: request.url, headers: {}, data: {} },
  });
const socketError = (code: string) => Object.assign(new Error("socket said so"), { code });
const unanswered = (code: string) => {
  const error = new RequestError("fetch failed", 500, { request });
  error.cause = Object.assign(new TypeError("fetch failed"), { cause: socketError(code) });
  return error;
};

describe("requestFailure", () => {
  it.each([
    [401, "GitHub refused the token (HTTP 401) for GET https://api.github.com/repos/acme/t"],
    [403, "GitHub refused access (HTTP 403) for GET https://api.github.com/repos/acme/t"],
    [
      404,
      "GitHub found nothing there, or the token cannot see it (HTTP 404) for GET https://api.github.com/repos/acme/t",
    ],
    [502, "GitHub failed (HTTP 502) for GET https://api.github.com/repos/acme/t"],
  ])("classifies an answered %i by its status, not its text", (status, message) => {
    const failure = requestFailure(answered(status));
    expect(failure).toBeInstanceOf(ExternalError);
    expect(failure).toMatchObject({ exitCode: 3, status, message });
    expect(failure?.hint).toBeTruthy();
  });

  it.each([
    ["ECONNREFUSED", "connection refused"],
    ["ENOTFOUND", "DNS lookup failed"],
    ["EAI_AGAIN", "DNS lookup failed"],
    ["ETIMEDOUT", "timed out"],
    ["UND_ERR_CONNECT_TIMEOUT", "timed out"],
    ["CERT_HAS_EXPIRED", "TLS failed"],
    ["DEPTH_ZERO_SELF_SIGNED_CERT", "TLS failed"],
  ])("classifies a request that got no answer (%s) by its code, in words", (code, kind) => {
    expect(requestFailure(unanswered(code))).toMatchObject({
      exitCode: 3,
      message: `GitHub could not be reached (${code}): ${kind} for GET https://api.github.com/repos/acme/t`,
    });
  });

  it("classifies fetch's own error by the socket's code", () => {
    const error = new TypeError("fetch failed", { cause: socketError("ECONNREFUSED") });
    expect(requestFailure(error)).toMatchObject({
      exitCode: 3,
      message: "GitHub could not be reached (ECONNREFUSED): connection refused",
    });
  });

  it("leaves other errors alone, whatever their message says", () => {
    expect(requestFailure(new Error("HTTP 401 ECONNREFUSED"))).toBeUndefined();
    expect(requestFailure("401")).toBeUndefined();
  });
});
