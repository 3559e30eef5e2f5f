/**
 * `task-assistant` entry point. It imports nothing heavy: each command group's table is loaded only
 * when its name is on the command line, and a command's module only when it runs, so the CLI starts
 * fast. This is the only module that ends the process (DESIGN §4).
 */
import type { CliIO, CommandTable } from "./command.js";

interface Group {
  summary: string;
  load(): Promise<CommandTable>;
}

const GROUPS: Readonly<Record<string, Group>> = {
  infra: {
    summary: "operate the infra registry: branch, register, enable/disable, finalize, PR",
    load: async () => (await import("./commands/infra.js")).commands,
  },
  github: {
    summary: "run the local GitHub (offline GitHub REST + git server)",
    load: async () => (await import("./commands/github.js")).commands,
  },
  telemetry: {
    summary: "emit, list, show and validate telemetry records",
    load: async () => (await import("./commands/telemetry.js")).commands,
  },
  dispatch: {
    summary: "run the dispatcher: plan a run and execute preflight and engines",
    load: async () => (await import("./commands/dispatch.js")).commands,
  },
  engine: {
    summary: "run one engine and emit its record (what engine workflows call)",
    load: async () => (await import("./commands/engine.js")).commands,
  },
  install: {
    summary: "install the config and the pinned dispatcher workflow into a host repo",
    load: async () => (await import("./commands/install.js")).commands,
  },
  config: {
    summary: "validate a .github/task-assistant.yml",
    load: async () => (await import("./commands/config.js")).commands,
  },
  dashboard: {
    summary: "build, serve and fan out telemetry dashboards",
    load: async () => (await import("./commands/dashboard.js")).commands,
  },
  release: {
    summary: "prepare, check, publish and roll back releases",
    load: async () => (await import("./commands/release.js")).commands,
  },
  sandbox: {
    summary: "reset a sandbox repository (registry context sandbox only)",
    load: async () => (await import("./commands/sandbox.js")).commands,
  },
  broker: {
    summary: "run the token broker: engine jobs' OIDC tokens for narrowed installation tokens",
    load: async () => (await import("./commands/broker.js")).commands,
  },
  demo: {
    summary: "run the whole system offline against a seeded local GitHub",
    load: async () => (await import("./commands/demo.js")).commands,
  },
};

const VERSION_TEXT = "task-assistant";

function topLevelHelp(): string {
  const width = Math.max(...Object.keys(GROUPS).map((name) => name.length));
  const lines = Object.entries(GROUPS).map(([name, group]) => `  ${name.padEnd(width)}  ${group.summary}`);
  return [
    "Usage: task-assistant <command> [options]",
    "",
    "Keeps issue metadata consistent across many organisations' repositories, under an",
    "operator-controlled registry, with immutable per-org telemetry.",
    "",
    "Commands:",
    ...lines,
    "",
    "Run `task-assistant <command> --help` for a command's options.",
    "Exit codes: 0 ok · 1 the work ran and failed · 2 refused input · 3 external failure.",
    "",
  ].join("\n");
}

function groupHelp(groupName: string, table: CommandTable): string {
  const names = Object.keys(table);
  const width = Math.max(...names.map((name) => `${groupName} ${name}`.trim().length));
  return [
    `Usage: task-assistant ${groupName} <command> [options]`,
    "",
    "Commands:",
    ...names.map((name) => `  ${`${groupName} ${name}`.trim().padEnd(width)}  ${table[name].summary}`),
    "",
    `Run \`task-assistant ${groupName} <command> --help\` for a command's options.`,
    "",
  ].join("\n");
}

const wantsHelp = (args: readonly string[]) => args.includes("--help") || args.includes("-h");

/** Finds the longest command name in `table` that the arguments start with. */
export function matchCommand(
  table: CommandTable,
  args: readonly string[],
): { name: string; rest: string[] } | undefined {
  const wordsOf = (name: string) => (name === "" ? [] : name.split(" "));
  // Longest first, so `dispatch plan` wins over the bare `dispatch` whatever the table's order.
  const candidates = Object.keys(table).sort((a, b) => wordsOf(b).length - wordsOf(a).length);
  for (const name of candidates) {
    const words = wordsOf(name);
    if (words.every((word, index) => args[index] === word)) return { name, rest: args.slice(words.length) };
  }
  return undefined;
}

async function nearestName(word: string, names: readonly string[]): Promise<string | undefined> {
  const { didYouMean } = await import("../config/did-you-mean.js");
  return didYouMean(word, names);
}

