import { createHash, randomBytes } from "node:crypto";
import { canonicalJson } from "../../util/canonical-json.js";
import { ValidationError } from "../../errors.js";
import type { Emulator } from "../routes/route-types.js";
import type { Account } from "../state/types.js";
import { checkSeedReferences } from "./check-seed-references.js";
import { upsertApp, upsertInstallation } from "./seed-apps.js";
import { upsertRepo } from "./seed-repo.js";
import type { SeedDocument, SeedResult } from "./seed-types.js";
import { validateSeed, type SeedInput } from "./validate-seed.js";

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
