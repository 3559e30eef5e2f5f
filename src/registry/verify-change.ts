import type { Problem } from "../errors.js";
import { canonicalJson } from "../util/canonical-json.js";
import { locateProblems } from "./locate-problems.js";
import { escapePointerToken } from "./parse-json.js";
import { CHANGELOG_PATH, REGISTRY_PATH, type ChangelogLine } from "./registry-types.js";
import { replayChangelog } from "./replay-changelog.js";
import { validateChangelogText } from "./validate-changelog.js";
import { validateRegistryText } from "./validate-registry.js";

/** The registry and changelog as text, at one commit (or in the working tree). */
export interface RegistryFiles {
  registryText: string;
  changelogText: string;
}

export interface ChangeVerification {
  ok: boolean;
  problems: Problem[];
  /** True when neither file differs from the base. */
  unchanged: boolean;
  /** The changelog lines the head adds, as objects and as their exact text. */
  addedLines: ChangelogLine[];
  addedRawLines: string[];
}

/**
 * Checks a proposed registry change against its base (`main`), as finalize and merge do: both
 * files valid; the changelog only appended to; and the head registry exactly what replaying the
 * added lines on the base registry produces — so every registry change has its changelog line and
 * nothing was edited by hand.
 */
export function verifyRegistryChange(
  base: RegistryFiles,
  head: RegistryFiles,
  options: { registryFile?: string; changelogFile?: string; baseName?: string } = {},
): ChangeVerification {
  const registryFile = options.registryFile ?? REGISTRY_PATH;
  const changelogFile = options.changelogFile ?? CHANGELOG_PATH;
  const baseName = options.baseName ?? "main";
  const result: ChangeVerification = {
    ok: false,
    problems: [],
    unchanged: false,
    addedLines: [],
    addedRawLines: [],
  };
  const headRegistry = validateRegistryText(head.registryText, { file: registryFile });
  const headChangelog = validateChangelogText(head.changelogText, { file: changelogFile });
  result.problems.push(...headRegistry.problems, ...headChangelog.problems);
  const baseRegistry = validateRegistryText(base.registryText, { file: `${baseName}:${registryFile}` });
  const baseChangelog = validateChangelogText(base.changelogText, { file: `${baseName}:${changelogFile}` });
  if (!baseRegistry.valid || !baseChangelog.valid) {
    result.problems.push({
      path: "",
      file: `${baseName}:${baseRegistry.valid ? changelogFile : registryFile}`,
      message: `the ${baseRegistry.valid ? "changelog" : "registry"} on ${baseName} is invalid, so the change cannot be checked against it`,
      hint: `run \`task-assistant infra validate\` on ${baseName} and repair it first`,
    });
  }
  if (result.problems.length > 0 || !headRegistry.valid || !baseRegistry.valid) return result;

  if (!head.changelogText.startsWith(base.changelogText)) {
    const index = firstDifferentLine(baseChangelog.rawLines, headChangelog.rawLines);
    result.problems.push({
      path: `/${index}`,
      file: changelogFile,
      line: index + 1,
      col: 1,
      message: `changelog line ${index + 1} differs from ${baseName}: existing lines are never changed or removed`,
      hint: `restore the lines from ${baseName} and append new ones with the infra CLI`,
    });
    return result;
  }
  const baseCount = baseChangelog.rawLines.length;
  result.addedLines = headChangelog.lines.slice(baseCount);
  result.addedRawLines = headChangelog.rawLines.slice(baseCount);

  if (result.addedLines.length === 0) {
    if (head.registryText === base.registryText) {
      result.unchanged = true;
      result.ok = true;
      return result;
    }
    result.problems.push(
      ...describeDifference(
        baseRegistry.registry,
        headRegistry.registry,
        head.registryText,
        registryFile,
        (detail) => `the registry changed without a changelog line (${detail})`,
      ),
    );
    return result;
  }

  const replay = replayChangelog(baseRegistry.registry, result.addedLines, result.addedRawLines, {
    firstLine: baseCount + 1,
    file: changelogFile,
  });
  if (!replay.ok) {
    result.problems.push(...replay.problems);
    return result;
  }
  if (canonicalJson(replay.registry) !== head.registryText) {
    result.problems.push(
      ...describeDifference(
        replay.registry,
        headRegistry.registry,
        head.registryText,
        registryFile,
        (detail) => `the registry is not what its changelog lines produce (${detail})`,
      ),
    );
    return result;
  }
  result.ok = true;
  return result;
}

function firstDifferentLine(base: readonly string[], head: readonly string[]): number {
  let index = 0;
  while (index < base.length && base[index] === head[index]) index++;
  return index;
}

function describeDifference(
  expected: unknown,
  actual: unknown,
  actualText: string,
  file: string,
  message: (detail: string) => string,
): Problem[] {
  const difference = firstDifference(expected, actual, "");
  if (difference === undefined) {
    return [
      {
        path: "",
        file,
        message: message("only the formatting differs"),
        hint: "the infra CLI writes the registry in canonical form; do not edit it by hand",
      },
    ];
  }
  const detail =
    difference.actual === undefined
      ? `${difference.path} is missing`
      : difference.expected === undefined
        ? `${difference.path} is unexpected`
        : `${difference.path} should be ${JSON.stringify(difference.expected)}`;
  return locateProblems(
    actualText,
    [
      {
        path: difference.path,
        message: message(detail),
        hint: "make registry changes only with the infra CLI, which writes the registry and its changelog line together",
        at: difference.actual === undefined ? "parent" : "value",
      },
    ],
    file,
  );
}

/** The first place (depth-first, keys sorted) where two JSON values differ. */
export function firstDifference(
  expected: unknown,
  actual: unknown,
  path: string,
): { path: string; expected: unknown; actual: unknown } | undefined {
  if (isRecord(expected) && isRecord(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
    for (const key of keys) {
      const inner = firstDifference(
        Object.hasOwn(expected, key) ? expected[key] : undefined,
        Object.hasOwn(actual, key) ? actual[key] : undefined,
        `${path}/${escapePointerToken(key)}`,
      );
      if (inner !== undefined) return inner;
    }
    return undefined;
  }
  return JSON.stringify(expected) === JSON.stringify(actual) ? undefined : { path, expected, actual };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
