import { ExternalError, ImmutableRecordConflict } from "../errors.js";
import type { GitHub } from "../github/octokit.js";
import type { EmitPlan } from "./plan-emit.js";
import {
  httpFailure,
  isHttpError,
  messageOf,
  writeFailed,
  WriteAttempts,
  type EmitOptions,
} from "./write-attempts.js";

export interface EmitResult {
  path: string;
  /** `identical`: the same bytes were already stored (a re-emit, or an earlier attempt that landed). */
  outcome: "created" | "identical";
  /** Writes attempted: contents `PUT`s, or batch commits for a record written in a batch. */
  attempts: number;
  /** The commit that added the record, when this call made it. */
  commit_sha?: string;
}

/**
 * Stores one planned record with contents `PUT`s (no `sha`, so they only create): one request when
 * nothing goes wrong. A 422 means a file is there: identical bytes → `identical`; different →
 * `ImmutableRecordConflict`, nothing overwritten.
 */
export async function writeOne(github: GitHub, plan: EmitPlan, options: EmitOptions): Promise<EmitResult> {
  const attempts = new WriteAttempts(options);
  const target = `${plan.owner}/${plan.repo}:${plan.path}`;
  for (;;) {
    const startedAt = attempts.begin();
    let failure;
    try {
      const response = await github.rest.repos.createOrUpdateFileContents({
        owner: plan.owner,
        repo: plan.repo,
        path: plan.path,
        message: plan.message,
        content: plan.content,
        // Octokit's own retries would hide attempts from the budget; every retry is made here.
        request: attempts.request,
      });
      return {
        path: plan.path,
        outcome: "created",
        attempts: attempts.attempt,
        commit_sha: response.data.commit.sha,
      };
    } catch (error) {
      failure = httpFailure(error);
    }
    const verdict = attempts.verdict(failure);
    if (verdict.kind === "exists") {
      await compareStored(github, plan, failure.error);
      return { path: plan.path, outcome: "identical", attempts: attempts.attempt };
    }
    if (verdict.kind === "fatal") {
      throw verdict.reason === undefined
        ? writeFailed(target, failure, attempts.attempt)
        : writeFailed(
            target,
            failure,
            attempts.attempt,
            verdict.reason,
            "let the Task Assistant App commit to the telemetry repository's default branch (branch protection or a ruleset refuses it); nothing was written",
          );
    }
    await attempts.waitAfter(failure, verdict, startedAt, (why) =>
      writeFailed(target, failure, attempts.attempt, why),
    );
  }
}

/**
 * After a 422, reads what is stored at the path. Same bytes → the record is there (success);
 * different bytes → `ImmutableRecordConflict`; nothing there → the 422 was about something else.
 */
async function compareStored(github: GitHub, plan: EmitPlan, cause: unknown): Promise<void> {
  const stored = await readStoredText(github, plan);
  if (stored === undefined) {
    throw new ExternalError(`GitHub refused the telemetry write to ${plan.path} (422): ${messageOf(cause)}`, {
      status: 422,
      hint: "the record was not stored; check the telemetry repository's default branch and rules",
      cause,
    });
  }
  if (stored !== plan.text)
    throw new ImmutableRecordConflict(`${plan.owner}/${plan.repo}:${plan.path}`, { cause });
}

async function readStoredText(github: GitHub, plan: EmitPlan): Promise<string | undefined> {
  let data: unknown;
  try {
    ({ data } = await github.rest.repos.getContent({ owner: plan.owner, repo: plan.repo, path: plan.path }));
  } catch (error) {
    if (isHttpError(error) && error.status === 404) return undefined;
    throw new ExternalError(`could not read the stored telemetry record ${plan.path}: ${messageOf(error)}`, {
      status: isHttpError(error) ? error.status : undefined,
      cause: error,
    });
  }
  const file = data as { type?: string; encoding?: string; content?: string; sha?: string; size?: number };
  if (file.type !== "file" || typeof file.sha !== "string") {
    throw new ImmutableRecordConflict(`${plan.owner}/${plan.repo}:${plan.path}`, {
      hint: `something other than a record file is stored at ${plan.path}; it was left untouched`,
    });
  }
  // The contents API leaves large files' content empty; the blob always has it.
  if (
    file.encoding === "base64" &&
    typeof file.content === "string" &&
    (file.content !== "" || file.size === 0)
  ) {
    return Buffer.from(file.content, "base64").toString("utf8");
  }
  const blob = await github.rest.git.getBlob({ owner: plan.owner, repo: plan.repo, file_sha: file.sha });
  return Buffer.from(blob.data.content, "base64").toString("utf8");
}
