import { main } from "../../../src/cli/main.js";
import { reportError } from "../../../src/cli/report-error.js";
import { captureIO } from "../../../src/cli/test-io.js";

/** Runs the CLI in-process as the binary does (typed errors become their exit codes and messages). */
export async function runCli(
  args: string[],
  options: { env?: Record<string, string | undefined>; cwd?: string } = {},
) {
  const cap = captureIO(options);
  let code: number;
  try {
    code = await main(args, cap.io);
  } catch (error) {
    code = reportError(error, cap.io);
  }
  return { code, stdout: cap.stdout(), stderr: cap.stderr() };
}
