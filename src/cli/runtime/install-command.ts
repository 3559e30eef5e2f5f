import { join } from "node:path";
import { UsageError } from "../../errors.js";
import { createGitHub } from "../../github/octokit.js";
import { assertInstallableRef, installHost } from "../../runtime/install-host.js";
import { parseRepoName } from "../../runtime/repo-name.js";
import { RUNTIME_MODES, type RuntimeMode } from "../../runtime/run-plan.js";
import { jsonOut, parseCommandArgs } from "../args.js";
import type { CliIO } from "../command.js";
import { githubAccessFromEnv } from "./github-access.js";
import { resolveAppSlug } from "./loop-guard-settings.js";
import { PACKAGE_ROOT } from "./package-info.js";

const FLAGS = {
  repo: { type: "string" },
  ref: { type: "string" },
  "runtime-mode": { type: "string" },
  "app-slug": { type: "string" },
  "dry-run": { type: "boolean" },
  json: { type: "boolean" },
} as const;

/**
 * `task-assistant install --repo O/R --ref v1 [--dry-run]`: the starter config (when the repo has
 * none) and the dispatcher calling REF, in one commit, or in a pull request when the default branch
 * is protected. Exit 0 installed, proposed or already current, 2 refused (floating ref in
 * marketplace mode, a ref the app repository does not have, bad flags), 3 GitHub failed.
 */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(args, FLAGS, "install");
  const repo = values.repo?.trim() ?? "";
  if (parseRepoName(repo) === undefined)
    throw new UsageError(
      repo === "" ? "--repo is required" : `--repo ${JSON.stringify(repo)} is not owner/repo`,
      {
        hint: "pass the host repository as --repo OWNER/REPO",
      },
    );
  const ref = values.ref?.trim() ?? "";
  if (ref === "")
    throw new UsageError("--ref is required", { hint: "pass the release to pin, e.g. --ref v1.4.0" });
  const runtimeMode = (values["runtime-mode"]?.trim() || "marketplace") as RuntimeMode;
  if (!RUNTIME_MODES.includes(runtimeMode))
    throw new UsageError(`--runtime-mode ${runtimeMode} is not one of ${RUNTIME_MODES.join(", ")}`, {
      hint: "use marketplace (release tags and SHAs) or development (any ref)",
    });
  assertInstallableRef(ref, runtimeMode);
  const appSlug = await resolveAppSlug(values["app-slug"], io.env);
  const access = await githubAccessFromEnv(io.env, io.signal, (line) => io.stderr(line));
  const [owner, name] = repo.split("/");
  const { token } = await access.tokens.issue({
    owner,
    repositories: [name],
    permissions: { contents: "write", workflows: "write" },
  });
  const result = await installHost(
    createGitHub({ baseUrl: access.baseUrl, auth: token, signal: io.signal }),
    {
      repo,
      ref,
      runtime_mode: runtimeMode,
      dry_run: values["dry-run"] === true,
      templates_dir: join(PACKAGE_ROOT, "templates", "host"),
      app_slug: appSlug,
    },
  );
  if (values.json) {
    io.stdout(jsonOut(result));
    return 0;
  }
  const lines = [
    ...result.writes.map(
      (file) =>
        `${result.dry_run ? "would write" : "wrote"} ${file.path} (${file.reason === "absent" ? "new" : "updated"})`,
    ),
    ...result.kept.map(
      (file) =>
        `kept ${file.path} (${file.reason === "identical" ? "already as pinned" : "exists; install never overwrites a config"})`,
    ),
    result.pull_request !== undefined
      ? `${result.branch} of ${repo} is protected: ${result.pull_request.created ? "opened" : "updated"} pull request #${result.pull_request.number} to install Task Assistant ${ref}: ${result.pull_request.url}`
      : result.commit_sha !== undefined
        ? `committed ${result.commit_sha.slice(0, 12)} on ${result.branch}: Task Assistant ${ref} installed in ${repo}`
        : result.writes.length === 0
          ? `${repo} already has Task Assistant ${ref}; no commit`
          : `dry run: nothing was written to ${repo}`,
  ];
  io.stdout(`${lines.join("\n")}\n`);
  return 0;
}
