import type { Problem } from "../../errors.js";
import { capProblems, countProblems, moreProblems } from "../../util/problem-list.js";

/**
 * GitHub Actions output for config problems: `::error` workflow commands (shown on the file in the
 * pull request) and a Markdown table for the job summary. Pure formatting; the command writes them.
 */

/** One `::error file=...,line=L,col=C,title=...::message` line, escaped as the runner expects. */
export function formatAnnotation(problem: Problem, file: string): string {
  const properties = [
    `file=${escapeProperty(file)}`,
    ...(problem.line === undefined ? [] : [`line=${problem.line}`]),
    ...(problem.col === undefined ? [] : [`col=${problem.col}`]),
    `title=${escapeProperty(`task-assistant config ${problem.path === "" ? "(document)" : problem.path}`)}`,
  ];
  const message = problem.hint === undefined ? problem.message : `${problem.message}. Fix: ${problem.hint}`;
  return `::error ${properties.join(",")}::${escapeData(message)}\n`;
}

/**
 * The job-summary section: a heading, the verdict and a table of the first problems (GitHub caps a
 * step summary at 1 MiB), with "and N more" under it.
 */
export function formatStepSummary(file: string, problems: readonly Problem[]): string {
  const heading = `### Task Assistant config: \`${file}\`\n\n`;
  if (problems.length === 0) return `${heading}✅ Valid.\n\n`;
  const { shown, omitted } = capProblems(problems);
  const rows = shown.map(
    (problem) =>
      `| ${problem.line ?? ""} | ${problem.col ?? ""} | \`${cell(problem.path || "/")}\` | ${cell(problem.message)} | ${cell(problem.hint ?? "")} |`,
  );
  return [
    heading,
    `❌ ${countProblems(problems.length)}.\n\n`,
    "| Line | Col | Path | Problem | Fix |\n",
    "|---:|---:|---|---|---|\n",
    ...rows.map((row) => `${row}\n`),
    omitted > 0 ? `\n…${moreProblems(omitted)}.\n` : "",
    "\n",
  ].join("");
}

function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}
