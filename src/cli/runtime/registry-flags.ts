import { resolve } from "node:path";
import { ExternalError, UsageError } from "../../errors.js";
import { requestRegistryAnswer } from "../../github/broker-token-provider.js";
import { REGISTRY_PATH } from "../../registry/registry-types.js";
import { parseRepoName } from "../../runtime/repo-name.js";
import { loadRegistry, type LoadedRegistry } from "../../runtime/registry-source.js";
import type { GitHubAccess } from "./github-access.js";

type Env = Readonly<Record<string, string | undefined>>;

/** `--registry FILE` or `--infra-repo O/R` (or `TA_INFRA_REPO`): exactly one source of the registry. */
export function registryChoice(
  flags: { registry?: string | undefined; "infra-repo"?: string | undefined },
  env: Env,
  command: string,
): { kind: "file"; path: string } | { kind: "infra-repo"; repo: string } {
  const file = flags.registry?.trim();
  const repo = flags["infra-repo"]?.trim() || (file ? undefined : env.TA_INFRA_REPO?.trim() || undefined);
  if (file && repo)
    throw new UsageError("--registry and --infra-repo both name a registry", {
      hint: "pass one of them: a local registry file, or the infra repository to read it from",
    });
  if (file) return { kind: "file", path: file };
  if (repo) {
    if (parseRepoName(repo) === undefined)
      throw new UsageError(`--infra-repo ${JSON.stringify(repo)} is not owner/repo`, {
        hint: "pass the infra repository as OWNER/REPO",
      });
    return { kind: "infra-repo", repo };
  }
  throw new UsageError("no registry given", {
    hint: `pass --infra-repo OWNER/REPO (or set TA_INFRA_REPO), or --registry FILE; see \`task-assistant ${command} --help\``,
  });
}

/** Reads the chosen registry: the file, or the infra repository's default branch with the infra credentials. */
export async function readChosenRegistry(
  choice: ReturnType<typeof registryChoice>,
  access: GitHubAccess,
  cwd: string,
  targetRepo: string,
): Promise<LoadedRegistry> {
  if (choice.kind === "file") {
    return loadRegistry({ kind: "file", path: resolve(cwd, choice.path), label: choice.path });
  }
  if (access.source.kind === "broker") {
    // On GitHub Actions the broker, not the host's job, reads the private infra repository.
    const source = `token broker (${choice.repo})`;
    try {
      const answer = await requestRegistryAnswer(access.source, targetRepo);
      return { kind: "answered", repo: targetRepo, answer, source };
    } catch (error) {
      if (!(error instanceof ExternalError)) throw error;
      return { kind: "unreadable", reason: error.message, source };
    }
  }
  let github;
  try {
    github = await access.infraClient(choice.repo);
  } catch (error) {
    // No credentials for the infra repository is a preflight failure, not a crash.
    if (!(error instanceof ExternalError)) throw error;
    return { kind: "unreadable", reason: error.message, source: `${choice.repo}:${REGISTRY_PATH}` };
  }
  return loadRegistry({ kind: "infra-repo", repo: choice.repo, github });
}
