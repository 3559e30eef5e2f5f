/**
 * The shape of a CLI command. Command modules export `run(args, io)`; they throw typed errors from
 * `src/errors.ts` and return an exit code for "ran and failed" (1) outcomes. Only `main.ts` exits.
 */
export interface CliIO {
  /** Writes to standard output as is (add your own newline). */
  stdout(text: string): void;
  /** Writes to standard error as is (add your own newline). */
  stderr(text: string): void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Standard error is a terminal: progress lines may be drawn. */
  readonly interactive: boolean;
  /**
   * Aborted on the first SIGINT or SIGTERM. Commands pass it down to every wait and request they
   * make (retry sleeps, backoffs, GitHub requests, child processes), clean up what they own and
   * return; servers wait on it and then shut down. The entry point then exits with 128 + signo.
   */
  readonly signal: AbortSignal;
}

export interface CommandModule {
  run(args: string[], io: CliIO): Promise<number>;
}

export interface CommandSpec {
  /** One line for the command list. */
  summary: string;
  /** The full `--help` text: synopsis, options, examples, exit codes. */
  usage: string;
  load(): Promise<CommandModule>;
}

/** A group's commands keyed by the words after the group name ("" for the bare group command). */
export type CommandTable = Readonly<Record<string, CommandSpec>>;
