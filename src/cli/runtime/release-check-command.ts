import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { formatProblem, UsageError } from "../../errors.js";
import { checkRelease, DISPATCH_TEMPLATE_PATH, ENGINE_WORKFLOW_DIR } from "../../runtime/check-release.js";
import { ENGINE_NAMES, type EngineName } from "../../runtime/engine.js";
import { jsonOut, parseCommandArgs } from "../args.js";
import type { CliIO } from "../command.js";
import { PACKAGE_ROOT } from "./package-info.js";

/**
 * `task-assistant release check vX.Y.Z [--root DIR] [--json]`: verifies that a release pins every
 * engine to one ref. Exit 0 ready, 1 problems found (each with file:line:col), 2 not a release tag.
 */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { root: { type: "string" }, json: { type: "boolean" } },
    "release check",
    { min: 1, max: 1 },
  );
  const tag = positionals[0].trim();
  if (!/^v\d/.test(tag))
    throw new UsageError(`${JSON.stringify(tag)} is not a release tag`, {
      hint: "pass the tag to release, e.g. v1.4.0",
    });
  const root = values.root === undefined ? PACKAGE_ROOT : resolve(io.cwd, values.root);
  const read = (path: string) => readFile(join(root, path), "utf8").catch(() => undefined);
  const engineWorkflows: Partial<Record<EngineName, string>> = {};
  for (const engine of ENGINE_NAMES)
    engineWorkflows[engine] = await read(`${ENGINE_WORKFLOW_DIR}/engine-${engine}.yml`);
  const pkg = await read("package.json");
  const manifest = (pkg === undefined ? {} : JSON.parse(pkg)) as {
    version?: unknown;
    taskAssistant?: { tokenBroker?: unknown };
  };
  const result = checkRelease(tag, {
    engineWorkflows,
    dispatchTemplate: await read(DISPATCH_TEMPLATE_PATH),
    packageVersion: pkg === undefined ? "(missing)" : String(manifest.version),
    tokenBroker: manifest.taskAssistant?.tokenBroker,
  });
  if (values.json) io.stdout(jsonOut(result));
  else if (result.ok)
    io.stdout(`${tag}: ready — ${result.checked.length} files pin every engine to ${tag}\n`);
  else
    io.stdout(
      `${tag}: ${result.problems.length} problem${result.problems.length === 1 ? "" : "s"}\n${result.problems.map((p) => `  ${formatProblem(p)}`).join("\n")}\n`,
    );
  return result.ok ? 0 : 1;
}
