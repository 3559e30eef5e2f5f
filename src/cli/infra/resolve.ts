import { formatProblem } from "../../errors.js";
import { findInfraRoot, readRegistryFile } from "../../registry/registry-store.js";
import type { Resolution } from "../../registry/registry-snapshot.js";
import { canonicalJson } from "../../util/canonical-json.js";
import { parseCommandArgs } from "../args.js";
import type { CliIO } from "../command.js";

/** `task-assistant infra resolve O/R [--json]`: exit 0 ELIGIBLE, 1 not eligible, 2 unusable registry. */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { json: { type: "boolean" } }, "infra resolve", {
    min: 1,
    max: 1,
  });
  const root = await findInfraRoot(io.cwd);
  const { snapshot } = await readRegistryFile(root);
  const resolution = snapshot.resolve(positionals[0]);
  io.stdout(values.json === true ? canonicalJson(resolution) : describe(resolution));
  if (resolution.problems !== undefined && values.json !== true) {
    io.stderr(`${resolution.problems.map((problem) => `  ${formatProblem(problem)}`).join("\n")}\n`);
  }
  return exitCodeFor(resolution);
}

function describe(resolution: Resolution): string {
  const lines = [`${resolution.outcome} ${resolution.owner}/${resolution.repo}`];
  if (resolution.context !== undefined) lines.push(`  context:        ${resolution.context}`);
  if (resolution.state !== undefined) lines.push(`  state:          ${resolution.state}`);
  if (resolution.telemetry_repo !== undefined) lines.push(`  telemetry_repo: ${resolution.telemetry_repo}`);
  lines.push(`  registry_sha:   ${resolution.registry_sha}`, `  reason:         ${resolution.reason}`, "");
  return lines.join("\n");
}

function exitCodeFor(resolution: Resolution): number {
  switch (resolution.outcome) {
    case "ELIGIBLE":
      return 0;
    case "REGISTRY_INVALID":
    case "UNSUPPORTED_SCHEMA":
      return 2;
    default:
      return 1;
  }
}
