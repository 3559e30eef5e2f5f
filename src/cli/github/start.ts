import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { ExternalError, UsageError } from "../../errors.js";
import { startLocalGitHub, type LocalGitHub } from "../../emulator/start-local-github.js";
import {
  clearLocalEndpoint,
  listLocalEndpoints,
  taskAssistantHome,
  writeLocalEndpoint,
} from "../../github/endpoint.js";
import { jsonOut, parseCommandArgs } from "../args.js";
import type { CliIO } from "../command.js";
import { untilAborted } from "../../util/abortable-sleep.js";

const COMMAND = "github start";

/** The state directory used when `--state-dir` is not given: it survives restarts. */
export function defaultStateDir(env: CliIO["env"]): string {
  return join(taskAssistantHome(env), "local-github-state");
}

function parsePort(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    throw new UsageError(`--port must be a TCP port number (0-65535), not "${text}"`, {
      hint: "omit --port to use a free one",
    });
  }
  return port;
}

/** `task-assistant github start`: serves the local GitHub until interrupted. */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      port: { type: "string" },
      "state-dir": { type: "string" },
      seed: { type: "string" },
      json: { type: "boolean" },
    },
    COMMAND,
  );
  const port = parsePort(values.port);
  const stateDir = values["state-dir"] ? resolve(io.cwd, values["state-dir"]) : defaultStateDir(io.env);
  let seed: string | undefined;
  if (values.seed !== undefined) {
    try {
      seed = await readFile(resolve(io.cwd, values.seed), "utf8");
    } catch (error) {
      throw new UsageError(`cannot read the seed file ${values.seed}: ${(error as Error).message}`, {
        hint: "pass a YAML or JSON seed file (see schemas/emulator-seed.schema.json)",
        cause: error,
      });
    }
  }

  let github: LocalGitHub;
  try {
    github = await startLocalGitHub({ port, stateDir, seed, seedFile: values.seed });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE" || code === "EACCES") {
      throw new ExternalError(`cannot listen on port ${String(port)}: ${code}`, {
        hint: "choose another --port, or omit it to use a free one",
        cause: error,
      });
    }
    if (code === "ENOTDIR" || code === "EROFS" || code === "EEXIST" || code === "EPERM") {
      throw new ExternalError(`cannot use the state directory ${stateDir}: ${code}`, { cause: error });
    }
    throw error;
  }

  const others = await listLocalEndpoints(io.env);
  const recordFile = await writeLocalEndpoint(io.env, {
    url: github.url,
    gitUrl: github.gitUrl,
    adminToken: github.adminToken,
    pid: process.pid,
    stateDir,
  });
  const tokens = github.seeded?.tokens ?? [];
  if (values.json) {
    io.stdout(
      jsonOut({
        url: github.url,
        gitUrl: github.gitUrl,
        adminToken: github.adminToken,
        stateDir,
        home: taskAssistantHome(io.env),
        record: recordFile,
        tokens,
      }),
    );
  } else {
    io.stdout(
      [
        `Local GitHub is serving at ${github.url}`,
        `  REST API:     ${github.url}  (Octokit baseUrl; GITHUB_API_URL)`,
        `  git:          ${github.gitUrl}/<owner>/<repo>.git  (user x-access-token, a token as password)`,
        `  admin token:  ${github.adminToken}`,
        `  state:        ${stateDir}`,
        `  recorded in:  ${recordFile}  (commands with TASK_ASSISTANT_HOME=${taskAssistantHome(io.env)} find it)`,
        ...tokens.map((token) => `  token:        ${token.token} (${token.user})`),
        ...(others.length === 0
          ? []
          : [
              `  note: ${others.length} other local GitHub${others.length === 1 ? " is" : "s are"} running under this TASK_ASSISTANT_HOME (${others.map((other) => other.url).join(", ")});`,
              `        commands will ask you to choose one with GITHUB_API_URL=${github.url}`,
            ]),
        "Press Ctrl-C to stop.",
        "",
      ].join("\n"),
    );
  }

  await untilAborted(io.signal);
  await github.stop();
  await clearLocalEndpoint(io.env, process.pid);
  if (!values.json) io.stdout("Local GitHub stopped; its state is kept.\n");
  return 0;
}
