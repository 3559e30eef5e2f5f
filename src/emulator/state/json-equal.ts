/**
 * Structural equality of two JSON values (what `JSON.stringify` would write), without building the
 * strings: objects compare key by key (a key holding `undefined` counts as absent, as in JSON),
 * arrays element by element. `skipKey` leaves one top-level key out (a repository without its issues).
 *
 * @example jsonEqual({ a: [1, { b: null }] }, { a: [1, { b: null }] }) // true
 */
export function jsonEqual(a: unknown, b: unknown, skipKey?: string): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let index = 0; index < a.length; index += 1) if (!jsonEqual(a[index], b[index])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let keys = 0;
  for (const key in left) {
    if (key === skipKey || left[key] === undefined) continue;
    keys += 1;
    if (!jsonEqual(left[key], right[key])) return false;
  }
  for (const key in right) if (key !== skipKey && right[key] !== undefined) keys -= 1;
  return keys === 0;
}

/** A deep copy of a JSON value that shares nothing with it (`undefined` members are dropped). */
export function cloneJson<T>(value: T, skipKey?: string): T {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((item: unknown) => cloneJson(item)) as T;
  const copy: Record<string, unknown> = {};
  for (const key in value as Record<string, unknown>) {
    const member = (value as Record<string, unknown>)[key];
    if (key !== skipKey && member !== undefined) copy[key] = cloneJson(member);
  }
  return copy as T;
}
