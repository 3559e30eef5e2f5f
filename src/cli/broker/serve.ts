import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { startBroker, type RunningBroker } from "../../broker/start-broker.js";
import { prepareReplayDir } from "../../broker/shared-replay-store.js";
import { ExternalError, UsageError } from "../../errors.js";
import { untilAborted } from "../../util/abortable-sleep.js";
import { parseCommandArgs } from "../args.js";
import type { CliIO } from "../command.js";
import { resolveBrokerSettings } from "./broker-settings.js";

const COMMAND = "broker serve";

/** `task-assistant broker serve`: the token broker, until SIGINT or SIGTERM. */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      port: { type: "string" },
      host: { type: "string" },
      "app-id": { type: "string" },
      "private-key-file": { type: "string" },
      issuer: { type: "string" },
      audience: { type: "string" },
      "app-repo": { type: "string" },
      "infra-repo": { type: "string" },
      "api-url": { type: "string" },
      "allowed-events": { type: "string" },
      "allow-self-hosted": { type: "boolean" },
      "replay-dir": { type: "string" },
      json: { type: "boolean" },
    },
    COMMAND,
  );
  const settings = await resolveBrokerSettings(values, io.env, (path) =>
    readFile(resolve(io.cwd, path), "utf8"),
  );
  const replayDir = settings.replayDir === undefined ? undefined : resolve(io.cwd, settings.replayDir);
  if (replayDir !== undefined)
    try {
      await prepareReplayDir(replayDir);
    } catch (error) {
      throw new UsageError(
        `--replay-dir (TA_BROKER_REPLAY_DIR) ${replayDir} cannot hold the shared replay store: ${(error as Error).message}`,
        { hint: "give a directory every broker instance can create files in (it is created if missing)" },
      );
    }
  let broker: RunningBroker;
  try {
    broker = await startBroker({
      ...settings,
      ...(replayDir === undefined ? {} : { replayDir }),
      skewSeconds: 60,
      maxTokenBytes: 8 * 1024,
      log: (line) => io.stdout(`${line}\n`),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE" || code === "EACCES" || code === "EADDRNOTAVAIL")
      throw new ExternalError(`cannot listen on ${settings.host}:${settings.port}: ${code}`, {
        hint: "choose another --port or --host",
        cause: error,
      });
    throw error;
  }
  const described = {
    event: "listening",
    url: broker.url,
    issuer: settings.issuer,
    audience: settings.audience,
    app_repository: settings.appRepository,
    infra_repository: settings.infraRepository,
    api_url: settings.apiUrl,
    app_id: settings.appId,
    private_key: settings.keySource,
    allowed_events: settings.allowedEvents,
    allow_self_hosted: settings.allowSelfHosted,
    replay_store: replayDir ?? "memory",
  };
  io.stdout(
    values.json
      ? `${JSON.stringify(described)}\n`
      : [
          `Token broker listening at ${broker.url}`,
          `  issuer ${settings.issuer} · audience ${settings.audience}`,
          `  engines of ${settings.appRepository} · registry in ${settings.infraRepository} · GitHub ${settings.apiUrl}`,
          `  App ${settings.appId} (key from ${settings.keySource}) · events ${settings.allowedEvents.join(",")} · self-hosted runners ${settings.allowSelfHosted ? "allowed" : "refused"}`,
          `  replayed tokens: ${replayDir === undefined ? "refused by this instance (memory)" : `refused by every instance sharing ${replayDir}`}`,
          "One JSON line per exchange follows. Stop with Ctrl-C (SIGINT) or SIGTERM.",
          "",
        ].join("\n"),
  );
  await untilAborted(io.signal);
  await broker.stop(3_000);
  io.stdout(`${JSON.stringify({ event: "stopped", url: broker.url })}\n`);
  return 0;
}
