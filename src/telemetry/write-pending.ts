import { ImmutableRecordConflict } from "../errors.js";
import type { GitHub } from "../github/octokit.js";
import { HeadIndex } from "./head-index.js";
import type { EmitPlan } from "./plan-emit.js";
import { parseRecordPath } from "./record-path.js";
import { gitBlobId } from "./write-batch.js";
import {
  httpFailure,
  isHttpError,
  writeFailed,
  type HttpFailure,
  type WriteAttempts,
} from "./write-attempts.js";
import type { EmitResult } from "./write-one.js";

/**
 * Where records wait while their branch is contended: `refs/telemetry-pending/<record path>`, each
 * pointing at the record's blob. Refs outside `refs/heads/` are no branch: readers of the telemetry
 * branch never see them.
 */
export const PENDING_REFS = "telemetry-pending";

/** Records one landing commit takes at most: enough for a burst, small enough for one request body. */
const MAX_LANDING = 100;

/** Stale pending refs (their record already on the branch) one landing clears at most. */
const MAX_CLEANUP = 10;

/** Thrown inside a landing when the branch does not exist yet. */
const NO_BRANCH = Symbol("no branch");

interface Pending {
  path: string;
  blob: string;
}

/**
 * Stores a record on a contended branch together with every other record waiting there, in one
 * commit, so that independent writers (separate processes that cannot batch with each other) share
 * commits instead of queueing one commit each for the one branch head.
 *
 * 1. Publish: the record's blob, then a pending ref `refs/telemetry-pending/<path>` at that blob. No
 *    writer contends for another's ref, so this never conflicts. A pending ref already there for the
 *    path holds the same bytes (an earlier try) or a different record (`ImmutableRecordConflict`).
 * 2. Land, until the record is on the branch: read the head, list every pending ref, check each
 *    path at the head (`HeadIndex`: a path already stored is left alone, never overwritten), and
 *    commit all the pending records not yet stored on top of the head, moving the branch
 *    fast-forward only (`force: false`). When another writer moved the branch first, that commit
 *    very likely carried this record too: the next round finds it stored and is done.
 * 3. Remove its own pending ref (and a few stale ones already landed), best effort: a leftover ref
 *    only costs a later lander one lookup.
 *
 * A record is reported stored only when it is at its path on the branch with exactly its bytes.
 * A writer that dies after publishing still gets its record landed by the next writer that lands.
 * Faults are retried under the write's `attempts` (deadline, backoff, rate-limit waits).
 *
 * Returns "unsupported" when the server refuses the pending ref itself (so the caller goes on with
 * contents PUTs, as without this path).
 */
export async function writeThroughPending(
  github: GitHub,
  plan: EmitPlan,
  attempts: WriteAttempts,
): Promise<EmitResult | "unsupported"> {
  const { owner, repo } = plan;
  const target = `${owner}/${repo}:${plan.path}`;
  const mine: Pending = { path: plan.path, blob: gitBlobId(plan.text) };
  const pendingRef = `${PENDING_REFS}/${plan.path}`;
  const request = attempts.request;

  /** Runs one request until it answers, retrying faults under the write's budget. */
  const persist = async <T>(call: () => Promise<T>): Promise<T | { failure: HttpFailure }> => {
    for (;;) {
      const startedAt = attempts.step();
      let failure: HttpFailure;
      try {
        return await call();
      } catch (error) {
        failure = httpFailure(error);
      }
      const verdict = attempts.verdict(failure);
      if (verdict.kind !== "retry" && verdict.kind !== "wait") return { failure };
      await attempts.waitAfter(failure, verdict, startedAt, (why) =>
        writeFailed(target, failure, attempts.attempt, why),
      );
    }
  };

  const blob = await persist(() =>
    github.rest.git.createBlob({ owner, repo, content: plan.content, encoding: "base64", request }),
  );
  if ("failure" in blob) return "unsupported";
  const created = await persist(async () => {
    try {
      await github.rest.git.createRef({
        owner,
        repo,
        ref: `refs/${pendingRef}`,
        sha: blob.data.sha,
        request,
      });
      return "created" as const;
    } catch (error) {
      if (!isHttpError(error) || error.status !== 422) throw error;
      // Already there (an earlier try whose answer was lost, or another record for this path)?
      try {
        const { data } = await github.rest.git.getRef({ owner, repo, ref: pendingRef, request });
        if (data.object.sha === mine.blob) return "created" as const;
        return "taken" as const;
      } catch (lookup) {
        if (isHttpError(lookup) && lookup.status === 404) return "refused" as const;
        throw lookup;
      }
    }
  });
  if (typeof created !== "string" || created === "refused") return "unsupported";
  if (created === "taken") throw new ImmutableRecordConflict(target);

  try {
    const branch = await persist(() => github.rest.repos.get({ owner, repo, request }));
    if ("failure" in branch) throw writeFailed(target, branch.failure, attempts.attempt);
    return await land(github, plan, mine, branch.data.default_branch, attempts, target);
  } catch (error) {
    // An empty repository has no branch to land on yet: its first commit comes from a contents PUT.
    if (error === NO_BRANCH) return "unsupported";
    throw error;
  } finally {
    await github.rest.git.deleteRef({ owner, repo, ref: pendingRef, request }).catch(() => undefined);
  }
}

