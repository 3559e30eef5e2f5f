import { access, appendFile, chmod, constants, mkdir, writeFile } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { UsageError } from "../errors.js";
import { npmInstallShim } from "./npm-install-shim.js";
import { runCheckout } from "./run-checkout.js";
import type { RunState } from "./run-state.js";

export interface UsesStep {
  uses: string;
  inputs: Readonly<Record<string, string>>;
  workspace: string;
  /** The run's repository and commit: actions/checkout's defaults. */
  repository: string;
  sha: string;
  /** The job's GITHUB_TOKEN: actions/checkout's default token. */
  token: string;
  /** RUNNER_TEMP and the step's GITHUB_PATH file (setup-node adds its bin directory there). */
  temp: string;
  pathFile: string;
}

/** The absolute path of `command` on PATH, so the shim never runs itself. */
async function findOnPath(command: string, path: string | undefined): Promise<string> {
  for (const dir of (path ?? "").split(delimiter).filter(Boolean)) {
    const candidate = join(dir, command);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new UsageError(`actions/setup-node: no ${command} on PATH for the npm cache to fall back to`);
}

function flag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === "") return fallback;
  return value === "true";
}

/**
 * Performs the actions the runner knows: `actions/checkout` (a real clone from the local GitHub)
 * and `actions/setup-node` (checks that the requested Node.js major is present). Any other action
 * is refused by name, so a workflow never passes here by skipping a step it depends on. Returns the
 * step's log.
 */
export async function runUsesStep(state: RunState, step: UsesStep): Promise<string> {
  const [action = ""] = step.uses.split("@");
  if (action === "actions/checkout") {
    const repository = step.inputs.repository || step.repository;
    const fetchDepth = Number.parseInt(step.inputs["fetch-depth"] || "1", 10);
    if (!Number.isInteger(fetchDepth) || fetchDepth < 0) {
      throw new UsageError(
        `actions/checkout: fetch-depth must be a whole number ≥ 0, not ${step.inputs["fetch-depth"]}`,
      );
    }
    const sparse = (step.inputs["sparse-checkout"] ?? "")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "");
    const result = await runCheckout({
      workspace: step.workspace,
      gitUrl: state.options.github.gitUrl,
      repository,
      ref: step.inputs.ref ?? "",
      defaultRef: repository === step.repository ? step.sha : undefined,
      path: step.inputs.path || ".",
      fetchDepth,
      token: step.inputs.token || step.token,
      persistCredentials: flag(step.inputs["persist-credentials"], true),
      // actions/checkout: sparse-checkout patterns (cone mode unless turned off) imply blob:none.
      filter: step.inputs.filter || (sparse.length > 0 ? "blob:none" : undefined),
      sparse,
      sparseCone: flag(step.inputs["sparse-checkout-cone-mode"], true),
    });
    return `checked out ${repository} at ${result.ref === result.sha ? result.sha : `${result.ref} (${result.sha})`} into ${step.inputs.path || "."}\n`;
  }
  if (action === "actions/setup-node") {
    const wanted = step.inputs["node-version"] ?? "";
    if (wanted === "")
      throw new UsageError(
        "actions/setup-node: give node-version (e.g. 20); the runner does not download Node.js",
      );
    const major = /^v?(\d+)/.exec(wanted)?.[1];
    const present = state.nodeVersions.find((version) => version.replace(/^v/, "").split(".")[0] === major);
    if (major === undefined || present === undefined) {
      throw new UsageError(
        `actions/setup-node: Node.js ${wanted} is not present here (present: ${state.nodeVersions.join(", ")})`,
        { hint: "install that Node.js major, or ask for one that is present" },
      );
    }
    const prepared = state.options.preparedInstall;
    if (step.inputs.cache !== "npm" || prepared === undefined)
      return `Node.js ${present} is present for node-version ${wanted}\n`;
    // The runner's npm cache: `npm ci` of identical inputs reuses the prepared installation.
    const bin = join(step.temp, "setup-node-bin");
    await mkdir(bin, { recursive: true });
    await writeFile(
      join(bin, "npm"),
      npmInstallShim(prepared, state.options.npm ?? (await findOnPath("npm", state.baseEnv.PATH))),
    );
    await chmod(join(bin, "npm"), 0o755);
    await appendFile(step.pathFile, `${bin}\n`);
    return `Node.js ${present} is present for node-version ${wanted}; npm cache: the installation prepared in ${prepared.directory}\n`;
  }
  throw new UsageError(`the action ${step.uses} is not supported by the local runner`, {
    hint: "only actions/checkout and actions/setup-node are performed; use a run: step instead",
  });
}
