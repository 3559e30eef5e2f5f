import { resolve } from "node:path";
import { formatProblem, PolicyError } from "../../errors.js";
import type { ReleaseCheck } from "../../runtime/check-release.js";
import {
  assertReleaseTag,
  checkReleaseAt,
  moveChannel,
  prepareRelease,
  publishRelease,
  type ReleaseOptions,
} from "../../release/release-ops.js";
import { jsonOut, parseCommandArgs } from "../args.js";
import type { CliIO, CommandModule } from "../command.js";
import { PACKAGE_ROOT } from "./package-info.js";

const COMMON = {
  root: { type: "string" },
  "allow-empty-broker": { type: "boolean" },
  json: { type: "boolean" },
} as const;
const REMOTE = { ...COMMON, remote: { type: "string" } } as const;

function setting(args: string[], cwd: string, command: string, remote: boolean) {
  const { values, positionals } = parseCommandArgs(args, remote ? REMOTE : COMMON, command, {
    min: 1,
    max: 1,
  });
  const tag = positionals[0].trim();
  assertReleaseTag(tag);
  const options: ReleaseOptions = { allowEmptyBroker: values["allow-empty-broker"] === true };
  const root = values.root === undefined ? PACKAGE_ROOT : resolve(cwd, values.root);
  const remoteName = (values as { remote?: string }).remote?.trim() || "origin";
  return { tag, root, options, json: values.json === true, remote: remoteName };
}

function problemsText(check: ReleaseCheck): string {
  return `${check.tag}: ${check.problems.length} problem${check.problems.length === 1 ? "" : "s"}\n${check.problems
    .map((problem) => `  ${formatProblem(problem)}`)
    .join("\n")}\n`;
}

/** Exit 2 with every problem (file:line:col) when the check refused the release. */
function refused(check: ReleaseCheck, io: CliIO, json: boolean): number {
  if (json) io.stdout(jsonOut(check));
  else io.stderr(problemsText(check));
  return 2;
}

/** `release check vX.Y.Z`: 0 ready, 2 refused (each problem with file:line:col). */
export const check: CommandModule = {
  async run(args, io) {
    const { tag, root, options, json } = setting(args, io.cwd, "release check", false);
    const result = await checkReleaseAt(root, tag, options);
    if (!result.ok) return refused(result, io, json);
    io.stdout(json ? jsonOut(result) : `${tag}: ready — checked ${result.checked.join(", ")}\n`);
    return 0;
  },
};

/** `release prepare vX.Y.Z`: the release commit (bundle, version, dispatch.yml refs), checked. */
export const prepare: CommandModule = {
  async run(args, io) {
    const { tag, root, options, json } = setting(args, io.cwd, "release prepare", false);
    const prepared = await prepareRelease(root, tag, { ...options, env: io.env });
    if (prepared.commit === undefined) return refused(prepared.check, io, json);
    io.stdout(
      json
        ? jsonOut(prepared)
        : `${tag}: release commit ${prepared.commit.slice(0, 12)} (bundle, version and dispatch.yml refs); publish it with \`task-assistant release publish ${tag}\`\n`,
    );
    return 0;
  },
};

/** `release publish vX.Y.Z`: the tag and the channel, pushed to the remote. */
export const publish: CommandModule = {
  async run(args, io) {
    const { tag, root, options, json, remote } = setting(args, io.cwd, "release publish", true);
    const published = await publishRelease(root, tag, remote, { ...options, env: io.env });
    if (!published.check.ok) return refused(published.check, io, json);
    io.stdout(
      json
        ? jsonOut(published)
        : `${tag}: tagged ${published.commit.slice(0, 12)} on ${remote}${published.channel === undefined ? " (a pre-release moves no channel)" : `; channel ${published.channel} → ${tag}: every host on ${published.channel} runs ${tag} from its next run`}\n`,
    );
    return 0;
  },
};

/** `release rollback vX.Y.Z`: the channel back to an earlier published release. */
export const rollback: CommandModule = {
  async run(args, io) {
    const { tag, root, json, remote, options } = setting(args, io.cwd, "release rollback", true);
    const moved = await moveChannel(root, tag, remote, { ...options, env: io.env });
    io.stdout(
      json
        ? jsonOut(moved)
        : `channel ${moved.channel ?? ""} → ${tag} (${moved.commit.slice(0, 12)}) on ${remote}: hosts on it run ${tag} from their next run\n`,
    );
    return 0;
  },
};

/** `release vX.Y.Z` (`npm run release -- vX.Y.Z`): prepare, then publish. */
export const all: CommandModule = {
  async run(args, io) {
    const code = await prepare.run(args, io);
    if (code !== 0) return code;
    const flags = args.filter((arg) => arg !== "--json");
    if (flags.length !== args.length)
      throw new PolicyError("--json is for release check, prepare and publish, one at a time");
    return publish.run(flags, io);
  },
};
