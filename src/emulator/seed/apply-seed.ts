import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from "node:crypto";
import { canonicalJson } from "../../util/canonical-json.js";
import { ValidationError } from "../../errors.js";
import { adminAccount } from "../auth/principal.js";
import { protectionRulesFile } from "../git/branch-protection-rules.js";
import { commitFiles, createRepo } from "../repo-factory.js";
import { normaliseProtection } from "../routes/protection-body.js";
import type { Emulator } from "../routes/route-types.js";
import type { Account, App, Installation, Issue, Label, Repo } from "../state/types.js";
import { checkSeedReferences } from "./check-seed-references.js";
import type { SeedDocument, SeedIssue, SeedRepo, SeedResult } from "./seed-types.js";
import { validateSeed, type SeedInput } from "./validate-seed.js";

const time = (text: string | undefined, fallback: number) =>
  text === undefined ? fallback : Date.parse(text);

/**
 * Validates a seed (schema, then references) and applies it to the running local GitHub. A seed
 * with any problem is refused as a whole with a `ValidationError` listing every problem; nothing is
 * applied. Applying adds to the state: known accounts and repositories are extended. A seed already
 * applied to this state (same content) is not applied again, so restarting with the same `--seed`
 * does not duplicate its issues; its first result is answered.
 */
export async function applySeed(emu: Emulator, input: SeedInput, file?: string): Promise<SeedResult> {
  const parsed = validateSeed(input, file);
  if (parsed.problems) throw new ValidationError("the seed is invalid", parsed.problems);
  const seed = parsed.value;
  const digest = createHash("sha256").update(canonicalJson(seed)).digest("hex");
  const earlier = emu.state.appliedSeeds[digest];
  if (earlier !== undefined) return earlier as SeedResult;
  const problems = checkSeedReferences(emu.state, seed).map((problem) => ({
    ...problem,
    ...(file ? { file } : {}),
    ...parsed.locate(problem.path),
  }));
  if (problems.length > 0) throw new ValidationError("the seed refers to things that do not exist", problems);

  const result: SeedResult = { users: [], orgs: [], repos: [], apps: [], installations: [], tokens: [] };
  const now = emu.clock.now().getTime();
  const { state } = emu;

  for (const user of seed.users ?? []) {
    const account = upsertAccount(emu, user.login, "User", user.id, now);
    if (user.name !== undefined) account.name = user.name;
    if (user.email !== undefined) account.email = user.email;
    if (user.site_admin !== undefined) account.siteAdmin = user.site_admin;
    result.users.push({ login: account.login, id: account.id });
  }
  for (const org of seed.orgs ?? []) {
    const account = upsertAccount(emu, org.login, "Organization", org.id, now);
    if (org.name !== undefined) account.name = org.name;
    if (org.email !== undefined) account.email = org.email;
    account.members ??= {};
    if (org.default_repository_permission)
      account.defaultRepositoryPermission = org.default_repository_permission;
    for (const member of org.members ?? []) {
      const login = typeof member === "string" ? member : member.login;
      const role = typeof member === "string" ? "member" : (member.role ?? "member");
      account.members[login.toLowerCase()] = role;
    }
    result.orgs.push({ login: account.login, id: account.id });
  }
  for (const seedApp of seed.apps ?? []) {
    const app = upsertApp(emu, seedApp, now);
    result.apps.push({ id: app.id, slug: app.slug, client_id: app.clientId, private_key: app.privateKeyPem });
  }
  for (const seedRepo of seed.repos ?? []) {
    const repo = await upsertRepo(emu, seedRepo, now);
    result.repos.push({ full_name: state.fullName(repo), id: repo.id, default_branch: repo.defaultBranch });
  }
  for (const seedInstallation of seed.installations ?? []) {
    const installation = upsertInstallation(emu, seedInstallation, now);
    result.installations.push({
      id: installation.id,
      app_id: installation.appId,
      account: state.accountOf(installation.accountId).login,
    });
  }
  for (const seedToken of seed.tokens ?? []) {
    const user = state.account(seedToken.user) as Account;
    const token = seedToken.token ?? `ghp_${randomBytes(18).toString("hex")}`;
    state.addToken({ token, kind: "user", userId: user.id, createdAt: now, rateLimit: seedToken.rate_limit });
    result.tokens.push({ token, user: user.login });
  }
  applyLimits(emu, seed.limits);
  state.appliedSeeds[digest] = result;
  state.changed();
  return result;
}

