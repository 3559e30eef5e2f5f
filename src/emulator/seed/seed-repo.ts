import { adminAccount } from "../auth/principal.js";
import { protectionRulesFile } from "../git/branch-protection-rules.js";
import { commitFiles, createRepo } from "../repo-factory.js";
import { normaliseProtection } from "../routes/protection-body.js";
import type { Emulator } from "../routes/route-types.js";
import type { Account, Issue, Label, Repo } from "../state/types.js";
import type { SeedIssue, SeedRepo } from "./seed-types.js";

const time = (text: string | undefined, fallback: number) =>
  text === undefined ? fallback : Date.parse(text);

/** Who seeded content is by when the seed does not say: the owner, an org admin, or the site admin. */
function defaultAuthor(emu: Emulator, owner: Account): Account {
  if (owner.type === "User") return owner;
  const admin = Object.entries(owner.members ?? {}).find(([, role]) => role === "admin");
  return (admin && emu.state.account(admin[0])) || adminAccount(emu.state);
}

/**
 * Creates a seeded repository (with its initial commit) or extends a known one: branches, tags,
 * collaborators, labels, milestones, issues with comments, and branch protection.
 */
export async function upsertRepo(emu: Emulator, seedRepo: SeedRepo, now: number): Promise<Repo> {
  const { state, git } = emu;
  const [ownerLogin, name] = seedRepo.name.split("/");
  const owner = state.account(ownerLogin) as Account;
  const author = defaultAuthor(emu, owner);
  const createdAt = time(seedRepo.created_at, now);
  let repo = state.repo(ownerLogin, name);
  if (!repo) {
    repo = await createRepo(
      emu,
      owner,
      {
        name,
        private: seedRepo.private ?? false,
        description: seedRepo.description ?? null,
        defaultBranch: seedRepo.default_branch ?? "main",
        files: seedRepo.files,
        author,
        now: createdAt,
      },
      seedRepo.default_labels ?? false,
    );
    if (seedRepo.id !== undefined && !state.repoById(seedRepo.id)) {
      state.removeRepo(repo);
      repo.id = seedRepo.id;
      state.addRepo(repo);
    }
  } else {
    if (seedRepo.private !== undefined) repo.private = seedRepo.private;
    if (seedRepo.description !== undefined) repo.description = seedRepo.description;
    if (seedRepo.files && Object.keys(seedRepo.files).length > 0) {
      await commitFiles(
        emu,
        state.fullName(repo),
        repo.defaultBranch,
        seedRepo.files,
        author,
        now,
        "Seed files",
      );
      repo.pushedAt = now;
    }
  }
  const fullName = state.fullName(repo);
  const head = await git.resolveBranch(fullName, repo.defaultBranch);
  for (const branch of seedRepo.branches ?? []) {
    if (head && !(await git.resolveBranch(fullName, branch))) {
      await git.compareAndSwapRef(fullName, `refs/heads/${branch}`, null, head);
    }
  }
  for (const tag of seedRepo.tags ?? []) {
    if (head && !(await git.resolveRef(fullName, `refs/tags/${tag}`))) {
      await git.compareAndSwapRef(fullName, `refs/tags/${tag}`, null, head);
    }
  }
  for (const collaborator of seedRepo.collaborators ?? []) {
    const user = state.account(collaborator.login) as Account;
    repo.collaborators[String(user.id)] = collaborator.permission ?? "push";
  }
  const labels = new Map(repo.labels.map((label) => [label.name.toLowerCase(), label]));
  for (const seedLabel of seedRepo.labels ?? []) {
    const color = seedLabel.color?.replace(/^#/, "") ?? "ededed";
    const existing = labels.get(seedLabel.name.toLowerCase());
    if (existing) {
      existing.color = color;
      if (seedLabel.description !== undefined) existing.description = seedLabel.description;
      continue;
    }
    const label: Label = {
      id: state.nextId(),
      name: seedLabel.name,
      color,
      description: seedLabel.description ?? null,
      isDefault: false,
    };
    repo.labels.push(label);
    labels.set(label.name.toLowerCase(), label);
  }
  for (const seedMilestone of seedRepo.milestones ?? []) {
    if (repo.milestones.some((milestone) => milestone.title === seedMilestone.title)) continue;
    const created = time(seedMilestone.created_at, now);
    repo.milestones.push({
      id: state.nextId(),
      number: repo.nextMilestoneNumber,
      title: seedMilestone.title,
      description: seedMilestone.description ?? null,
      state: seedMilestone.state ?? "open",
      dueOn: seedMilestone.due_on === undefined ? null : Date.parse(seedMilestone.due_on),
      createdAt: created,
      updatedAt: created,
      closedAt: seedMilestone.state === "closed" ? created : null,
      creatorId: author.id,
    });
    repo.nextMilestoneNumber += 1;
  }
  for (const seedIssue of seedRepo.issues ?? []) addSeedIssue(emu, repo, seedIssue, labels, author, now);
  for (const [branch, body] of Object.entries(seedRepo.protection ?? {})) {
    repo.protections[branch] = normaliseProtection(body);
  }
  if (seedRepo.protection) await git.writeProtectionRules(fullName, protectionRulesFile(repo));
  return repo;
}

function addSeedIssue(
  emu: Emulator,
  repo: Repo,
  seedIssue: SeedIssue,
  labels: Map<string, Label>,
  author: Account,
  now: number,
): void {
  const { state } = emu;
  const user = seedIssue.user ? (state.account(seedIssue.user) as Account) : author;
  const createdAt = time(seedIssue.created_at, now);
  const comments = (seedIssue.comments ?? []).map((comment) => {
    const at = time(comment.created_at, createdAt);
    const commenter = comment.user ? (state.account(comment.user) as Account) : user;
    return { id: state.nextId(), body: comment.body, userId: commenter.id, createdAt: at, updatedAt: at };
  });
  const closed = seedIssue.state === "closed";
  const lastActivity = Math.max(createdAt, ...comments.map((comment) => comment.createdAt));
  const closedAt = closed ? time(seedIssue.closed_at, lastActivity) : null;
  const updatedAt = time(seedIssue.updated_at, Math.max(lastActivity, closedAt ?? 0));
  const labelIds: number[] = [];
  for (const name of seedIssue.labels ?? []) {
    let label = labels.get(name.toLowerCase());
    if (!label) {
      label = { id: state.nextId(), name, color: "ededed", description: null, isDefault: false };
      repo.labels.push(label);
      labels.set(name.toLowerCase(), label);
    }
    if (!labelIds.includes(label.id)) labelIds.push(label.id);
  }
  const milestone = seedIssue.milestone
    ? repo.milestones.find((candidate) => candidate.title === seedIssue.milestone)
    : undefined;
  const issue: Issue = {
    id: state.nextId(),
    number: repo.issues.length + 1,
    title: seedIssue.title,
    body: seedIssue.body ?? null,
    userId: user.id,
    state: closed ? "closed" : "open",
    stateReason: closed ? (seedIssue.state_reason ?? "completed") : null,
    labelIds,
    milestoneNumber: milestone?.number ?? null,
    assigneeIds: (seedIssue.assignees ?? []).map((login) => (state.account(login) as Account).id),
    locked: seedIssue.locked ?? false,
    createdAt,
    updatedAt,
    closedAt,
    closedById: closed ? user.id : null,
    isPull: false,
    authorAssociation: user.id === repo.ownerId ? "OWNER" : "NONE",
    comments,
    events: [],
  };
  if (issue.authorAssociation === "NONE") {
    const owner = state.accountOf(repo.ownerId);
    if (owner.members?.[user.login.toLowerCase()]) issue.authorAssociation = "MEMBER";
    else if (repo.collaborators[String(user.id)]) issue.authorAssociation = "COLLABORATOR";
  }
  repo.issues.push(issue);
}
