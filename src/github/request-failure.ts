import { ExternalError } from "../errors.js";

/** Error codes of a request that never got an answer: refused, unresolved, reset, timed out. */
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EPIPE",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  // TLS: the server answered, but not with a certificate we trust or a handshake we could finish.
  "CERT_HAS_EXPIRED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "EPROTO",
]);

/** What a network error code means, in words a reader knows. */
function networkFailureKind(code: string): string {
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "DNS lookup failed";
  if (code.includes("TIMEOUT") || code === "ETIMEDOUT") return "timed out";
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return "network unreachable";
  if (code.includes("CERT") || code === "EPROTO") return "TLS failed";
  return "connection lost";
}

interface RequestErrorShape {
  name: string;
  status: number;
  response?: unknown;
  request?: { method?: string; url?: string };
}

/**
 * Turns a failed GitHub request (Octokit's `RequestError`, or `fetch`'s own error) into an
 * `ExternalError` (exit 3) with a one-line message and a hint, or undefined when `error` is not a
 * request failure. Classified by type, HTTP status and the network error's `code`, never by message
 * text; the message names the request (method and path) and the status or code, nothing else.
 *
 * @example requestFailure(octokitError401)?.message // → "GitHub refused the token (HTTP 401) for GET /repos/acme/t"
 */
export function requestFailure(error: unknown): ExternalError | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = unreachableCode(error);
  if (isRequestError(error)) {
    const what = describeRequest(error.request);
    if (error.response === undefined || code !== undefined) return unreachable(error, what, code);
    return httpFailure(error, what);
  }
  // fetch itself (TypeError "fetch failed") with the socket's error as its cause.
  if (code !== undefined) return unreachable(error, "", code);
  return undefined;
}

function isRequestError(error: Error): error is Error & RequestErrorShape {
  return error.name === "HttpError" && typeof (error as { status?: unknown }).status === "number";
}

function httpFailure(error: Error & RequestErrorShape, what: string): ExternalError {
  const { status } = error;
  const [message, hint] =
    status === 401
      ? ["GitHub refused the token", "set GITHUB_TOKEN (or GH_TOKEN) to a valid, unexpired token"]
      : status === 403
        ? [
            "GitHub refused access",
            "the token lacks a permission this needs, or a rate limit was hit; check the token's access and try again later",
          ]
        : status === 404
          ? [
              "GitHub found nothing there, or the token cannot see it",
              "check the repository name, the path and ref, and that the token can read the repository",
            ]
          : status >= 500
            ? ["GitHub failed", "GitHub had a problem; try again later"]
            : ["GitHub refused the request", "check the command's arguments"];
  return new ExternalError(`${message} (HTTP ${status})${what}`, { status, hint, cause: error });
}

function unreachable(error: Error, what: string, code: string | undefined): ExternalError {
  const kind = code === undefined ? "" : `: ${networkFailureKind(code)}`;
  return new ExternalError(`GitHub could not be reached${code ? ` (${code})` : ""}${kind}${what}`, {
    hint: "check GITHUB_API_URL and the network, or start the local GitHub with `task-assistant github start`",
    cause: error,
  });
}

/** ` for METHOD /path` of a request, without query or credentials. */
function describeRequest(request: RequestErrorShape["request"]): string {
  if (request?.url === undefined) return "";
  let path: string;
  try {
    const url = new URL(request.url);
    path = `${url.origin}${decodeURIComponent(url.pathname)}`;
  } catch {
    return "";
  }
  return ` for ${request.method ?? "GET"} ${path}`;
}

/** The first `code` in the error's cause chain that says the server was not reached. */
export function unreachableCode(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  for (let current = error; current instanceof Error && !seen.has(current); current = current.cause) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && UNREACHABLE_CODES.has(code)) return code;
    // An AggregateError (a host with several addresses) carries the attempts in `errors`.
    const inner = (current as { errors?: unknown }).errors;
    if (Array.isArray(inner)) {
      for (const attempt of inner) {
        const innerCode = (attempt as { code?: unknown } | null)?.code;
        if (typeof innerCode === "string" && UNREACHABLE_CODES.has(innerCode)) return innerCode;
      }
    }
  }
  return undefined;
}