async function land(
  github: GitHub,
  plan: EmitPlan,
  mine: Pending,
  branch: string,
  attempts: WriteAttempts,
  target: string,
): Promise<EmitResult> {
  const { owner, repo } = plan;
  const request = attempts.request;
  for (;;) {
    const startedAt = attempts.begin();
    let step: "read" | "ref" = "read";
    let failure: HttpFailure;
    try {
      const head = await github.rest.repos.getBranch({ owner, repo, branch, request }).then(
        (response) => response.data,
        (error: unknown) => {
          throw isHttpError(error) && error.status === 404 ? NO_BRANCH : error;
        },
      );
      const index = new HeadIndex(github, owner, repo, head.commit.sha, head.commit.commit.tree.sha);
      const waiting = await listPending(github, owner, repo, request);
      const batch = [mine, ...waiting.filter((entry) => entry.path !== mine.path)].slice(0, MAX_LANDING);
      const stored = await index.lookup(batch);
      const mineStored = stored.get(mine.path);
      if (mineStored === mine.blob)
        return { path: plan.path, outcome: "created", attempts: attempts.attempt };
      if (mineStored !== undefined) throw new ImmutableRecordConflict(target);
      const toWrite = batch.filter((entry) => !stored.has(entry.path));
      const { data: tree } = await github.rest.git.createTree({
        owner,
        repo,
        base_tree: head.commit.commit.tree.sha,
        tree: toWrite.map((entry) => ({
          path: entry.path,
          mode: "100644" as const,
          type: "blob" as const,
          sha: entry.blob,
        })),
        request,
      });
      const { data: commit } = await github.rest.git.createCommit({
        owner,
        repo,
        message: [
          `telemetry: ${toWrite.length} record${toWrite.length === 1 ? "" : "s"}`,
          "",
          ...toWrite.map((entry) => `- ${entry.path}`),
        ].join("\n"),
        tree: tree.sha,
        parents: [head.commit.sha],
        request,
      });
      step = "ref";
      await github.rest.git.updateRef({
        owner,
        repo,
        ref: `heads/${branch}`,
        sha: commit.sha,
        force: false,
        request,
      });
      await clearLanded(
        github,
        owner,
        repo,
        batch.filter((entry) => entry.path !== mine.path && stored.get(entry.path) === entry.blob),
      );
      return { path: plan.path, outcome: "created", attempts: attempts.attempt, commit_sha: commit.sha };
    } catch (error) {
      if (error === NO_BRANCH) throw error;
      failure = httpFailure(error);
    }
    // The ref update answers 422 "not a fast forward" (or 409) when another commit landed first.
    const moved = step === "ref" && (failure.status === 422 || failure.status === 409);
    const verdict = moved ? ({ kind: "retry", cause: "conflict" } as const) : attempts.verdict(failure);
    if (verdict.kind === "exists" || verdict.kind === "fatal") {
      throw writeFailed(target, failure, attempts.attempt);
    }
    // Another lander moved the branch: its commit took every record pending when it listed them,
    // very likely this one, so the next round comes soon and finds it stored; the wait does not
    // grow with such collisions (every one of them is progress for the branch).
    await attempts.waitAfter(
      failure,
      verdict,
      startedAt,
      (why) => writeFailed(target, failure, attempts.attempt, why),
      { grow: !moved },
    );
  }
}

/** Every pending record: refs under `refs/telemetry-pending/` at a blob whose name is a record path. */
async function listPending(
  github: GitHub,
  owner: string,
  repo: string,
  request: WriteAttempts["request"],
): Promise<Pending[]> {
  const { data } = await github.rest.git.listMatchingRefs({ owner, repo, ref: `${PENDING_REFS}/`, request });
  const prefix = `refs/${PENDING_REFS}/`;
  const pending: Pending[] = [];
  for (const ref of data) {
    const path = ref.ref.slice(prefix.length);
    if (!ref.ref.startsWith(prefix) || ref.object.type !== "blob" || parseRecordPath(path) === undefined)
      continue;
    pending.push({ path, blob: ref.object.sha });
  }
  return pending;
}

/** Deletes pending refs whose records are already on the branch, best effort. */
async function clearLanded(github: GitHub, owner: string, repo: string, landed: Pending[]): Promise<void> {
  for (const entry of landed.slice(0, MAX_CLEANUP)) {
    await github.rest.git
      .deleteRef({ owner, repo, ref: `${PENDING_REFS}/${entry.path}`, request: { retries: 0 } })
      .catch(() => undefined);
  }
}
