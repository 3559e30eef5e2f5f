import { open } from "node:fs/promises";
import { resolve } from "node:path";
import { UsageError } from "../../errors.js";
import { generateNoteKeys, isValidKeyName } from "../../tlog/signed-note.js";
import { jsonOut, parseCommandArgs, requireFlag } from "../args.js";
import type { CliIO } from "../command.js";

const COMMAND = "telemetry keygen";

/**
 * `task-assistant telemetry keygen --name NAME --out FILE [--json]`: writes a new Ed25519 checkpoint
 * signing key to FILE (mode 0600, refused when FILE exists) and prints the public key to publish.
 */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    { name: { type: "string" }, out: { type: "string" }, json: { type: "boolean" } },
    COMMAND,
  );
  const name = requireFlag(values.name, "name", COMMAND);
  if (!isValidKeyName(name)) {
    throw new UsageError(`--name ${JSON.stringify(name)} is not a key name`, {
      hint: "use one word without spaces or '+', e.g. example.com/task-assistant-telemetry",
    });
  }
  const out = resolve(io.cwd, requireFlag(values.out, "out", COMMAND));
  const keys = generateNoteKeys(name);
  let handle;
  try {
    handle = await open(out, "wx", 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot create --out ${values.out}: ${code === "EEXIST" ? "it already exists" : (code ?? "unwritable")}`,
      {
        hint: "name a new file; an existing key is never overwritten",
      },
    );
  }
  try {
    await handle.writeFile(`${keys.signerKey}\n`);
  } finally {
    await handle.close();
  }
  if (values.json) io.stdout(jsonOut({ public_key: keys.verifierKey, private_key_file: out }));
  else {
    io.stdout(`${keys.verifierKey}\n`);
    io.stderr(
      `private key written to ${out} (mode 0600); store it like the App key and publish the public key above\n`,
    );
  }
  return 0;
}
