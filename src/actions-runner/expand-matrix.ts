/** One combination of a job's matrix. */
export type MatrixCombination = Readonly<Record<string, unknown>>;

function matches(combination: MatrixCombination, pattern: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(
    ([key, value]) => JSON.stringify(combination[key]) === JSON.stringify(value),
  );
}

/**
 * Expands `strategy.matrix` (already evaluated) as GitHub does: the cross product of the array
 * keys, minus `exclude` patterns, then each `include` either extends the combinations it does not
 * contradict or, matching none, adds one of its own. No matrix → one empty combination.
 */
export function expandMatrix(matrix: unknown): MatrixCombination[] {
  if (matrix === undefined || matrix === null) return [{}];
  if (typeof matrix !== "object" || Array.isArray(matrix)) {
    throw new Error("strategy.matrix must be a mapping");
  }
  const { include, exclude, ...axes } = matrix as Record<string, unknown>;
  let combinations: Record<string, unknown>[] = [{}];
  for (const [key, values] of Object.entries(axes)) {
    if (!Array.isArray(values)) throw new Error(`strategy.matrix.${key} must be a list`);
    const choices: unknown[] = values;
    combinations = combinations.flatMap((combination) =>
      choices.map((value) => ({ ...combination, [key]: value })),
    );
  }
  if (Object.keys(axes).length === 0) combinations = [];
  const excluded = Array.isArray(exclude) ? (exclude as Record<string, unknown>[]) : [];
  combinations = combinations.filter(
    (combination) => !excluded.some((pattern) => matches(combination, pattern)),
  );
  const originals = combinations.map((combination) => ({ ...combination }));
  for (const extra of Array.isArray(include) ? (include as Record<string, unknown>[]) : []) {
    let added = false;
    combinations.forEach((combination, index) => {
      const original = originals[index] as Record<string, unknown>;
      // An include may add keys to a combination, never overwrite one of the original axes.
      const compatible = Object.entries(extra).every(
        ([key, value]) => !(key in original) || JSON.stringify(original[key]) === JSON.stringify(value),
      );
      if (compatible) {
        Object.assign(combination, extra);
        added = true;
      }
    });
    if (!added) combinations.push({ ...extra });
  }
  if (combinations.length === 0) throw new Error("strategy.matrix expands to no job");
  return combinations;
}
