import type { HostConfig } from "../../config/config-model.js";
import { readMilestones } from "../../config/read-repo-inventory.js";
import { readLabelEvents } from "../../enforcement/read-issue.js";
import { InternalError } from "../../errors.js";
import type { GitHub } from "../../github/octokit.js";
import { listIssuePage, PAGE_SIZE } from "../../enforcement/list-issue-page.js";
import { reconcileIssues, type ReconcileReport } from "../../enforcement/reconcile-issues.js";

/** Listing pages a preview reads at most (GitHub's 100 issues each): 500 open issues. */
export const PREVIEW_PAGE_LIMIT = 5;

export interface PreviewOptions {
  config: HostConfig;
  config_sha: string;
  nowMs: () => number;
  page_limit?: number;
  page_size?: number;
}

/**
 * What reconcile would do to the repository's open issues under `config`: reconcile's own dry run
 * (same listing, same rules, same counts), reading at most `page_limit` listing pages. It can write
 * nothing: the writes it is given throw, and a dry run never calls them.
 */
export async function previewReconcile(
  github: GitHub,
  target: { owner: string; repo: string },
  options: PreviewOptions,
): Promise<ReconcileReport> {
  const refuse = (what: string) => () =>
    Promise.reject(new InternalError(`the reconcile preview tried to ${what}; it must write nothing`));
  const pageSize = options.page_size ?? PAGE_SIZE;
  return reconcileIssues(
    {
      listPage: (page, etag) => listIssuePage(github, target, page, etag, pageSize),
      labelEvents: (number) => readLabelEvents(github, target, number),
      milestones: () => readMilestones(github, target),
      removeLabel: refuse("remove a label"),
      setMilestone: refuse("set a milestone"),
      nowMs: options.nowMs,
      // A dry run paces no writes, so it never waits.
      sleep: () => Promise.resolve(),
    },
    {
      config: options.config,
      config_sha: options.config_sha,
      dry_run: true,
      write_budget: Number.MAX_SAFE_INTEGER,
      page_size: pageSize,
      page_limit: options.page_limit ?? PREVIEW_PAGE_LIMIT,
    },
  );
}
