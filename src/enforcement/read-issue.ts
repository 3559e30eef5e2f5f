import type { GitHub } from "../github/octokit.js";
import type { TimelineEvent } from "../runtime/circuit-breaker.js";
import type { IssueSnapshot } from "./enforcement-plan.js";

/** The one read enforce makes of the issue: `GET /repos/{o}/{r}/issues/{n}`. */
export async function readIssue(
  github: GitHub,
  target: { owner: string; repo: string },
  issueNumber: number,
): Promise<IssueSnapshot> {
  const { data } = await github.rest.issues.get({
    owner: target.owner,
    repo: target.repo,
    issue_number: issueNumber,
  });
  return {
    number: data.number,
    labels: data.labels.flatMap((label) => {
      const name = typeof label === "string" ? label : label.name;
      return name === undefined || name === "" ? [] : [name];
    }),
    milestone: data.milestone ? { number: data.milestone.number, title: data.milestone.title } : null,
  };
}

/**
 * The labels the issue's `labeled` events added, oldest first: `GET /repos/{o}/{r}/issues/{n}/events`,
 * every page. Read only when strategy `latest` has no label from the event to go by.
 */
export async function readLabelEvents(
  github: GitHub,
  target: { owner: string; repo: string },
  issueNumber: number,
): Promise<string[]> {
  const events = await github.paginate(github.rest.issues.listEvents, {
    owner: target.owner,
    repo: target.repo,
    issue_number: issueNumber,
    per_page: 100,
  });
  return events.flatMap((event) => {
    const name = "label" in event ? event.label.name : undefined;
    return event.event === "labeled" && name !== undefined ? [name] : [];
  });
}

/**
 * The issue's events timeline as the circuit breaker reads it (who changed what, when):
 * `GET /repos/{o}/{r}/issues/{n}/events`, every page. Read only when enforce is about to write.
 */
export async function readTimeline(
  github: GitHub,
  target: { owner: string; repo: string },
  issueNumber: number,
): Promise<TimelineEvent[]> {
  const events = await github.paginate(github.rest.issues.listEvents, {
    owner: target.owner,
    repo: target.repo,
    issue_number: issueNumber,
    per_page: 100,
  });
  return events.map((event) => ({
    event: event.event,
    actor: event.actor?.login,
    actor_is_bot: event.actor?.type === "Bot",
    created_at: event.created_at,
  }));
}
