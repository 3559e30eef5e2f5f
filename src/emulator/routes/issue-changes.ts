import { validationFailed } from "../http/http-error.js";
import type { EmulatorState } from "../state/emulator-state.js";
import type { Account, Issue, IssueEvent, Label, Repo } from "../state/types.js";

/**
 * The changes one can make to an issue, each recording the issue event GitHub records for it
 * (labeled, unlabeled, milestoned, demilestoned, closed, reopened, assigned, unassigned, renamed)
 * with the actor and the time, and moving `updated_at`.
 */
export class IssueChanges {
  constructor(
    private readonly state: EmulatorState,
    private readonly repo: Repo,
    private readonly issue: Issue,
    private readonly actor: Account,
    private readonly now: number,
  ) {}

  private record(event: Omit<IssueEvent, "id" | "actorId" | "createdAt">): void {
    this.issue.events.push({
      id: this.state.nextId(),
      actorId: this.actor.id,
      createdAt: this.now,
      ...event,
    });
    this.issue.updatedAt = this.now;
  }

  /** Adds labels the issue does not have yet (by id), one `labeled` event each. */
  addLabels(labels: Label[]): void {
    for (const label of labels) {
      if (this.issue.labelIds.includes(label.id)) continue;
      this.issue.labelIds.push(label.id);
      this.record({ event: "labeled", label: { name: label.name, color: label.color } });
    }
  }

  removeLabel(label: Label): void {
    const index = this.issue.labelIds.indexOf(label.id);
    if (index === -1) return;
    this.issue.labelIds.splice(index, 1);
    this.record({ event: "unlabeled", label: { name: label.name, color: label.color } });
  }

  /** Makes the label set exactly `labels`: unlabeled events for removals, labeled for additions. */
  setLabels(labels: Label[]): void {
    const wanted = new Set(labels.map((label) => label.id));
    for (const id of [...this.issue.labelIds]) {
      if (wanted.has(id)) continue;
      const label = this.repo.labels.find((candidate) => candidate.id === id);
      if (label) this.removeLabel(label);
      else this.issue.labelIds.splice(this.issue.labelIds.indexOf(id), 1);
    }
    this.addLabels(labels);
  }

  setMilestone(number: number | null): void {
    if (this.issue.milestoneNumber === number) return;
    const previous = this.repo.milestones.find(
      (milestone) => milestone.number === this.issue.milestoneNumber,
    );
    if (previous) this.record({ event: "demilestoned", milestone: { title: previous.title } });
    this.issue.milestoneNumber = number;
    const next = this.repo.milestones.find((milestone) => milestone.number === number);
    if (next) this.record({ event: "milestoned", milestone: { title: next.title } });
  }

  setState(state: "open" | "closed", reason: Issue["stateReason"] | undefined): void {
    if (state === this.issue.state) {
      if (state === "closed" && reason !== undefined && reason !== this.issue.stateReason) {
        this.issue.stateReason = reason;
        this.issue.updatedAt = this.now;
      }
      return;
    }
    this.issue.state = state;
    if (state === "closed") {
      this.issue.closedAt = this.now;
      this.issue.closedById = this.actor.id;
      this.issue.stateReason = reason ?? "completed";
      this.record({ event: "closed", stateReason: this.issue.stateReason });
    } else {
      this.issue.closedAt = null;
      this.issue.closedById = null;
      this.issue.stateReason = "reopened";
      this.record({ event: "reopened", stateReason: "reopened" });
    }
  }

  setAssignees(accounts: Account[]): void {
    const wanted = new Set(accounts.map((account) => account.id));
    for (const id of [...this.issue.assigneeIds]) {
      if (wanted.has(id)) continue;
      this.issue.assigneeIds.splice(this.issue.assigneeIds.indexOf(id), 1);
      this.record({ event: "unassigned", assigneeId: id });
    }
    for (const account of accounts) {
      if (this.issue.assigneeIds.includes(account.id)) continue;
      this.issue.assigneeIds.push(account.id);
      this.record({ event: "assigned", assigneeId: account.id });
    }
  }

  setTitle(title: string): void {
    if (title === this.issue.title) return;
    this.record({ event: "renamed", rename: { from: this.issue.title, to: title } });
    this.issue.title = title;
  }

  setBody(body: string | null): void {
    if (body === this.issue.body) return;
    this.issue.body = body;
    this.issue.updatedAt = this.now;
  }
}

/**
 * The repository's labels for `names` (case-insensitive); names without a label are created with
 * GitHub's default colour, as GitHub does when labels are added to an issue by name.
 */
export function labelsByName(state: EmulatorState, repo: Repo, names: string[]): Label[] {
  const result: Label[] = [];
  for (const name of names) {
    const trimmed = name.trim();
    if (trimmed === "") throw validationFailed({ resource: "Label", code: "invalid", field: "name" });
    let label = repo.labels.find((candidate) => candidate.name.toLowerCase() === trimmed.toLowerCase());
    if (!label) {
      label = { id: state.nextId(), name: trimmed, color: "ededed", description: null, isDefault: false };
      repo.labels.push(label);
    }
    if (!result.includes(label)) result.push(label);
  }
  return result;
}

/** Accounts for assignee logins; 422 naming the first login GitHub would not accept. */
export function assigneesByLogin(state: EmulatorState, logins: string[]): Account[] {
  return logins.map((login) => {
    const account = state.account(login);
    if (!account || account.type === "Organization") {
      throw validationFailed({ resource: "Issue", code: "invalid", field: "assignees", value: login });
    }
    return account;
  });
}
