import { RequestError } from "@octokit/request-error";
import { describe, expect, it } from "vitest";
import { ExternalError, ValidationError } from "../errors.js";
import { storedFailure } from "./stored-failure.js";

const SECRET = "ghp_SUPERSECRET0123456789";
const request = { method: "GET" as const, url: `https://api.github.com/repos/a/b?q=${SECRET}`, headers: {} };

describe("storedFailure", () => {
  it.each([
    [new TypeError(`cannot read ${SECRET}`), "an unexpected TypeError"],
    [new ValidationError(`bad value ${SECRET}`, []), "ValidationError"],
    [new ExternalError(`git said ${SECRET}`, { status: 403 }), "ExternalError (HTTP 403)"],
    [
      new RequestError(SECRET, 404, {
        request,
        response: { status: 404, url: request.url, headers: {}, data: {} },
      }),
      "GitHub answered HTTP 404",
    ],
    [
      Object.assign(new RequestError(SECRET, 500, { request }), {
        cause: Object.assign(new Error(SECRET), { code: "ECONNREFUSED" }),
      }),
      "GitHub could not be reached (ECONNREFUSED)",
    ],
    [new DOMException(SECRET, "AbortError"), "it was interrupted"],
    [SECRET, "a value that is not an error was thrown"],
  ])("describes %s by its type only", (error, description) => {
    expect(storedFailure(error)).toBe(description);
  });
});
