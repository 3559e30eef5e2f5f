import type { GitHub } from "../github/octokit.js";
import type { EmitPlan } from "./plan-emit.js";
import type { EmitOptions } from "./write-attempts.js";
import { writeBatch, type BatchSession } from "./write-batch.js";
import { writeOne, type EmitResult } from "./write-one.js";

/** Records per batch commit: large enough to absorb bursts, small enough for one request body. */
const MAX_BATCH = 50;

interface Waiting {
  plan: EmitPlan;
  options: EmitOptions;
  resolve: (result: EmitResult) => void;
  reject: (error: unknown) => void;
}

/** Per client, per telemetry repository: the records waiting for the write in progress. */
const queues = new WeakMap<object, Map<string, Waiting[]>>();

/**
 * Writes a planned record through the client's queue for its telemetry repository. GitHub asks for
 * contents writes to one repository to be made serially, so a client writes one thing at a time
 * per repository: the first record alone (one contents PUT), and whatever piled up meanwhile as one
 * batch commit. Records from one process therefore never conflict with each other, and a burst
 * costs one commit instead of one per record. A batch runs with the first waiting record's options.
 */
export function enqueueWrite(github: GitHub, plan: EmitPlan, options: EmitOptions): Promise<EmitResult> {
  let byRepo = queues.get(github);
  if (byRepo === undefined) {
    byRepo = new Map();
    queues.set(github, byRepo);
  }
  const key = `${plan.owner}/${plan.repo}`.toLowerCase();
  const running = byRepo.get(key);
  return new Promise<EmitResult>((resolve, reject) => {
    const waiting: Waiting = { plan, options, resolve, reject };
    if (running !== undefined) {
      running.push(waiting);
      return;
    }
    const queue = [waiting];
    byRepo.set(key, queue);
    void drain(github, queue, () => byRepo.delete(key));
  });
}

async function drain(github: GitHub, queue: Waiting[], finished: () => void): Promise<void> {
  const session: BatchSession = { owner: queue[0].plan.owner, repo: queue[0].plan.repo };
  for (;;) {
    // Checked and closed in one synchronous step, so a record enqueued later starts a new drain
    // instead of joining a queue nobody reads any more.
    if (queue.length === 0) {
      finished();
      return;
    }
    const turn = queue.splice(0, MAX_BATCH);
    try {
      const outcomes =
        turn.length === 1
          ? "fallback"
          : await writeBatch(
              github,
              session,
              turn.map((waiting) => waiting.plan),
              turn[0].options,
            );
      if (outcomes === "fallback") {
        for (const waiting of turn) {
          await writeOne(github, waiting.plan, waiting.options).then(waiting.resolve, waiting.reject);
        }
      } else {
        outcomes.forEach((outcome, index) =>
          "result" in outcome ? turn[index].resolve(outcome.result) : turn[index].reject(outcome.error),
        );
      }
    } catch (error) {
      // The batch as a whole could not be written (budget or deadline spent): each record says so.
      for (const waiting of turn) waiting.reject(error);
    }
    // Let the writers just answered hand in their next records, so they join the next batch
    // rather than each opening a drain of its own.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
