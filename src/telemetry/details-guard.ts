import type { Problem } from "../errors.js";

/**
 * Finds what a record's `details` (an engine result) must not contain (DESIGN §5.5): an object with
 * both `owner` and `repo` keys at any depth (it would redefine the record's entity), and a top-level
 * `event` key (it would shadow the envelope's event; engines use `issue_event`).
 *
 * Every object is visited, arrays included, with an explicit stack so deep input cannot overflow the
 * call stack; each offending object is reported with its JSON pointer. Pure.
 *
 * @example findForbiddenDetails({ checks: [{ id: "x", details: { owner: "a", repo: "b" } }] })
 *   // → [{ path: "/checks/0/details", message: "... both owner and repo ..." }]
 */
export function findForbiddenDetails(details: unknown): Problem[] {
  const problems: Problem[] = [];
  if (isObject(details) && Object.hasOwn(details, "event")) {
    problems.push({
      path: "/event",
      message: "details must not have a top-level event key; it would shadow the record's event",
      hint: "rename it to issue_event",
    });
  }
  const seen = new Set<object>();
  const stack: Array<{ value: unknown; pointer: string }> = [{ value: details, pointer: "" }];
  while (stack.length > 0) {
    const { value, pointer } = stack.pop()!;
    if (value === null || typeof value !== "object" || seen.has(value)) continue;
    seen.add(value);
    if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index -= 1) {
        stack.push({ value: value[index], pointer: `${pointer}/${index}` });
      }
      continue;
    }
    const record = value as Record<string, unknown>;
    if (Object.hasOwn(record, "owner") && Object.hasOwn(record, "repo")) {
      problems.push({
        path: pointer,
        message: `details${pointer === "" ? "" : ` at ${pointer}`} holds both owner and repo; only the envelope's entity names the repository`,
        hint: "report the repository as one string (e.g. repository: 'owner/repo') or drop it",
      });
    }
    const keys = Object.keys(record);
    for (let index = keys.length - 1; index >= 0; index -= 1) {
      stack.push({ value: record[keys[index]], pointer: `${pointer}/${escapePointer(keys[index])}` });
    }
  }
  return problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** RFC 6901 escaping of one reference token. */
export function escapePointer(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}
