import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from "node:crypto";
import type { Emulator } from "../routes/route-types.js";
import type { Account, App, Installation, Repo } from "../state/types.js";
import type { SeedDocument } from "./seed-types.js";

/**
 * Creates or updates a seeded App: its RSA key (given, kept, or generated), its `<slug>[bot]` account
 * and its permissions.
 */
export function upsertApp(
  emu: Emulator,
  seedApp: NonNullable<SeedDocument["apps"]>[number],
  now: number,
): App {
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

/** Creates or updates a seeded installation of an App on an account. */
export function upsertInstallation(
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
