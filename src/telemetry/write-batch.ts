import { createHash } from "node:crypto";
import { ImmutableRecordConflict } from "../errors.js";
import type { GitHub } from "../github/octokit.js";
import type { EmitPlan } from "./plan-emit.js";
import {
  httpFailure,
  isHttpError,
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
  head?: { commit: string; tree: string };
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
 * Requests per round: 1 branch read + 1 listing per date directory (+ 1 per run directory that
 * already exists) + tree + commit + ref update, for any number of records.
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
        await github.rest.repos.get({ owner, repo, request: { retries: 0 } })
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
        const { data } = await github.rest.repos.getBranch({ owner, repo, branch, request: { retries: 0 } });
        head = { commit: data.commit.sha, tree: data.commit.commit.tree.sha };
      }
      const stored = await storedBlobIds(github, owner, repo, head.commit, plans);
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
        request: { retries: 0 },
      });
      const { data: commit } = await github.rest.git.createCommit({
        owner,
        repo,
        message: commitMessage([...toWrite.values()]),
        tree: tree.sha,
        parents: [head.commit],
        request: { retries: 0 },
      });
      step = "ref";
      await github.rest.git.updateRef({
        owner,
        repo,
        ref: `heads/${branch}`,
        sha: commit.sha,
        force: false,
        request: { retries: 0 },
      });
      session.head = { commit: commit.sha, tree: tree.sha };
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

/**
 * Blob ids of the records already stored at the head, for the batch's paths. One listing per date
 * directory says which correlation directories exist; only those are listed in turn. A burst of new
 * runs therefore costs one read per date directory.
 */
async function storedBlobIds(
  github: GitHub,
  owner: string,
  repo: string,
  commitSha: string,
  plans: readonly EmitPlan[],
): Promise<Map<string, string>> {
  const list = async (
    path: string,
  ): Promise<
    Array<{ name: string; path: string; sha: string; type: string }> | "absent" | "not a directory"
  > => {
    let data: unknown;
    try {
      // A missing directory (404) is the usual answer; a retry would only repeat it.
      ({ data } = await github.rest.repos.getContent({
        owner,
        repo,
        path,
        ref: commitSha,
        request: { retries: 0 },
      }));
    } catch (error) {
      if (isHttpError(error) && error.status === 404) return "absent";
      throw error;
    }
    return Array.isArray(data)
      ? (data as Array<{ name: string; path: string; sha: string; type: string }>)
      : "not a directory";
  };
  const parentOf = (path: string) => path.slice(0, path.lastIndexOf("/"));
  const ids = new Map<string, string>();
  const blocked = (prefix: string) => {
    for (const plan of plans) if (plan.path.startsWith(`${prefix}/`)) ids.set(plan.path, "(blocked)");
  };

  const runDirectories = new Set<string>();
  for (const dateDirectory of new Set(plans.map((plan) => parentOf(parentOf(plan.path))))) {
    const listing = await list(dateDirectory);
    if (listing === "absent") continue;
    if (listing === "not a directory") {
      blocked(dateDirectory);
      continue;
    }
    const present = new Map(listing.map((entry) => [entry.path, entry.type]));
    // The contents API lists at most 1,000 entries: past that, ask each run directory directly.
    const complete = listing.length < 1000;
    for (const plan of plans) {
      const runDirectory = parentOf(plan.path);
      if (parentOf(runDirectory) !== dateDirectory) continue;
      const type = present.get(runDirectory);
      if (type === "dir" || (type === undefined && !complete)) runDirectories.add(runDirectory);
      else if (type !== undefined) blocked(runDirectory);
    }
  }
  for (const runDirectory of runDirectories) {
    const listing = await list(runDirectory);
    if (listing === "absent") continue;
    if (listing === "not a directory") {
      blocked(runDirectory);
      continue;
    }
    for (const entry of listing) ids.set(entry.path, entry.type === "file" ? entry.sha : `(${entry.type})`);
  }
  return ids;
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
