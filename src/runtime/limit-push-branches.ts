import { isMap, type Document } from "yaml";

/** Characters GitHub's branch filters treat as patterns; a literal branch name escapes them. */
const FILTER_SPECIALS = /[*?+[\]!\\]/g;

/**
 * Limits a workflow's `on.push` trigger to `branch` (`branches: [<branch>]`): a config change pushed
 * to any other branch is validated by its pull request's run only, not a second time by the push.
 * Returns false when the workflow has no `push` trigger map to limit.
 *
 * @example limitPushToBranch(doc, "main") // on.push.branches is now [main]
 */
export function limitPushToBranch(doc: Document, branch: string): boolean {
  const on = doc.get("on", true);
  if (!isMap(on)) return false;
  const push = on.get("push", true);
  if (!isMap(push)) return false;
  const branches = doc.createNode([branch.replace(FILTER_SPECIALS, "\\$&")]);
  branches.flow = true;
  push.set("branches", branches);
  return true;
}
