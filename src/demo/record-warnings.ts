/**
 * The warnings and failures an engine's record reports (its `details.checks` whose outcome is WARN
 * or FAIL), one line each: the check id and the labels it concerns, e.g.
 * `track.exclusive.violation (track/sprint, track/backlog)`.
 */
export function recordWarnings(record: unknown): string[] {
  const checks = (record as { details?: { checks?: unknown } } | null)?.details?.checks;
  if (!Array.isArray(checks)) return [];
  return checks.flatMap((check: unknown) => {
    const { id, outcome, details } = (check ?? {}) as {
      id?: unknown;
      outcome?: unknown;
      details?: { labels?: unknown };
    };
    if (typeof id !== "string" || (outcome !== "WARN" && outcome !== "FAIL")) return [];
    const labels = Array.isArray(details?.labels)
      ? details.labels.filter((label): label is string => typeof label === "string")
      : [];
    const mark = outcome === "FAIL" ? " FAIL" : "";
    return [`${id}${mark}${labels.length === 0 ? "" : ` (${labels.join(", ")})`}`];
  });
}
