/** One way a response's shape differs from a recorded one. */
export interface ShapeDifference {
  /** JSON pointer into the bodies, e.g. `/0/user/gravatar_id`. */
  at: string;
  kind: "missing" | "extra" | "type" | "length";
  detail?: string;
}

/**
 * Compares two JSON values by shape: the key set of every object (recursively, per object), the
 * kind of every value (object, array, string, number, boolean, null) and array lengths. Values
 * themselves are not compared: recordings carry placeholder ids, dates and SHAs.
 *
 * @example compareKeySets({ a: 1, b: { c: 2 } }, { a: 3, b: {} }) // [{ at: "/b/c", kind: "missing" }]
 */
export function compareKeySets(recorded: unknown, actual: unknown, at = ""): ShapeDifference[] {
  const expectedKind = kindOf(recorded);
  const actualKind = kindOf(actual);
  if (expectedKind !== actualKind) {
    return [{ at: at || "/", kind: "type", detail: `recorded ${expectedKind}, got ${actualKind}` }];
  }
  if (Array.isArray(recorded) && Array.isArray(actual)) {
    const differences: ShapeDifference[] =
      recorded.length === actual.length
        ? []
        : [{ at: at || "/", kind: "length", detail: `recorded ${recorded.length}, got ${actual.length}` }];
    const shared = Math.min(recorded.length, actual.length);
    for (let index = 0; index < shared; index++) {
      differences.push(...compareKeySets(recorded[index], actual[index], `${at}/${index}`));
    }
    return differences;
  }
  if (expectedKind !== "object") return [];
  const expected = recorded as Record<string, unknown>;
  const got = actual as Record<string, unknown>;
  const differences: ShapeDifference[] = [];
  for (const key of Object.keys(expected).sort()) {
    const child = `${at}/${escape(key)}`;
    if (!(key in got)) differences.push({ at: child, kind: "missing" });
    else differences.push(...compareKeySets(expected[key], got[key], child));
  }
  for (const key of Object.keys(got).sort()) {
    if (!(key in expected)) differences.push({ at: `${at}/${escape(key)}`, kind: "extra" });
  }
  return differences;
}

/**
 * Whether a pointer matches a pattern in which `*` stands for any one segment and a leading `**`
 * for any number of leading segments.
 *
 * @example matchesPointer("**\/user_view_type", "/0/user/user_view_type") // true
 */
export function matchesPointer(pattern: string, at: string): boolean {
  const want = pattern.split("/");
  let got = at.split("/");
  if (want[0] === "**") {
    if (got.length < want.length) return false;
    got = ["**", ...got.slice(got.length - want.length + 1)];
  }
  return (
    want.length === got.length && want.every((segment, index) => segment === "*" || segment === got[index])
  );
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function escape(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}
