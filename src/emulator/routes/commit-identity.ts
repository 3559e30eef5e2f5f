import type { GitPerson } from "../git/git-store.js";
import { validationFailed } from "../http/http-error.js";
import type { Account } from "../state/types.js";

/** The git identity GitHub gives an account on commits it makes: its name and no-reply address. */
export function personOf(account: Account, baseUrl: string, now: number): GitPerson {
  const host = new URL(baseUrl).hostname;
  return {
    name: account.name ?? account.login,
    email: account.email ?? `${account.id}+${account.login}@users.noreply.${host}`,
    timestamp: Math.floor(now / 1000),
    timezoneOffset: 0,
  };
}

/**
 * An `author`/`committer` object from a request body (`{ name, email, date? }`), or the fallback.
 * A missing name or email is 422, as on GitHub.
 */
export function personFromBody(
  value: unknown,
  field: string,
  resource: string,
  fallback: GitPerson,
): GitPerson {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "object") throw validationFailed({ resource, code: "invalid", field });
  const { name, email, date } = value as { name?: unknown; email?: unknown; date?: unknown };
  if (typeof name !== "string" || name === "")
    throw validationFailed({ resource, code: "missing_field", field: `${field}.name` });
  if (typeof email !== "string" || email === "") {
    throw validationFailed({ resource, code: "missing_field", field: `${field}.email` });
  }
  let timestamp = fallback.timestamp;
  if (date !== undefined) {
    const ms = typeof date === "string" ? Date.parse(date) : Number.NaN;
    if (Number.isNaN(ms)) throw validationFailed({ resource, code: "invalid", field: `${field}.date` });
    timestamp = Math.floor(ms / 1000);
  }
  return { name, email, timestamp, timezoneOffset: 0 };
}
