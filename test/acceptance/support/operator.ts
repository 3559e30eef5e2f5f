import { CHANGELOG_PATH, REGISTRY_PATH } from "../../../src/registry/registry-types.js";
import { INFRA_NAME, OPS_ORG, TELEMETRY_NAME } from "./world-spec.js";
import type { AcceptanceWorld, CliRun } from "./world.js";

/** One registry change an operator makes with the `infra` CLI. */
export type RegistryChange =
  | {
      readonly action: "register";
      readonly repo: string;
      readonly context: "sandbox" | "production";
      readonly reason?: string;
    }
  | { readonly action: "enable" | "disable"; readonly repo: string; readonly reason?: string };

export const register = (
  repo: string,
  context: "sandbox" | "production" = "sandbox",
  reason = `Onboard ${repo}`,
): RegistryChange => ({ action: "register", repo, context, reason });
export const disable = (repo: string, reason = `Pause ${repo}`): RegistryChange => ({
  action: "disable",
  repo,
  reason,
});
export const enable = (repo: string, reason = `Resume ${repo}`): RegistryChange => ({
  action: "enable",
  repo,
  reason,
});

export interface MergedChange {
  /** Each command the operator ran, in order, with its output. */
  readonly steps: ReadonlyArray<{ readonly command: string } & CliRun>;
  /** The infra repository's main after the merge. */
  readonly mainSha: string;
}

/**
 * The operator's whole PR flow for `changes`: `infra branch`, one `infra` command per change,
 * `infra finalize`, a commit, `infra pr create`, `infra pr merge`. Any command that does not exit 0
 * fails the scenario with that command's output.
 */
export async function changeRegistry(
  world: AcceptanceWorld,
  branch: string,
  changes: readonly RegistryChange[],
): Promise<MergedChange> {
  const steps: Array<{ command: string } & CliRun> = [];
  const infra = async (...args: string[]) => {
    const result = await world.cli(["infra", ...args], { env: world.operatorEnv(), cwd: world.infraClone });
    steps.push({ command: `infra ${args.join(" ")}`, ...result });
    if (result.code !== 0)
      throw new Error(`\`task-assistant infra ${args.join(" ")}\` exited ${result.code}:\n${result.stderr}`);
    return result;
  };
  await infra("branch", branch);
  for (const change of changes) await infra(...changeArgs(change));
  await infra("finalize");
  await world.git(world.infraClone, "commit", "-q", "-m", `infra: ${branch}`);
  await infra("pr", "create");
  await infra("pr", "merge");
  const { data } = await world.github
    .client()
    .rest.git.getRef({ owner: OPS_ORG, repo: INFRA_NAME, ref: "heads/main" });
  return { steps, mainSha: data.object.sha };
}

function changeArgs(change: RegistryChange): string[] {
  const [owner, repo] = change.repo.split("/");
  const common = ["--owner", owner, "--repo", repo, "--reason", change.reason ?? change.action];
  if (change.action !== "register") return [change.action, ...common];
  return ["register", ...common, "--context", change.context, "--telemetry-repo", TELEMETRY_NAME];
}

/** The registry entry for `owner/repo` as it is on the infra repository's main. */
export async function registryEntry(world: AcceptanceWorld, fullName: string) {
  const [owner, repo] = fullName.split("/");
  const registry = JSON.parse(await infraFile(world, REGISTRY_PATH)) as {
    orgs: Record<string, { telemetry_repo: string; repos: Record<string, Record<string, string>> }>;
  };
  const org = registry.orgs[owner];
  return org === undefined ? undefined : { telemetry_repo: org.telemetry_repo, ...org.repos[repo] };
}

/** The changelog lines on the infra repository's main, parsed. */
export async function changelog(world: AcceptanceWorld): Promise<Array<Record<string, string>>> {
  return (await infraFile(world, CHANGELOG_PATH))
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, string>);
}

async function infraFile(world: AcceptanceWorld, path: string): Promise<string> {
  const { data } = await world.github
    .client()
    .rest.repos.getContent({ owner: OPS_ORG, repo: INFRA_NAME, path, ref: "main" });
  return Buffer.from((data as { content: string }).content, "base64").toString("utf8");
}
