import { HOST_CONFIG_PATH } from "../../../src/config/config-model.js";
import { ENGINE_REF, maintainerToken } from "./world-spec.js";
import type { AcceptanceWorld, CliRun } from "./world.js";

/** `task-assistant install --repo O/R --ref v1` (the channel of ENGINE_REF), run by the repository's maintainer with their token. */
export function install(
  world: AcceptanceWorld,
  fullName: string,
  ref = ENGINE_REF.replace(/^(v\d+)\..*$/, "$1"),
): Promise<CliRun> {
  const owner = fullName.split("/")[0];
  return world.cli(["install", "--repo", fullName, "--ref", ref], { env: world.maintainerEnv(owner) });
}

/** The maintainer's API client for `owner`'s repositories. */
export function maintainerClient(world: AcceptanceWorld, owner: string) {
  return world.github.client(maintainerToken(world.maintainerOf(owner)));
}

/** The maintainer commits `text` as the host config on the default branch (through the contents API). */
export async function commitConfig(world: AcceptanceWorld, fullName: string, text: string, message: string) {
  const [owner, repo] = fullName.split("/");
  const client = maintainerClient(world, owner);
  let sha: string | undefined;
  try {
    const { data } = await client.rest.repos.getContent({ owner, repo, path: HOST_CONFIG_PATH });
    sha = (data as { sha: string }).sha;
  } catch (error) {
    if ((error as { status?: number }).status !== 404) throw error;
  }
  await client.rest.repos.createOrUpdateFileContents({
    owner,
    repo,
    path: HOST_CONFIG_PATH,
    message,
    content: Buffer.from(text).toString("base64"),
    ...(sha === undefined ? {} : { sha }),
  });
}

/** The maintainer opens an issue with `labels` in one request; returns its number. */
export async function openIssue(
  world: AcceptanceWorld,
  fullName: string,
  title: string,
  labels: string[],
): Promise<number> {
  const [owner, repo] = fullName.split("/");
  const { data } = await maintainerClient(world, owner).rest.issues.create({ owner, repo, title, labels });
  return data.number;
}

/** The maintainer adds `labels` to an issue in one edit (as the prior validation's step e does). */
export async function addLabels(world: AcceptanceWorld, fullName: string, issue: number, labels: string[]) {
  const [owner, repo] = fullName.split("/");
  await maintainerClient(world, owner).rest.issues.addLabels({ owner, repo, issue_number: issue, labels });
}
