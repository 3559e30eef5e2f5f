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
    },
    COMMAND,
  );
  const port = portFlag(values.port, "--port");
  const dashboardPort = portFlag(values["dashboard-port"], "--dashboard-port");
  const brokerPort = portFlag(values["broker-port"], "--broker-port");
  const { runDemo } = await import("../../demo/run-demo.js");
  const session = await runDemo({
    ...(values["state-dir"] === undefined ? {} : { stateDir: values["state-dir"] }),
    ...(port === undefined ? {} : { port }),
    ...(dashboardPort === undefined ? {} : { dashboardPort }),
    ...(brokerPort === undefined ? {} : { brokerPort }),
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
    io.stdout(
      "While the demo serves, try in another terminal (commands find this local GitHub by themselves):\n" +
        "   npx task-assistant telemetry list --repo acme/task-assistant-telemetry\n" +
        `   cd ${session.infraCheckout} && npx task-assistant infra resolve acme/widgets\n` +
        "\nServing until Ctrl-C.\n",
    );
    await untilAborted(io.signal);
    await clearLocalEndpoint(io.env, process.pid);
    return 0;
  } finally {
    await session.stop();
  }
}

function portFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`${flag} ${JSON.stringify(value)} is not a port number`, { hint: "use 0–65535" });
  }
  return port;
}
