import { UsageError } from "../../errors.js";
import { resolveApiEndpoint } from "../../github/endpoint.js";
import { readTokenSource } from "../../github/token-source.js";
import { checkAppSeesRepository, type SeenRepository } from "../../infra/check-app-sees-repository.js";
import { systemClock, type Clock } from "../../util/clock.js";
import { planRegister } from "../../registry/plan-register.js";
import { parseCommandArgs, requireFlag } from "../args.js";
import type { CliIO } from "../command.js";
import { runMutation } from "./run-mutation.js";

const COMMAND = "infra register";

/**
 * `task-assistant infra register --owner O --repo R --context C [--telemetry-repo T] --reason TEXT
 * [--check-exists]`
 */
export async function runWith(args: string[], io: CliIO, clock: Clock): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      owner: { type: "string" },
      repo: { type: "string" },
      context: { type: "string" },
      "telemetry-repo": { type: "string" },
      reason: { type: "string" },
      "check-exists": { type: "boolean" },
    },
    COMMAND,
  );
  const input = {
    owner: requireFlag(values.owner, "owner", COMMAND),
    repo: requireFlag(values.repo, "repo", COMMAND),
    context: requireFlag(values.context, "context", COMMAND),
    reason: requireFlag(values.reason, "reason", COMMAND),
    ...(values["telemetry-repo"] === undefined ? {} : { telemetryRepo: values["telemetry-repo"] }),
  };
  const seen = values["check-exists"]
    ? await checkExists(io, input.owner, input.repo, input.telemetryRepo)
    : [];
  await runMutation(io, clock, "register", (registry, now) => planRegister(registry, input, now));
  for (const repository of seen) {
    io.stdout(
      `checked: ${repository.fullName} exists and the App sees it (installation ${repository.installationId})\n`,
    );
  }
  return 0;
}

/** `--check-exists`: the repository (and the telemetry repository named) exist and the App sees them. */
async function checkExists(
  io: CliIO,
  owner: string,
  repo: string,
  telemetryRepo: string | undefined,
): Promise<SeenRepository[]> {
  const endpoint = await resolveApiEndpoint(io.env, (line) => io.stderr(line));
  const source = await readTokenSource(io.env);
  if (source.kind !== "app") {
    throw new UsageError(
      "--check-exists needs the App's credentials: TA_APP_ID and TA_APP_PRIVATE_KEY_FILE",
      {
        hint: "set them (or TA_APP_PRIVATE_KEY) to check as the App will see the repository, or omit --check-exists",
      },
    );
  }
  const access = { baseUrl: endpoint.apiUrl, appId: source.appId, privateKey: source.privateKey };
  const targets: Array<[string, string]> = [[owner, repo]];
  if (telemetryRepo !== undefined) {
    const [telemetryOwner, telemetryName] = telemetryRepo.includes("/")
      ? (telemetryRepo.split("/", 2) as [string, string])
      : [owner, telemetryRepo];
    targets.push([telemetryOwner, telemetryName]);
  }
  const seen: SeenRepository[] = [];
  for (const [targetOwner, targetRepo] of targets) {
    seen.push(await checkAppSeesRepository(access, targetOwner, targetRepo));
  }
  return seen;
}

export function run(args: string[], io: CliIO): Promise<number> {
  return runWith(args, io, systemClock);
}
