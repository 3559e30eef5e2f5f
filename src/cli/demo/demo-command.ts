import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { UsageError } from "../../errors.js";
import { clearLocalEndpoint, writeLocalEndpoint } from "../../github/endpoint.js";
import { parseCommandArgs } from "../args.js";
import type { CliIO } from "../command.js";
import { packageVersion } from "../runtime/package-info.js";
import { untilAborted } from "../../util/abortable-sleep.js";

const COMMAND = "demo";

/** `task-assistant demo`: the whole system, offline, step by step. */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      "state-dir": { type: "string" },
      port: { type: "string" },
      "dashboard-port": { type: "string" },
      "broker-port": { type: "string" },
      exit: { type: "boolean" },
      actions: { type: "boolean" },
      host: { type: "string", multiple: true },
    },
    COMMAND,
  );
  const port = portFlag(values.port, "--port");
  const dashboardPort = portFlag(values["dashboard-port"], "--dashboard-port");
  const brokerPort = portFlag(values["broker-port"], "--broker-port");
  // A port that is taken is refused now, not after the whole run (with --exit nothing is served).
  if (port !== undefined) await assertPortFree(port, "--port");
  if (dashboardPort !== undefined && !values.exit) await assertPortFree(dashboardPort, "--dashboard-port");
  const hosts = await hostFlags(values.host);
  const { runDemo } = await import("../../demo/run-demo.js");
  const session = await runDemo({
    ...(values["state-dir"] === undefined ? {} : { stateDir: values["state-dir"] }),
    ...(port === undefined ? {} : { port }),
    ...(dashboardPort === undefined ? {} : { dashboardPort }),
    ...(brokerPort === undefined ? {} : { brokerPort }),
    serveDashboards: !values.exit,
    actions: values.actions === true,
    ...(hosts === undefined ? {} : { hosts }),
    engineRef: `v${await packageVersion()}`,
    say: (text) => io.stdout(text),
    env: io.env,
    signal: io.signal,
  });
  try {
    if (values.exit) {
      io.stdout("\nThe demo ran every step; stopping (--exit).\n");
      return 0;
    }
    await writeLocalEndpoint(io.env, {
      url: session.github.url,
      gitUrl: session.github.gitUrl,
      adminToken: session.github.adminToken,
      pid: process.pid,
      stateDir: session.stateDir,
    });
    io.stdout(tryHints(cliBinary(), session.infraCheckout, io.env.TASK_ASSISTANT_HOME));
    await untilAborted(io.signal);
    await clearLocalEndpoint(io.env, process.pid);
    return 0;
  } finally {
    await session.stop();
  }
}

/** This clone's own CLI, as a command a shell runs from any directory (never a registry package). */
function cliBinary(): string {
  return `node ${shellQuote(fileURLToPath(new URL("../bin.js", import.meta.url)))}`;
}

/**
 * The "try this" lines printed while the demo serves: each one pastes as is into a shell, from any
 * directory, and finds this demo's local GitHub (through the same TASK_ASSISTANT_HOME, when set).
 */
export function tryHints(binary: string, infraCheckout: string, home: string | undefined): string {
  const prefix = home === undefined ? "" : `TASK_ASSISTANT_HOME=${shellQuote(home)} `;
  return (
    "While the demo serves, try in another terminal (commands find this local GitHub by themselves):\n" +
    `   ${prefix}${binary} telemetry list --repo acme/task-assistant-telemetry\n` +
    `   cd ${shellQuote(infraCheckout)} && ${prefix}${binary} infra resolve acme/widgets\n` +
    "\nServing until Ctrl-C.\n"
  );
}

function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}

/** Refuses (exit 2) a port something on 127.0.0.1 already listens on, naming the flag. */
async function assertPortFree(port: number, flag: string): Promise<void> {
  if (port === 0) return;
  const server = createServer();
  const failure = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    server.once("error", (error: NodeJS.ErrnoException) => resolve(error));
    server.listen(port, "127.0.0.1", () => resolve(undefined));
  });
  if (failure === undefined) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return;
  }
  throw new UsageError(
    failure.code === "EADDRINUSE"
      ? `${flag} ${port} is already in use on 127.0.0.1`
      : `${flag} ${port} cannot be used on 127.0.0.1 (${failure.code ?? "unknown error"})`,
    { hint: `choose another port, or leave ${flag} out to use a free one` },
  );
}

/** `--host OWNER/REPO` (repeatable): hosts of the demo's world only, refused (exit 2) otherwise. */
async function hostFlags(values: string[] | undefined): Promise<string[] | undefined> {
  if (values === undefined || values.length === 0) return undefined;
  const { DEMO_HOSTS } = await import("../../demo/demo-world.js");
  const known = DEMO_HOSTS.map((host) => `${host.owner}/${host.repo}`);
  for (const value of values) {
    if (!known.includes(value))
      throw new UsageError(`--host ${JSON.stringify(value)} is not a host of the demo`, {
        hint: `use one of ${known.join(", ")}`,
      });
  }
  return values;
}

function portFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`${flag} ${JSON.stringify(value)} is not a port number`, { hint: "use 0–65535" });
  }
  return port;
}
