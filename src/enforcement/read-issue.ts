import type { GitHub } from "../github/octokit.js";
import type { TimelineEvent } from "./circuit-breaker.js";
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

/** One issue event as enforce reads it. */
export interface IssueEvent {
  event: string;
  label?: string;
  actor?: string;
  actor_is_bot: boolean;
  created_at: string;
}

/**
 * The issue's events: `GET /repos/{o}/{r}/issues/{n}/events`, every page. Enforce reads them at most
 * once per run, and only when strategy `latest` or the circuit breaker needs them.
 */
export async function readIssueEvents(
  github: GitHub,
  target: { owner: string; repo: string },
  issueNumber: number,
): Promise<IssueEvent[]> {
  const events = await github.paginate(github.rest.issues.listEvents, {
    owner: target.owner,
    repo: target.repo,
    issue_number: issueNumber,
    per_page: 100,
  });
  return events.map((event) => ({
    event: event.event,
    ...("label" in event && event.label?.name !== undefined ? { label: event.label.name } : {}),
    ...(event.actor?.login === undefined ? {} : { actor: event.actor.login }),
    actor_is_bot: event.actor?.type === "Bot",
    created_at: event.created_at,
  }));
}

/** The labels the issue's `labeled` events added, oldest first (one read of its events). */
export async function readLabelEvents(
  github: GitHub,
  target: { owner: string; repo: string },
  issueNumber: number,
): Promise<string[]> {
  return labelEventsOf(await readIssueEvents(github, target, issueNumber));
}

/** The labels the issue's `labeled` events added, oldest first. Pure. */
export function labelEventsOf(events: readonly IssueEvent[]): string[] {
  return events.flatMap((event) =>
    event.event === "labeled" && event.label !== undefined ? [event.label] : [],
  );
}

/** The issue's events timeline as the circuit breaker reads it (who changed what, when). Pure. */
export function timelineOf(events: readonly IssueEvent[]): TimelineEvent[] {
  return events.map((event) => ({
    event: event.event,
    actor: event.actor,
    actor_is_bot: event.actor_is_bot,
    created_at: event.created_at,
  }));
}
