import { access, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { PolicyError, UsageError, ValidationError } from "../errors.js";
import { canonicalJson } from "../util/canonical-json.js";
import { gitBlobSha } from "../util/git-blob-sha.js";
import {
  journalTempPath,
  recoverAtomicWrite,
  tempPathFor,
  type RecoveryOutcome,
  writeFilesAtomically,
  type AtomicWriteHooks,
} from "./atomic-file-set.js";
import type { MutationPlan } from "./mutation-plan.js";
import { decodeInfraFileOrThrow } from "./decode-infra-file.js";
import { readRegistryBytes, type RegistrySnapshot } from "./registry-snapshot.js";
import {
  CHANGELOG_PATH,
  CURRENT_SCHEMA_VERSION,
  REGISTRY_PATH,
  registryTimestamp,
  type RegistryV2,
} from "./registry-types.js";
import { isLockArtifact, withStoreLock, type StoreLockOptions } from "./store-lock.js";
import { changelogLineText, validateChangelogText, type ChangelogValidation } from "./validate-changelog.js";
import { pathExists } from "../util/path-exists.js";

export const JOURNAL_PATH = "infra/.infra-txn.json";
export const LOCK_PATH = "infra/.infra-txn.lock";

/**
 * Files the store itself may leave beside the registry (lock, journal, staged temps) while a
 * command runs or after a crash. They are never committed; guards ignore them (`isStorePrivatePath`)
 * and `infra init` lists them in `.gitignore`. `LOCK_PATH.*` stands for the lock's signature temps
 * and takeover claims.
 */
export const STORE_PRIVATE_PATHS: readonly string[] = [
  LOCK_PATH,
  `${LOCK_PATH}.*`,
  JOURNAL_PATH,
  journalTempPath(JOURNAL_PATH),
  tempPathFor(REGISTRY_PATH),
  tempPathFor(CHANGELOG_PATH),
];

const PRIVATE_FILES = new Set(STORE_PRIVATE_PATHS);

/** Whether `path` (relative to the checkout) is one of the store's transient files. */
export function isStorePrivatePath(path: string): boolean {
  return PRIVATE_FILES.has(path) || isLockArtifact(path, LOCK_PATH);
}

export interface StoreState {
  root: string;
  registrySha: string;
  snapshot: RegistrySnapshot;
  /** Undefined when the changelog file does not exist yet. */
  changelogText: string | undefined;
  changelogSha: string | undefined;
  changelog: ChangelogValidation;
}

export type AppliedMutation = Extract<MutationPlan, { ok: true }> & { registrySha: string };

/**
 * The infra checkout containing `start`: the nearest directory, from `start` upwards, that holds
 * `infra/telemetry-registry.v2.json`.
 */
export async function findInfraRoot(start: string): Promise<string> {
  let directory = resolve(start);
  for (;;) {
    try {
      await access(join(directory, REGISTRY_PATH));
      return directory;
    } catch {
      const parent = dirname(directory);
      if (parent === directory) {
        throw new UsageError(`no ${REGISTRY_PATH} in ${resolve(start)} or any directory above it`, {
          hint: "run this inside a checkout of the infra repository, or create one with `task-assistant infra init`",
        });
      }
      directory = parent;
    }
  }
}

/**
 * Completes, undoes or discards a registry write that a crash interrupted (see
 * `writeFilesAtomically`).
 */
export async function recoverStore(root: string, lock: StoreLockOptions = {}): Promise<RecoveryOutcome> {
  return withStoreLock(
    root,
    LOCK_PATH,
    () => recoverAtomicWrite(root, JOURNAL_PATH, [REGISTRY_PATH, CHANGELOG_PATH]),
    lock,
  );
}

/**
 * Reads and validates the registry and changelog of a checkout, first completing any write a crash
 * interrupted, so a reader never sees one file changed without the other.
 */
export async function readStore(root: string): Promise<StoreState> {
  if (await pathExists(join(root, JOURNAL_PATH))) await recoverStore(root);
  return readFiles(root);
}

/**
 * Reads and validates only the registry (what `resolve` and `list` need), completing an
 * interrupted write first.
 */
export async function readRegistryFile(
  root: string,
): Promise<{ registrySha: string; snapshot: RegistrySnapshot }> {
  if (await pathExists(join(root, JOURNAL_PATH))) await recoverStore(root);
  const registryBytes = await readRegistryFileBytes(root);
  const registrySha = gitBlobSha(registryBytes);
  return {
    registrySha,
    snapshot: readRegistryBytes(registryBytes, { sha: registrySha, file: REGISTRY_PATH }),
  };
}

async function readRegistryFileBytes(root: string): Promise<Buffer> {
  return readFile(join(root, REGISTRY_PATH)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") {
      throw new UsageError(`${REGISTRY_PATH} does not exist in ${root}`, {
        hint: "create it with `task-assistant infra init`",
      });
    }
    throw error;
  });
}

