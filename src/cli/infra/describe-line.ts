import type { ChangelogLine } from "../../registry/registry-types.js";

/** One changelog line as a short sentence: `register acme/widgets (sandbox): reason`. */
export function describeLine(line: ChangelogLine): string {
  const context = line.context === undefined ? "" : ` (${line.context})`;
  return `${line.action} ${line.owner}/${line.repo}${context}: ${line.reason}`;
}
