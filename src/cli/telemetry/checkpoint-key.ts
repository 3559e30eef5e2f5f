import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { UsageError } from "../../errors.js";
import {
  NoteFormatError,
  parseSignerKey,
  parseVerifierKey,
  type NoteSigner,
  type NoteVerifier,
} from "../../tlog/signed-note.js";

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The checkpoint signing key, configured like the App key: `--key-file` (or
 * `TA_CHECKPOINT_KEY_FILE`, e.g. a mounted secret) or `TA_CHECKPOINT_KEY`. Never printed.
 */
export async function readSignerKey(flag: string | undefined, env: Env, cwd: string): Promise<NoteSigner> {
  const file = flag ?? env.TA_CHECKPOINT_KEY_FILE;
  const inline = env.TA_CHECKPOINT_KEY;
  if (file !== undefined && inline !== undefined && flag === undefined) {
    throw new UsageError("TA_CHECKPOINT_KEY_FILE and TA_CHECKPOINT_KEY are both set", {
      hint: "give the checkpoint key one way",
    });
  }
  const source =
    file !== undefined
      ? flag !== undefined
        ? `--key-file ${file}`
        : `TA_CHECKPOINT_KEY_FILE ${file}`
      : "TA_CHECKPOINT_KEY";
  let text = inline;
  if (file !== undefined) {
    try {
      text = await readFile(resolve(cwd, file), "utf8");
    } catch (error) {
      throw new UsageError(
        `cannot read ${source}: ${(error as NodeJS.ErrnoException).code ?? "unreadable"}`,
        {
          hint: "point it at the private key file written by `task-assistant telemetry keygen`",
        },
      );
    }
  }
  if (text === undefined) {
    throw new UsageError(
      "no checkpoint signing key: pass --key-file, or set TA_CHECKPOINT_KEY_FILE or TA_CHECKPOINT_KEY",
      {
        hint: "make one with `task-assistant telemetry keygen` and keep it where the App key is kept",
      },
    );
  }
  try {
    return parseSignerKey(text);
  } catch (error) {
    if (!(error instanceof NoteFormatError)) throw error;
    // The message never quotes the key.
    throw new UsageError(`${source} is not a checkpoint signing key: ${error.message}`, {
      hint: "it reads PRIVATE+KEY+<name>+<id>+<base64>, as written by `task-assistant telemetry keygen`",
    });
  }
}

/** `--key`: the public key itself (`name+id+base64`) or a file holding it. */
export async function readVerifierKey(value: string | undefined, cwd: string): Promise<NoteVerifier> {
  if (value === undefined) {
    throw new UsageError("--key is required", {
      hint: "pass the log's public key (name+id+base64) or a file holding it",
    });
  }
  let text = value;
  if (!/^[^\s+]+\+[0-9a-f]{8}\+/.test(value.trim())) {
    try {
      text = await readFile(resolve(cwd, value), "utf8");
    } catch {
      throw new UsageError(`--key ${JSON.stringify(value)} is neither a public key nor a readable file`, {
        hint: "a public key reads <name>+<8 hex digits>+<base64>",
      });
    }
  }
  if (text.trim().startsWith("PRIVATE+KEY+")) {
    throw new UsageError("--key holds a private key", {
      hint: "auditors need only the public key; keep the private key secret",
    });
  }
  try {
    return parseVerifierKey(text);
  } catch (error) {
    if (!(error instanceof NoteFormatError)) throw error;
    throw new UsageError(`--key: ${error.message}`, {
      hint: "a public key reads <name>+<8 hex digits>+<base64>",
    });
  }
}
