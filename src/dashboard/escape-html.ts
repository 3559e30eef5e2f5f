/**
 * Escapes text for HTML element content and double-quoted attribute values. Everything that comes
 * from telemetry (repository names, reasons, correlation ids, paths) goes through here: records are
 * data, never markup.
 *
 * @example escapeHtml('<b title="x">') === "&lt;b title=&quot;x&quot;&gt;"
 */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"'`]/g, (char) => ENTITIES[char]);
}

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};

/** A fragment id derived from data: only `[A-Za-z0-9_-]` survive, so it is safe in `id` and `href`. */
export function anchorId(prefix: string, value: string): string {
  return `${prefix}-${value.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}