async function readFiles(root: string): Promise<StoreState> {
  const registryBytes = await readRegistryFileBytes(root);
  const changelogBytes = await readFile(join(root, CHANGELOG_PATH)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  const changelogText =
    changelogBytes === undefined ? undefined : decodeInfraFileOrThrow(changelogBytes, CHANGELOG_PATH);
  const registrySha = gitBlobSha(registryBytes);
  return {
    root,
    registrySha,
    snapshot: readRegistryBytes(registryBytes, { sha: registrySha, file: REGISTRY_PATH }),
    changelogText,
    changelogSha: changelogBytes === undefined ? undefined : gitBlobSha(changelogBytes),
    changelog: validateChangelogText(changelogText ?? "", { file: CHANGELOG_PATH }),
  };
}

export interface MutateOptions {
  /** Runs under the lock before the files are read: the git guards. */
  beforeRead?: () => Promise<void>;
  hooks?: AtomicWriteHooks;
  lock?: StoreLockOptions;
}

/**
 * The one executor of registry mutations: under the checkout's lock, recovers any interrupted
 * write, runs the guards, reads and validates both files, asks the pure `planner` for the change,
 * and writes the canonical registry and the changelog with its new line in one atomic step.
 * Refusals throw `PolicyError`; an invalid registry or changelog throws `ValidationError`. Files
 * are untouched unless the whole change is written.
 */
export async function mutateRegistry(
  root: string,
  planner: (registry: RegistryV2) => MutationPlan,
  options: MutateOptions = {},
): Promise<AppliedMutation> {
  return withStoreLock(
    root,
    LOCK_PATH,
    async () => {
      await recoverAtomicWrite(root, JOURNAL_PATH, [REGISTRY_PATH, CHANGELOG_PATH]);
      await options.beforeRead?.();
      const state = await readFiles(root);
      const { snapshot, changelog } = state;
      if (!snapshot.valid || snapshot.registry === undefined) {
        throw new ValidationError(
          `${REGISTRY_PATH} is invalid; it cannot be changed until it is repaired`,
          snapshot.problems,
          {
            hint: "fix the problems listed (see `task-assistant infra validate`), then run the command again",
          },
        );
      }
      if (!changelog.valid) {
        throw new ValidationError(
          `${CHANGELOG_PATH} is invalid; no line can be appended to it`,
          changelog.problems,
          {
            hint: "fix the problems listed (see `task-assistant infra validate`), then run the command again",
          },
        );
      }
      const plan = planner(snapshot.registry);
      if (!plan.ok) throw new PolicyError(plan.refusal.message, { hint: plan.refusal.hint });
      const registryText = canonicalJson(plan.registry);
      await mkdir(dirname(join(root, CHANGELOG_PATH)), { recursive: true });
      await writeFilesAtomically(
        root,
        JOURNAL_PATH,
        [
          { path: REGISTRY_PATH, content: registryText, beforeSha: state.registrySha },
          {
            path: CHANGELOG_PATH,
            content: `${state.changelogText ?? ""}${changelogLineText(plan.line)}`,
            beforeSha: state.changelogSha ?? null,
          },
        ],
        options.hooks,
      );
      return { ...plan, registrySha: gitBlobSha(registryText) };
    },
    options.lock,
  );
}

/**
 * Writes an empty registry (`orgs: {}`) and an empty changelog into `root`, refusing to overwrite
 * an existing registry.
 */
export async function initStore(root: string, options: { now: Date; description: string }): Promise<void> {
  if (await pathExists(join(root, REGISTRY_PATH))) {
    throw new PolicyError(`${join(root, REGISTRY_PATH)} already exists`, {
      hint: "this directory is already an infra checkout; change the registry with `task-assistant infra register`",
    });
  }
  const registry: RegistryV2 = {
    schema_version: CURRENT_SCHEMA_VERSION,
    generated_at: registryTimestamp(options.now),
    description: options.description,
    orgs: {},
  };
  await mkdir(dirname(join(root, CHANGELOG_PATH)), { recursive: true });
  if (!(await pathExists(join(root, CHANGELOG_PATH)))) await writeFile(join(root, CHANGELOG_PATH), "");
  await writeFile(join(root, REGISTRY_PATH), canonicalJson(registry), { flag: "wx" });
}
