/**
 * Canonical JSON (DESIGN §5): object keys sorted by code point at every depth, two-space indent,
 * UTF-8, exactly one trailing newline. The same content is therefore always the same bytes, which
 * is what makes re-emitting a telemetry record idempotent and registry diffs reviewable.
 *
 * @example canonicalJson({ b: 1, a: [2] }) === '{\n  "a": [\n    2\n  ],\n  "b": 1\n}\n'
 */
export function canonicalJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

/** A deep copy of `value` whose objects have their keys in sorted order; `undefined` members are dropped. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : sortKeys(item)));
  if (value !== null && typeof value === "object") {
    const source = value as Record<string, unknown>;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(source).sort(compareCodePoints)) {
      const member = source[key];
      if (member === undefined) continue;
      // Assigning "__proto__" would replace the prototype and drop the member; define it as data.
      if (key === "__proto__") {
        Object.defineProperty(sorted, key, {
          value: sortKeys(member),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else {
        sorted[key] = sortKeys(member);
      }
    }
    return sorted;
  }
  if (typeof value === "number" && !Number.isFinite(value)) {
    throw new TypeError(`canonical JSON cannot represent the number ${value}`);
  }
  return value;
}

function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
