import { dispatchMode } from "./dispatcher.js";
import { install } from "./maintainer.js";
import { changeRegistry, register } from "./operator.js";
import type { AcceptanceWorld } from "./world.js";

/**
 * The serial preparation the prior validation matrix calls steps a–c, for scenarios where it is the
 * background rather than the subject: the operator registers every repository in one pull request,
 * each maintainer installs Task Assistant, and materialize prepares each repository. Fails the
 * scenario with the command's output when any step does not succeed.
 */
export async function prepareHosts(
  world: AcceptanceWorld,
  repos: readonly string[],
  options: { context?: "sandbox" | "production"; materialize?: boolean } = {},
): Promise<void> {
  await changeRegistry(
    world,
    `onboard-${repos.length}-repositories`,
    repos.map((repo) => register(repo, options.context ?? "sandbox")),
  );
  for (const repo of repos) {
    const installed = await install(world, repo);
    if (installed.code !== 0)
      throw new Error(`install ${repo} exited ${installed.code}: ${installed.stderr}`);
    if (options.materialize === false) continue;
    const materialized = await dispatchMode(world, repo, "materialize", `prepare-${repo.replace("/", "-")}`);
    if (materialized.code !== 0)
      throw new Error(
        `materialize ${repo} exited ${materialized.code}: ${materialized.stderr}${materialized.stdout}`,
      );
  }
}
