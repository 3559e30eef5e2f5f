/**
 * Correlation ids name a run's telemetry directory, so they are path segments and must be safe ones
 * (DESIGN §5.4): a letter or digit, then up to 127 letters, digits, `.`, `_` or `-`.
 */
export const CORRELATION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export type CorrelationIdCheck = { ok: true; value: string } | { ok: false; message: string; hint: string };

/**
 * Trims a supplied correlation id and checks it; never rewrites it otherwise, so what the operator
 * typed is what the records carry.
 *
 * @example normalizeCorrelationId("  9187-1 ") // { ok: true, value: "9187-1" }
 */
export function normalizeCorrelationId(raw: string): CorrelationIdCheck {
  const value = raw.trim();
  if (CORRELATION_ID_PATTERN.test(value)) return { ok: true, value };
  const why =
    value === ""
      ? "is empty"
      : value.length > 128
        ? `is ${value.length} characters long (at most 128)`
        : /^[._-]/.test(value)
          ? `starts with "${value[0]}"`
          : `contains ${JSON.stringify(firstBadCharacter(value))}`;
  return {
    ok: false,
    message: `correlation id ${JSON.stringify(truncate(value))} ${why}`,
    hint: "use letters, digits, '.', '_' or '-', starting with a letter or digit, at most 128 characters (e.g. 9187-1)",
  };
}

/** The id GitHub Actions gives a run: `<run_id>-<run_attempt>`, the same for every job of the run. */
export function actionsCorrelationId(run: { run_id: string; run_attempt: string }): string {
  return `${run.run_id}-${run.run_attempt}`;
}

function firstBadCharacter(value: string): string {
  for (const char of value) if (!/[A-Za-z0-9._-]/.test(char)) return char;
  return value;
}

function truncate(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}

/**
 * The correlation id an engine's record is written under on GitHub Actions. "Re-run failed jobs"
 * reuses the plan job's outputs, so an engine of attempt n is handed attempt 1's id; its record
 * must not land beside attempt 1's (that is a different record at the same path). Attempt n > 1
 * therefore writes under `<run_id>-<n>` when given an id generated for an earlier attempt of the
 * same run, and under `<id>-attempt-<n>` when given any other id (one the operator supplied).
 * Attempt 1, and runs outside Actions, keep the id as given.
 *
 * @example attemptCorrelationId("9187-1", { run_id: "9187", run_attempt: "2" }) // "9187-2"
 */
export function attemptCorrelationId(
  id: string,
  run: { run_id: string; run_attempt: string } | undefined,
): string {
  if (run === undefined) return id;
  const attempt = Number(run.run_attempt);
  if (!Number.isInteger(attempt) || attempt <= 1) return id;
  const generated = new RegExp(`^${run.run_id.replace(/[^0-9]/g, "")}-(\\d+)$`).exec(id);
  if (generated !== null) return actionsCorrelationId(run);
  const suffix = `-attempt-${attempt}`;
  return `${id.slice(0, 128 - suffix.length)}${suffix}`;
}
