import { spawn } from "node:child_process";

/** How a step's process ended. */
export interface ProcessOutcome {
  /** `exited` on its own (see `exitCode`), or stopped because of a timeout or a cancellation. */
  ending: "exited" | "timed-out" | "cancelled" | "failed-to-start";
  exitCode: number | null;
  output: string;
}

export interface ProcessRequest {
  command: string;
  args: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string>>;
  /** Stop after this many milliseconds (timeout-minutes). */
  timeoutMs?: number;
  /** Cancels the process when aborted. */
  signal?: AbortSignal;
  /** After SIGINT, how long to wait before SIGKILL (GitHub's runner waits 7.5 s). */
  killGraceMs?: number;
  onOutput?: (text: string) => void;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

/** Kills every process left in a process group (orphans a step left behind). */
export function killProcessGroup(pid: number): void {
  signalGroup(pid, "SIGKILL");
}

/**
 * Runs one command as the leader of its own process group, so that a timeout or a cancellation
 * stops it and everything it started: SIGINT to the group, then SIGKILL after the grace period.
 * Returns the group id (the pid) through `onStart` so the job can clear orphans at its end.
 */
export function runProcessGroup(
  request: ProcessRequest,
  onStart?: (pid: number) => void,
): Promise<ProcessOutcome> {
  return new Promise((resolve) => {
    let output = "";
    let ending: ProcessOutcome["ending"] = "exited";
    const child = spawn(request.command, [...request.args], {
      cwd: request.cwd,
      env: request.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const collect = (chunk: Buffer): void => {
      const text = chunk.toString();
      output += text;
      request.onOutput?.(text);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    let graceTimer: NodeJS.Timeout | undefined;
    const stop = (why: "timed-out" | "cancelled"): void => {
      if (ending !== "exited" || child.pid === undefined) return;
      ending = why;
      signalGroup(child.pid, "SIGINT");
      graceTimer = setTimeout(
        () => signalGroup(child.pid as number, "SIGKILL"),
        request.killGraceMs ?? 7_500,
      );
    };
    const timer =
      request.timeoutMs === undefined ? undefined : setTimeout(() => stop("timed-out"), request.timeoutMs);
    const onAbort = (): void => stop("cancelled");
    if (request.signal?.aborted) queueMicrotask(onAbort);
    else request.signal?.addEventListener("abort", onAbort, { once: true });
    if (child.pid !== undefined) onStart?.(child.pid);
    let settled = false;
    const finish = (outcome: ProcessOutcome): void => {
      if (settled) return;
      settled = true;
      // A stopped step's leader is gone; whatever it started (e.g. a background process that
      // ignores SIGINT, as bash makes them) goes with it.
      if (ending !== "exited" && child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
      clearTimeout(timer);
      clearTimeout(graceTimer);
      request.signal?.removeEventListener("abort", onAbort);
      resolve(outcome);
    };
    child.on("error", (error) =>
      finish({ ending: "failed-to-start", exitCode: null, output: error.message }),
    );
    // `exit`, not `close`: a background process the step left running may hold the pipes open; the
    // job kills such orphans when it ends, as GitHub's runner does.
    let exitCode: number | null = null;
    child.on("exit", (code) => {
      exitCode = code;
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish({ ending, exitCode, output });
      }, 200).unref();
    });
    child.on("close", (code) => finish({ ending, exitCode: exitCode ?? code, output }));
  });
}
