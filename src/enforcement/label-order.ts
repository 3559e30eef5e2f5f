import { GROUP_PREFIXES, labelKey, type GroupName, type HostConfig } from "../config/config-model.js";

/**
 * The order of labels inside an exclusivity group; `highest` keeps the last, `lowest` the first.
 * Every order is total and independent of the order GitHub returns labels in:
 *
 * - phase: by version number, segment by segment (`phase-3.10` > `phase-3.9` > `phase-3`);
 *   phases that are not numbers (`phase-beta`) rank below every numbered phase.
 * - priority: `low` < `medium` < `high`; any other value ranks below `low`.
 * - track and state: the order in which the config declares them (tracks first, then labels);
 *   undeclared labels rank below every declared one.
 *
 * Whatever an order cannot place ranks below what it can, and ties are broken by name
 * (case-insensitively, then exactly), so the same labels always give the same answer.
 */
export type LabelComparator = (a: string, b: string) => number;

export function groupOrder(group: GroupName, config: HostConfig): LabelComparator {
  switch (group) {
    case "phase":
      return comparePhases;
    case "priority":
      return comparePriorities;
    case "track":
    case "state":
      return compareByDeclaration(config);
  }
}

const NUMBERED = /^\d+(\.\d+)*$/;
const PRIORITY_RANK: Readonly<Record<string, number>> = { low: 0, medium: 1, high: 2 };

/** `phase-3.9` < `phase-3.10`; numbered phases above named ones. */
export function comparePhases(a: string, b: string): number {
  const left = suffix(a, GROUP_PREFIXES.phase);
  const right = suffix(b, GROUP_PREFIXES.phase);
  const leftNumbered = NUMBERED.test(left);
  const rightNumbered = NUMBERED.test(right);
  if (leftNumbered !== rightNumbered) return leftNumbered ? 1 : -1;
  if (leftNumbered) {
    const order = compareVersions(left.split("."), right.split("."));
    if (order !== 0) return order;
  }
  return compareNames(a, b);
}

/** `low` < `medium` < `high`; unknown priorities below `low`. */
export function comparePriorities(a: string, b: string): number {
  const rank = (label: string) => PRIORITY_RANK[labelKey(suffix(label, GROUP_PREFIXES.priority))] ?? -1;
  return rank(a) - rank(b) || compareNames(a, b);
}

/** Later in the config is higher; undeclared labels below declared ones. */
export function compareByDeclaration(config: HostConfig): LabelComparator {
  const position = new Map<string, number>();
  for (const name of [
    ...config.tracks.map((track) => track.label),
    ...config.labels.map((label) => label.name),
  ]) {
    if (!position.has(labelKey(name))) position.set(labelKey(name), position.size);
  }
  const rank = (label: string) => position.get(labelKey(label)) ?? -1;
  return (a, b) => rank(a) - rank(b) || compareNames(a, b);
}

/** Case-insensitive first, then exact, so distinct strings never tie. */
export function compareNames(a: string, b: string): number {
  return codePointOrder(labelKey(a), labelKey(b)) || codePointOrder(a, b);
}

function compareVersions(left: string[], right: string[]): number {
  for (let index = 0; index < Math.min(left.length, right.length); index += 1) {
    const order = compareDigits(left[index], right[index]);
    if (order !== 0) return order;
  }
  return left.length - right.length;
}

/** Compares digit strings of any length numerically, without the precision limits of `Number`. */
function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, "");
  const y = b.replace(/^0+(?=\d)/, "");
  return x.length - y.length || codePointOrder(x, y);
}

function suffix(label: string, prefix: string): string {
  return label.slice(prefix.length);
}

function codePointOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