/** The command of `names` (one or two words) nearest to the words given, for "did you mean". */
async function nearestCommand(
  names: readonly string[],
  given: readonly string[],
): Promise<string | undefined> {
  if (given.length === 0) return undefined;
  const twoWords = given.length > 1 ? await nearestName(given.join(" "), names) : undefined;
  return (
    twoWords ??
    (await nearestName(
      given[0],
      names.filter((name) => name !== ""),
    ))
  );
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [groupName, ...rest] = argv;
  if (groupName === undefined || groupName === "--help" || groupName === "-h" || groupName === "help") {
    io.stdout(topLevelHelp());
    return groupName === undefined ? 2 : 0;
  }
  if (groupName === "--version" || groupName === "-v") {
    const { packageVersion } = await import("./runtime/package-info.js");
    io.stdout(`${VERSION_TEXT} ${await packageVersion()}\n`);
    return 0;
  }
  const group = GROUPS[groupName];
  if (group === undefined) {
    const near = await nearestName(groupName, Object.keys(GROUPS));
    io.stderr(
      `error: unknown command "${groupName}"${near === undefined ? "" : ` (did you mean "${near}"?)`}\nhint: run \`task-assistant --help\` for the commands\n`,
    );
    return 2;
  }
  const table = await group.load();
  const match = matchCommand(table, rest);
  if (
    match === undefined ||
    (match.name === "" && rest[0] !== undefined && !rest[0].startsWith("-") && !("" in table))
  ) {
    if (wantsHelp(rest) || rest.length === 0) {
      io.stdout(groupHelp(groupName, table));
      return rest.length === 0 ? 2 : 0;
    }
    const given = rest.slice(0, 2).filter((word) => !word.startsWith("-"));
    const near = await nearestCommand(Object.keys(table), given);
    io.stderr(
      `error: unknown command "${groupName} ${rest[0] ?? ""}"${near === undefined ? "" : ` (did you mean "${`${groupName} ${near}`.trim()}"?)`}\nhint: run \`task-assistant ${groupName} --help\` for the commands\n`,
    );
    return 2;
  }
  const spec = table[match.name];
  if (wantsHelp(match.rest)) {
    io.stdout(spec.usage.endsWith("\n") ? spec.usage : `${spec.usage}\n`);
    return 0;
  }
  const module = await spec.load();
  return module.run(match.rest, io);
}

/** The conventional exit status of a process stopped by a signal: 128 + the signal's number. */
export const SIGNAL_EXIT_STATUS = { SIGINT: 130, SIGTERM: 143 } as const;
type StopSignal = keyof typeof SIGNAL_EXIT_STATUS;

/** How long an interrupted command may take to clean up before the process exits regardless. */
const CLEANUP_GRACE_MS = 5_000;

/**
 * What the first SIGINT/SIGTERM aborts `io.signal` with; aborted waits and requests reject with it.
 * Named `AbortError` like the platform's own abort reason, because clients recognise an abort by
 * that name: Octokit passes it through as is instead of wrapping it as an HTTP 500 and retrying.
 */
export class Interrupted extends Error {
  constructor(readonly signal: StopSignal) {
    super(`interrupted by ${signal}`);
    this.name = "AbortError";
  }
}

/**
 * Runs the CLI for this process's argv and exits with the command's code. The first SIGINT or
 * SIGTERM aborts `io.signal`: the command stops its waits and requests, cleans up what it owns and
 * returns, and the process exits with 128 + signo (130, 143) whatever the command returned. A second
 * signal, or a command still busy after a grace period, exits at once with that status.
 */
export async function runFromProcess(): Promise<void> {
  const controller = new AbortController();
  let received: StopSignal | undefined;
  const onSignal = (signal: StopSignal) => {
    if (received !== undefined) process.exit(SIGNAL_EXIT_STATUS[signal]);
    received = signal;
    controller.abort(new Interrupted(signal));
    setTimeout(() => {
      process.stderr.write(`stopped by ${signal}: the command did not finish cleaning up in time\n`);
      process.exit(SIGNAL_EXIT_STATUS[signal]);
    }, CLEANUP_GRACE_MS).unref();
  };
  // A reader that goes away (`task-assistant telemetry list | head`) is not an error of ours.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const io: CliIO = {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    interactive: Boolean(process.stderr.isTTY),
    signal: controller.signal,
  };
  let code: number;
  try {
    code = await main(process.argv.slice(2), io);
  } catch (error) {
    if (received !== undefined) {
      // Whatever the interrupted command threw on its way out is a consequence of the signal.
      io.stderr(`stopped by ${received}\n`);
      code = SIGNAL_EXIT_STATUS[received];
    } else {
      const { reportError } = await import("./report-error.js");
      code = reportError(error, io);
    }
  }
  if (received !== undefined) code = SIGNAL_EXIT_STATUS[received];
  process.exitCode = code;
  // Servers and timers a command left behind must not keep a finished command alive.
  await new Promise<void>((resolve) => process.stdout.write("", () => resolve()));
  process.exit(code);
}
