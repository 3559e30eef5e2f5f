import type { ChangelogLine } from "../registry/registry-types.js";

/** A PR title that says what the change does: `infra: register acme/widgets`, or a count. */
export function pullRequestTitle(lines: readonly ChangelogLine[]): string {
  if (lines.length === 1) return `infra: ${lines[0].action} ${lines[0].owner}/${lines[0].repo}`;
  const actions = lines.map((line) => `${line.action} ${line.owner}/${line.repo}`);
  const title = `infra: ${lines.length} registry changes (${actions.join(", ")})`;
  return title.length <= 120 ? title : `infra: ${lines.length} registry changes`;
}

/** The PR body: each change in words, then the exact changelog lines the branch adds. */
export function pullRequestBody(lines: readonly ChangelogLine[], rawLines: readonly string[]): string {
  const rows = lines.map(
    (line) =>
      `| ${line.action} | \`${line.owner}/${line.repo}\` | ${line.context ?? ""} | ${line.telemetry_repo === undefined ? "" : `\`${line.telemetry_repo}\``} | ${line.reason.replace(/\|/g, "\\|").replace(/\n/g, " ")} |`,
  );
  return [
    "Registry change made with `task-assistant infra`. `infra pr merge` re-validates the registry and",
    "changelog at this pull request's head before merging.",
    "",
    "| action | repository | context | telemetry repo | reason |",
    "|---|---|---|---|---|",
    ...rows,
    "",
    "Changelog lines added (`infra/changelog/infra-changelog.jsonl`):",
    "",
    "```jsonl",
    ...rawLines,
    "```",
    "",
  ].join("\n");
}
