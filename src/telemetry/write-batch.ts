import { createHash } from "node:crypto";
import { ImmutableRecordConflict } from "../errors.js";
import type { GitHub } from "../github/octokit.js";
import { HeadIndex } from "./head-index.js";
import type { EmitPlan } from "./plan-emit.js";
import {
  httpFailure,
  writeFailed,
  WriteAttempts,
  type EmitOptions,
  type HttpFailure,
} from "./write-attempts.js";
import type { EmitResult } from "./write-one.js";

/** What consecutive batches to one repository share: its default branch and the head they left. */
export interface BatchSession {
  owner: string;
  repo: string;
  branch?: string;
  /** The head this session's last batch left, with what it knows is stored there. */
  head?: HeadIndex;
}

/** Per record of a batch: its result, or the error it ends with. */
export type BatchOutcome = { result: EmitResult } | { error: unknown };

/**
 * Stores several records in one commit through the git data API: read the branch head, check each
 * record's directory at that head (a record already there is `identical` when its blob id matches
 * ours, an `ImmutableRecordConflict` otherwise), create one tree with the new records on top of the
 * head's tree, one commit, and move the branch with a fast-forward-only ref update. If another
 * writer moved the branch first, the update is refused and the batch starts again from the new
 * head, under the same backoff and budget as single writes. Nothing can be overwritten: records
 * are only added to a tree that was checked not to hold them, and the ref only moves if that tree's
 * commit is still the head.
 *
 * Octokit's own retries are off for every request here: retries are counted by this budget.
 *
 * Returns "fallback" when the API refuses the batch for a reason retrying will not fix (an empty
 * repository, a missing branch, an unsupported endpoint, a rule on the ref); the caller then
 * writes the records one by one, which reports such problems per record.
 *
 * Requests per round, for any number of records: tree + commit + ref update, plus, when the head
 * is not the one this session's last batch left, 1 branch read, 1 listing per date directory and 1
 * per run directory that already exists (see `HeadIndex`).
 */
export async function writeBatch(
  github: GitHub,
  session: BatchSession,
  plans: readonly EmitPlan[],
  options: EmitOptions,
): Promise<BatchOutcome[] | "fallback"> {
  const { owner, repo } = session;
  const attempts = new WriteAttempts(options);
  if (session.branch === undefined) {
    try {
      session.branch = (
        await github.rest.repos.get({ owner, repo, request: attempts.request })
      ).data.default_branch;
    } catch (error) {
      httpFailure(error);
      return "fallback";
    }
  }
  const branch = session.branch;
  const target = `${owner}/${repo}@${branch} (${plans.length} records)`;

  for (;;) {
    const startedAt = attempts.begin();
    let step: "read" | "write" | "ref" = "read";
    let failure: HttpFailure;
    // The head this session last wrote is very likely still the head; if not, the ref update is
    // refused and the next round reads the branch.
    const known = session.head;
    session.head = undefined;
    try {
      let head = known;
      if (head === undefined) {
        const { data } = await github.rest.repos.getBranch({
          owner,
          repo,
          branch,
          request: attempts.request,
        });
        head = new HeadIndex(github, owner, repo, data.commit.sha, data.commit.commit.tree.sha);
      }
      const stored = await head.lookup(plans);
      const outcomes: BatchOutcome[] = [];
      const toWrite = new Map<string, EmitPlan>();
      for (const plan of plans) {
        const mine = gitBlobId(plan.text);
        // A second copy of a path in the batch compares with the first, as with a stored record.
        const existing = stored.get(plan.path) ?? toWriteId(toWrite.get(plan.path));
        if (existing === undefined) {
          toWrite.set(plan.path, plan);
          outcomes.push({ result: { path: plan.path, outcome: "created", attempts: attempts.attempt } });
        } else if (existing === mine) {
          outcomes.push({ result: { path: plan.path, outcome: "identical", attempts: attempts.attempt } });
        } else {
          outcomes.push({ error: new ImmutableRecordConflict(`${owner}/${repo}:${plan.path}`) });
        }
      }
      if (toWrite.size === 0) {
        session.head = head;
        return outcomes;
      }

      step = "write";
      const { data: tree } = await github.rest.git.createTree({
        owner,
        repo,
        base_tree: head.tree,
        tree: [...toWrite.values()].map((plan) => ({
          path: plan.path,
          mode: "100644" as const,
          type: "blob" as const,
          content: plan.text,
        })),
        request: attempts.request,
      });
      const { data: commit } = await github.rest.git.createCommit({
        owner,
        repo,
        message: commitMessage([...toWrite.values()]),
        tree: tree.sha,
        parents: [head.commit],
        request: attempts.request,
      });
      step = "ref";
      await github.rest.git.updateRef({
        owner,
        repo,
        ref: `heads/${branch}`,
        sha: commit.sha,
        force: false,
        request: attempts.request,
      });
      session.head = head.recordWritten(
        commit.sha,
        tree.sha,
        new Map([...toWrite.values()].map((plan) => [plan.path, gitBlobId(plan.text)])),
      );
      for (const outcome of outcomes) {
        if ("result" in outcome && outcome.result.outcome === "created")
          outcome.result.commit_sha = commit.sha;
      }
      return outcomes;
    } catch (error) {
      failure = httpFailure(error);
    }
    // The ref update answers 422 "not a fast forward" (or 409) when another commit landed first.
    const moved = step === "ref" && (failure.status === 422 || failure.status === 409);
    const verdict = moved ? ({ kind: "retry", cause: "conflict" } as const) : attempts.verdict(failure);
    if (verdict.kind === "exists" || verdict.kind === "fatal") return "fallback";
    await attempts.waitAfter(failure, verdict, startedAt, (why) =>
      writeFailed(target, failure, attempts.attempt, why),
    );
  }
}

/** Git's blob id of a text: sha1 of `blob <length>\0<bytes>`. Equal ids mean equal bytes. */
export function gitBlobId(text: string): string {
  const bytes = Buffer.from(text, "utf8");
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

function toWriteId(plan: EmitPlan | undefined): string | undefined {
  return plan === undefined ? undefined : gitBlobId(plan.text);
}

function commitMessage(plans: readonly EmitPlan[]): string {
  return [
    `telemetry: ${plans.length} records`,
    "",
    ...plans.map((plan) => `- ${plan.message.replace(/^telemetry: /, "")}`),
  ].join("\n");
}