function applyLimits(emu: Emulator, limits: SeedDocument["limits"]): void {
  if (!limits) return;
  const target = emu.state.limits;
  if (limits.primary_per_hour !== undefined) target.primaryPerHour = limits.primary_per_hour;
  if (limits.unauthenticated_per_hour !== undefined)
    target.unauthenticatedPerHour = limits.unauthenticated_per_hour;
  if (limits.content_creation_per_minute !== undefined) {
    target.contentCreationPerMinute = limits.content_creation_per_minute;
  }
  if (limits.content_creation_per_hour !== undefined)
    target.contentCreationPerHour = limits.content_creation_per_hour;
}

function upsertAccount(
  emu: Emulator,
  login: string,
  type: "User" | "Organization",
  id: number | undefined,
  now: number,
): Account {
  const existing = emu.state.account(login);
  if (existing) return existing;
  return emu.state.addAccount({
    id: id ?? emu.state.nextId(),
    login,
    type,
    name: null,
    email: null,
    siteAdmin: false,
    createdAt: now,
    ...(type === "Organization" ? { members: {}, defaultRepositoryPermission: "read" as const } : {}),
  });
}

function upsertApp(emu: Emulator, seedApp: NonNullable<SeedDocument["apps"]>[number], now: number): App {
  const { state } = emu;
  const existing = state.appBySlug(seedApp.slug);
  let privateKeyPem = seedApp.private_key ?? existing?.privateKeyPem;
  let publicKeyPem = existing?.publicKeyPem;
  if (seedApp.private_key !== undefined || !privateKeyPem) {
    if (!privateKeyPem) {
      const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
      privateKeyPem = pair.privateKey.export({ type: "pkcs1", format: "pem" }).toString();
    }
    publicKeyPem = createPublicKey(createPrivateKey(privateKeyPem))
      .export({ type: "spki", format: "pem" })
      .toString();
  }
  const owner = state.account(seedApp.owner) as Account;
  if (existing) {
    existing.privateKeyPem = privateKeyPem;
    existing.publicKeyPem = publicKeyPem as string;
    if (seedApp.permissions) existing.permissions = seedApp.permissions;
    if (seedApp.events) existing.events = seedApp.events;
    if (seedApp.name) existing.name = seedApp.name;
    return existing;
  }
  const id = seedApp.id ?? state.nextId();
  const bot = state.addAccount({
    id: state.nextId(),
    login: `${seedApp.slug}[bot]`,
    type: "Bot",
    name: null,
    email: null,
    siteAdmin: false,
    createdAt: now,
    appId: id,
  });
  return state.addApp({
    id,
    slug: seedApp.slug,
    name: seedApp.name ?? seedApp.slug,
    description: seedApp.description ?? null,
    ownerId: owner.id,
    clientId: seedApp.client_id ?? `Iv1.${randomBytes(8).toString("hex")}`,
    privateKeyPem,
    publicKeyPem: publicKeyPem as string,
    permissions: seedApp.permissions ?? { metadata: "read" },
    events: seedApp.events ?? [],
    createdAt: now,
    updatedAt: now,
    botId: bot.id,
  });
}

function upsertInstallation(
  emu: Emulator,
  seedInstallation: NonNullable<SeedDocument["installations"]>[number],
  now: number,
): Installation {
  const { state } = emu;
  const app = state.appBySlug(seedInstallation.app) as App;
  const account = state.account(seedInstallation.account) as Account;
  const repositoryIds = (seedInstallation.repositories ?? []).map(
    (name) => (state.repo(account.login, name) as Repo).id,
  );
  const selection =
    seedInstallation.repository_selection ?? (seedInstallation.repositories ? "selected" : "all");
  const existing =
    (seedInstallation.id !== undefined ? state.installation(seedInstallation.id) : undefined) ??
    state
      .installations()
      .find((candidate) => candidate.appId === app.id && candidate.accountId === account.id);
  if (existing) {
    existing.repositorySelection = selection;
    existing.repositoryIds = repositoryIds;
    if (seedInstallation.permissions) existing.permissions = seedInstallation.permissions;
    existing.updatedAt = now;
    return existing;
  }
  return state.addInstallation({
    id: seedInstallation.id ?? state.nextId(),
    appId: app.id,
    accountId: account.id,
    repositorySelection: selection,
    repositoryIds,
    permissions: seedInstallation.permissions ?? app.permissions,
    events: seedInstallation.events ?? app.events,
    createdAt: now,
    updatedAt: now,
    suspendedAt: null,
  });
}

/** Who seeded content is by when the seed does not say: the owner, an org admin, or the site admin. */
function defaultAuthor(emu: Emulator, owner: Account): Account {
  if (owner.type === "User") return owner;
  const admin = Object.entries(owner.members ?? {}).find(([, role]) => role === "admin");
  return (admin && emu.state.account(admin[0])) || adminAccount(emu.state);
}

async function upsertRepo(emu: Emulator, seedRepo: SeedRepo, now: number): Promise<Repo> {
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
