import { formatCount } from "./format-count.js";

/**
 * How many problems a report lists. A hostile input can hold tens of thousands of problems; the
 * first ones say what is wrong, and printing the rest only floods logs, job summaries and records.
 */
export const PROBLEMS_SHOWN = 50;

/**
 * The first `max` problems and how many were left out.
 *
 * @example capProblems(eightyThousand) // { shown: [first 50], omitted: 79_950 }
 */
export function capProblems<T>(
  problems: readonly T[],
  max = PROBLEMS_SHOWN,
): { shown: T[]; omitted: number } {
  return { shown: problems.slice(0, max), omitted: Math.max(0, problems.length - max) };
}

/** `and 79,950 more`, for the line after the problems shown. */
export function moreProblems(omitted: number): string {
  return `and ${formatCount(omitted)} more`;
}

/** `1 problem`, `80,000 problems`. */
export function countProblems(n: number): string {
  return `${formatCount(n)} problem${n === 1 ? "" : "s"}`;
}
