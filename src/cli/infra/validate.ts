import { join } from "node:path";
import { readFile } from "node:fs/promises";
import { ValidationError, type Problem } from "../../errors.js";
import { readBytesAtRevision } from "../../infra/git-state.js";
import { decodeInfraFile } from "../../registry/decode-infra-file.js";
import { readRegistryBytes } from "../../registry/registry-snapshot.js";
import { recoverStore } from "../../registry/registry-store.js";
import { CHANGELOG_PATH, REGISTRY_PATH } from "../../registry/registry-types.js";
import { validateChangelogText } from "../../registry/validate-changelog.js";
import { canonicalJson } from "../../util/canonical-json.js";
import { gitBlobSha } from "../../util/git-blob-sha.js";
import { parseCommandArgs } from "../args.js";
import type { CliIO } from "../command.js";
import { infraCheckout } from "./infra-checkout.js";

interface FileReport {
  file: string;
  sha: string | null;
  valid: boolean;
  problems: Problem[];
}

/** `task-assistant infra validate [--staged] [--json]` */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    { staged: { type: "boolean" }, json: { type: "boolean" } },
    "infra validate",
  );
  const root = await infraCheckout(io.cwd);
  const staged = values.staged === true;
  await recoverStore(root);
  const read = staged
    ? (path: string) => readBytesAtRevision(root, "", path)
    : (path: string) => readFile(join(root, path)).catch(() => undefined);
  const registryBytes = await read(REGISTRY_PATH);
  const changelogBytes = await read(CHANGELOG_PATH);
  const where = staged ? "the index" : "the working tree";

  const registry: FileReport = { file: REGISTRY_PATH, sha: null, valid: false, problems: [] };
  if (registryBytes === undefined) {
    registry.problems.push(missing(REGISTRY_PATH, where));
  } else {
    registry.sha = gitBlobSha(registryBytes);
    registry.problems = [
      ...readRegistryBytes(registryBytes, { sha: registry.sha, file: REGISTRY_PATH }).problems,
    ];
  }
  registry.valid = registry.problems.length === 0;
  const changelog: FileReport & { lines: number } = {
    file: CHANGELOG_PATH,
    sha: null,
    valid: false,
    lines: 0,
    problems: [],
  };
  if (changelogBytes === undefined) {
    changelog.problems.push(missing(CHANGELOG_PATH, where));
  } else {
    changelog.sha = gitBlobSha(changelogBytes);
    const decoded = decodeInfraFile(changelogBytes, CHANGELOG_PATH);
    if (decoded.ok) {
      const result = validateChangelogText(decoded.text, { file: CHANGELOG_PATH });
      changelog.lines = result.rawLines.length;
      changelog.problems = result.problems;
    } else {
      changelog.problems = [decoded.problem];
    }
  }
  changelog.valid = changelog.problems.length === 0;
  const ok = registry.valid && changelog.valid;

  if (values.json === true) {
    io.stdout(canonicalJson({ ok, source: staged ? "staged" : "working-tree", registry, changelog }));
    return ok ? 0 : 2;
  }
  const status = (report: FileReport, detail: string) =>
    `${report.file}: ${report.valid ? `valid (${detail})` : `${report.problems.length} problem${report.problems.length === 1 ? "" : "s"}`}`;
  io.stdout(
    `${status(registry, `blob ${registry.sha ?? "-"}`)}\n${status(changelog, `${changelog.lines} lines`)}\n`,
  );
  if (!ok) {
    throw new ValidationError(
      `the infra files in ${where} are invalid`,
      [...registry.problems, ...changelog.problems],
      {
        hint: "fix each problem at its file:line:col; change entries only with the infra CLI",
      },
    );
  }
  return 0;
}

function missing(file: string, where: string): Problem {
  const hint =
    where === "the index"
      ? "stage it with `task-assistant infra finalize` (or git add)"
      : "create it with `task-assistant infra init`";
  return { path: "", file, message: `${file} is missing from ${where}`, hint };
}
