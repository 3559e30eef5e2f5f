import { httpStatusOf } from "../config/load-host-config.js";
import type { GitHub } from "../github/octokit.js";
import type { IssueSnapshot } from "./enforcement-plan.js";

/** Issues per listing page: GitHub's largest. */
export const PAGE_SIZE = 100;

export type IssuePage =
  | { status: "not-modified" }
  | {
      status: "ok";
      /** The page's entries, pull requests included (they count towards a full page). */
      entries: number;
      /** The open issues on the page, pull requests left out, oldest first. */
      issues: IssueSnapshot[];
      /** The page's ETag, sent back as `If-None-Match` next time. */
      etag?: string;
    };

/**
 * One page of the repository's open issues, oldest first (`GET /repos/{o}/{r}/issues?state=open&
 * sort=created&direction=asc&per_page=100&page=N`). With `etag`, the request is conditional: an
 * unchanged page answers 304, which costs no rate limit and carries no body.
 */
export async function listIssuePage(
  github: GitHub,
  target: { owner: string; repo: string },
  page: number,
  etag?: string,
  perPage = PAGE_SIZE,
): Promise<IssuePage> {
  try {
    const response = await github.rest.issues.listForRepo({
      owner: target.owner,
      repo: target.repo,
      state: "open",
      sort: "created",
      direction: "asc",
      per_page: perPage,
      page,
      ...(etag === undefined ? {} : { headers: { "if-none-match": etag } }),
    });
    const headerEtag = response.headers.etag;
    return {
      status: "ok",
      entries: response.data.length,
      issues: response.data
        .filter((issue) => issue.pull_request === undefined || issue.pull_request === null)
        .map((issue) => ({
          number: issue.number,
          labels: issue.labels.flatMap((label) => {
            const name = typeof label === "string" ? label : label.name;
            return name === undefined || name === "" ? [] : [name];
          }),
          milestone: issue.milestone
            ? { number: issue.milestone.number, title: issue.milestone.title }
            : null,
        })),
      ...(typeof headerEtag === "string" && headerEtag !== "" ? { etag: headerEtag } : {}),
    };
  } catch (error) {
    if (etag !== undefined && httpStatusOf(error) === 304) return { status: "not-modified" };
    throw error;
  }
}
