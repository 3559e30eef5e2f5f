import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tryHints } from "../../src/cli/demo/demo-command.js";
import { main } from "../../src/cli/main.js";
import { reportError } from "../../src/cli/report-error.js";
import { captureIO } from "../../src/cli/test-io.js";

let busy: Server;
let busyPort: number;
beforeAll(async () => {
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
  busyPort = (busy.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => busy.close(() => resolve()));
});

async function cli(args: string[]) {
  const cap = captureIO();
  const code = await main(args, cap.io).catch((error: unknown) => reportError(error, cap.io));
  return { code, stdout: cap.stdout(), stderr: cap.stderr() };
}

describe("demo flags", () => {
  it("refuses a busy --dashboard-port before the run starts, with exit 2", async () => {
    const result = await cli(["demo", "--dashboard-port", String(busyPort)]);
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: `error: --dashboard-port ${busyPort} is already in use on 127.0.0.1\nhint: choose another port, or leave --dashboard-port out to use a free one\n`,
    });
  });

  it("refuses a busy --port the same way", async () => {
    const result = await cli(["demo", "--port", String(busyPort)]);
    expect([result.code, result.stdout]).toEqual([2, ""]);
    expect(result.stderr).toMatch(`--port ${busyPort} is already in use`);
  });

  it("hints use the clone's own binary and the demo's TASK_ASSISTANT_HOME, never npx", () => {
    const hints = tryHints("node /clone/dist/cli/bin.js", "/tmp/demo dir/infra", "/tmp/ta home");
    expect(hints).not.toMatch(/npx/);
    expect(hints).toContain(
      "   TASK_ASSISTANT_HOME='/tmp/ta home' node /clone/dist/cli/bin.js telemetry list --repo acme/task-assistant-telemetry\n",
    );
    expect(hints).toContain(
      "   cd '/tmp/demo dir/infra' && TASK_ASSISTANT_HOME='/tmp/ta home' node /clone/dist/cli/bin.js infra resolve acme/widgets\n",
    );
  });
});

describe("demo --host", () => {
  it("refuses a repository that is not one of the demo's hosts, with exit 2, before the run starts", async () => {
    const result = await cli(["demo", "--host", "acme/nope"]);
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr:
        'error: --host "acme/nope" is not a host of the demo\nhint: use one of acme/widgets, acme/widgets-sandbox, globex/portal\n',
    });
  });
});
