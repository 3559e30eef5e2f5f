import { createServer, type Server } from "node:http";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, normalize, sep } from "node:path";
import { buildAndPublish } from "../../dashboard/build-and-publish.js";
import { UsageError } from "../../errors.js";
import { systemClock } from "../../util/clock.js";
import { guardRequestHandler, limitServer, parseRequestTarget } from "../../util/guard-http-server.js";
import { parseCommandArgs, requireFlag } from "../args.js";
import type { CliIO } from "../command.js";
import { describeBuild } from "./describe-build.js";
import { splitTelemetryRepo, telemetryAccess } from "./telemetry-access.js";
import { untilAborted } from "../../util/abortable-sleep.js";

const COMMAND = "dashboard serve";

/** `task-assistant dashboard serve`: build (publishing nothing), then serve the page on loopback. */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    { repo: { type: "string" }, port: { type: "string" }, expect: { type: "string", multiple: true } },
    COMMAND,
  );
  const telemetryRepo = requireFlag(values.repo, "repo", COMMAND).trim();
  splitTelemetryRepo(telemetryRepo);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port ${JSON.stringify(values.port)} is not a port number`, {
      hint: "use 0–65535",
    });
  }
  const access = await telemetryAccess(io.env, (line) => io.stderr(line));
  const outDir = await mkdtemp(join(tmpdir(), "task-assistant-dashboard-serve-"));
  try {
    const report = await buildAndPublish({
      telemetryRepo,
      gitUrl: access.endpoint.gitUrl,
      token: await access.tokenFor(telemetryRepo, false),
      outDir,
      expectedRepos: (values.expect ?? []).map((name) => splitTelemetryRepo(name, "--expect").join("/")),
      clock: systemClock,
      env: io.env,
    });
    io.stdout(describeBuild(report));
    const server = await serveDirectory(outDir, port);
    const address = server.address();
    const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : port}/`;
    io.stdout(`serving the dashboards of ${telemetryRepo} at ${url} (Ctrl-C to stop)\n`);
    await untilAborted(io.signal);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return 0;
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".json": "application/json; charset=utf-8",
};

/**
 * Serves the built files read-only on 127.0.0.1; nothing outside `dir` can be reached. A request it
 * cannot parse gets 400, and nothing a client sends can stop it serving.
 */
export function serveDirectory(dir: string, port: number): Promise<Server> {
  const handler = guardRequestHandler(async (request, response) => {
    request.resume();
    const pathname = decodeURIComponent(parseRequestTarget(request.url, "http://127.0.0.1").pathname);
    const relative = normalize(pathname === "/" ? "index.html" : pathname.replace(/^\/+/, ""));
    const type = TYPES[relative.slice(relative.lastIndexOf("."))];
    if (
      request.method !== "GET" ||
      relative.startsWith("..") ||
      relative.includes(`${sep}..`) ||
      type === undefined ||
      relative === "state.json"
    ) {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    try {
      const body = await readFile(join(dir, relative));
      response.writeHead(200, { "content-type": type, "cache-control": "no-store" }).end(body);
    } catch {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    }
  });
  const server = limitServer(createServer(handler));
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}
