/**
 * Typed reads from an untyped event payload. Payloads come from GitHub or from a file an operator
 * wrote, so nothing about their shape is assumed.
 */
export type Payload = Readonly<Record<string, unknown>>;

export function asPayload(value: unknown): Payload | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Payload)
    : undefined;
}

/** The value at a dotted path (`issue.number`), or undefined when any step is missing. */
export function field(payload: Payload, path: string): unknown {
  let current: unknown = payload;
  for (const key of path.split(".")) {
    const object = asPayload(current);
    if (object === undefined) return undefined;
    current = object[key];
  }
  return current;
}

export function stringField(payload: Payload, path: string): string | undefined {
  const value = field(payload, path);
  return typeof value === "string" ? value : undefined;
}
