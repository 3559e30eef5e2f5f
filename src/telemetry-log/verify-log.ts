import { gitItems, runGit, type GitRunOptions } from "../dashboard/run-git.js";
import { parseCheckpoint, type Checkpoint } from "../tlog/checkpoint.js";
import { MerkleTree } from "../tlog/merkle-tree.js";
import { NoteFormatError, openNote, type NoteVerifier } from "../tlog/signed-note.js";
import { checkConsistency } from "../tlog/verify-proofs.js";
import { RECORDS_ROOT } from "../telemetry/record-path.js";
import { firstParentChanges } from "./first-parent-changes.js";
import { listTree, readBlobs } from "./git-blobs.js";
import {
  CHECKPOINT_FILE,
  CHECKPOINTS_ROOT,
  isBackdated,
  isLeafPath,
  leafChunkStart,
  LEAVES_DIR,
  parseLeafChunk,
  readExtensions,
  recordLeafHash,
  type LeafEntry,
} from "./log-files.js";

export type FindingKind =
  | "changed"
  | "deleted"
  | "inserted"
  | "bad-signature"
  | "wrong-origin"
  | "malformed-checkpoint"
  | "inconsistent"
  | "truncated"
  | "rewritten"
  | "index-tampered"
  | "no-checkpoint"
  | "not-extending-trusted";

/** One sign of tampering: what, where (a record or a log file) and, when history shows it, which commit. */
export interface Finding {
  kind: FindingKind;
  path: string;
  commit?: string;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  head: string;
  origin: string;
  /** Size of the latest valid checkpoint (0 when there is none). */
  size: number;
  checkpoints: number;
  recordsVerified: number;
  /** Records newer than the latest checkpoint: not yet covered, not tampering. */
  pending: Array<{ path: string }>;
  trusted?: { size: number; extended: boolean };
  findings: Finding[];
}

export interface VerifyLogOptions extends GitRunOptions {
  ref?: string;
  verifier: NoteVerifier;
  origin: string;
  /** A checkpoint the auditor kept, already opened and parsed by the caller. */
  trusted?: Checkpoint;
}

interface SignedVersion {
  commit: string;
  checkpoint: Checkpoint;
  telemetryCommit?: string;
  time?: Date;
}

/**
 * Verifies a telemetry repository's log from a clone: every checkpoint in the first-parent history
 * (signature, origin, root over the leaf index, consistency with the one before by an RFC 6962
 * proof), every leaf recomputed from the record now at its path, records that appeared in old
 * directories after checkpointing, and, with `trusted`, that the log extends the auditor's
 * checkpoint. Every finding names the path and, where history shows it, the commit.
 */
export async function verifyLog(options: VerifyLogOptions): Promise<VerifyReport> {
  const git: GitRunOptions = { cwd: options.cwd, env: options.env };
  const head = (
    await runGit(["rev-parse", "--verify", `${options.ref ?? "HEAD"}^{commit}`], git)
  ).stdout.trim();
  const findings: Finding[] = [];

  // 1. History of the log's own files: every checkpoint version, leaf-index edits. Record paths are
  // looked up only for the records found tampered (step 8), so this pass stays small.
  const versions: Array<{ commit: string; blob: string }> = [];
  for await (const { commit, changes } of firstParentChanges({
    ...git,
    to: head,
    pathspecs: [`${CHECKPOINTS_ROOT}/`],
  })) {
    for (const change of changes) {
      if (change.path === CHECKPOINT_FILE) {
        if (change.status === "D") {
          findings.push({
            kind: "no-checkpoint",
            path: CHECKPOINT_FILE,
            commit,
            message: "the checkpoint was deleted",
          });
        } else versions.push({ commit, blob: change.blob });
      } else if (leafChunkStart(change.path) !== undefined && change.status !== "A") {
        findings.push({
          kind: "index-tampered",
          path: change.path,
          commit,
          message: `the leaf index file was ${change.status === "D" ? "deleted" : "changed"}; it is written once`,
        });
      }
    }
  }

  // 2. Every checkpoint version: signature, origin, format.
  const signed: SignedVersion[] = [];
  let i = 0;
  for await (const bytes of readBlobs(
    versions.map((v) => v.blob),
    git,
  )) {
    const { commit } = versions[i];
    i += 1;
    try {
      const checkpoint = parseCheckpoint(openNote(bytes.toString("utf8"), options.verifier).text);
      if (checkpoint.origin !== options.origin) {
        findings.push({
          kind: "wrong-origin",
          path: CHECKPOINT_FILE,
          commit,
          message: `the checkpoint is for origin ${JSON.stringify(checkpoint.origin)}, not ${JSON.stringify(options.origin)}`,
        });
        continue;
      }
      signed.push({ commit, checkpoint, ...extensionsOf(checkpoint) });
    } catch (error) {
      if (!(error instanceof NoteFormatError)) throw error;
      findings.push({
        kind: error.field === "signature" ? "bad-signature" : "malformed-checkpoint",
        path: CHECKPOINT_FILE,
        commit,
        message: error.message,
      });
    }
  }

  // 3. The leaf index as it is now, and the tree over it.
  const index = await readIndexAt(head, git, findings);
  const tree = new MerkleTree(index.map((entry) => entry.hash));

  // 4. Each checkpoint against the index and against the one before it.
  let previous: SignedVersion | undefined;
  for (const version of signed) {
    const { size, root } = version.checkpoint;
    const at = version.commit;
    if (version.telemetryCommit !== undefined && !(await isAncestor(version.telemetryCommit, head, git))) {
      findings.push({
        kind: "rewritten",
        path: CHECKPOINT_FILE,
        commit: at,
        message: `the checkpoint signed telemetry commit ${version.telemetryCommit.slice(0, 12)}, which is no longer in the branch's history: history was rewritten`,
      });
    }
    if (previous !== undefined && size < previous.checkpoint.size) {
      findings.push({
        kind: "truncated",
        path: CHECKPOINT_FILE,
        commit: at,
        message: `the checkpoint shrinks the log from ${previous.checkpoint.size} to ${size} records`,
      });
    }
    if (size > index.length) {
      findings.push({
        kind: "truncated",
        path: LEAVES_DIR,
        commit: at,
        message: `the checkpoint signs ${size} records but the leaf index now holds ${index.length}`,
      });
      for (const entry of (await readIndexAt(at, git, [])).slice(index.length, size)) {
        findings.push({
          ...recordFinding("deleted", entry.path),
          message: "logged, then dropped from the log",
        });
      }
    } else if (!tree.rootAt(size).equals(root)) {
      findings.push({
        kind: "index-tampered",
        path: LEAVES_DIR,
        commit: at,
        message: `the leaf index does not give the root signed for ${size} records`,
      });
    } else if (previous !== undefined && previous.checkpoint.size <= size) {
      const proof = tree.consistencyProof(previous.checkpoint.size, size);
      const reason = checkConsistency(previous.checkpoint.size, size, proof, previous.checkpoint.root, root);
      if (reason !== undefined) {
        findings.push({
          kind: "inconsistent",
          path: CHECKPOINT_FILE,
          commit: at,
          message: `not consistent with the checkpoint before it: ${reason}`,
        });
      }
    }
    previous = version;
  }
  const latest = signed.at(-1);
  if (latest === undefined && versions.length === 0) {
    findings.push({
      kind: "no-checkpoint",
      path: CHECKPOINT_FILE,
      message: "the repository has no checkpoint: nothing is proven",
    });
  }

  // 5. Every logged record recomputed from the bytes now at its path.
  const records = await listTree(head, `${RECORDS_ROOT}/`, git, gitItems);
  const covered = Math.min(latest?.checkpoint.size ?? 0, index.length);
  const logged = new Set<string>();
  const toRead: LeafEntry[] = [];
  for (const entry of index.slice(0, covered)) {
    if (logged.has(entry.path)) {
      findings.push({
        ...recordFinding("inserted", entry.path),
        message: "logged twice: deleted and written again",
      });
      continue;
    }
    logged.add(entry.path);
    if (!records.has(entry.path)) {
      findings.push({ ...recordFinding("deleted", entry.path), message: "logged, then deleted" });
    } else toRead.push(entry);
  }
  let n = 0;
  for await (const bytes of readBlobs(
    toRead.map((entry) => records.get(entry.path)!),
    git,
  )) {
    const entry = toRead[n];
    n += 1;
    if (!recordLeafHash(entry.path, bytes).equals(entry.hash)) {
      findings.push({ ...recordFinding("changed", entry.path), message: "logged, then changed" });
    }
  }

  // 6. Records the log does not cover: new ones are pending; ones in old directories are inserted.
  const pending: VerifyReport["pending"] = [];
  for (const path of records.keys()) {
    if (logged.has(path)) continue;
    if (isBackdated(path, latest?.time)) {
      findings.push({
        ...recordFinding("inserted", path),
        message: `written into an old directory after the checkpoint of ${latest!.time!.toISOString()}`,
      });
    } else pending.push({ path });
  }

  // 7. The auditor's trusted checkpoint: the log must extend it.
  let trusted: VerifyReport["trusted"];
  if (options.trusted !== undefined && latest !== undefined) {
    const t = options.trusted;
    const size = latest.checkpoint.size;
    let reason: string | undefined;
    if (t.size > size)
      reason = `the log now holds ${size} records, fewer than the ${t.size} of the trusted checkpoint: it was truncated`;
    else if (size > index.length) reason = "the leaf index is too short to prove it";
    else {
      const why = checkConsistency(
        t.size,
        size,
        tree.consistencyProof(t.size, size),
        t.root,
        latest.checkpoint.root,
      );
      if (why !== undefined)
        reason = `the log does not extend the trusted checkpoint of ${t.size} records (${why}): history was rewritten`;
    }
    trusted = { size: t.size, extended: reason === undefined };
    if (reason !== undefined) {
      findings.push({
        kind: t.size > size ? "truncated" : "not-extending-trusted",
        path: CHECKPOINT_FILE,
        commit: latest.commit,
        message: reason,
      });
    }
  }

  // 8. The commit that last touched each tampered record.
  const unnamed = findings.filter((f) => isLeafPath(f.path) && f.commit === undefined);
  const commits = await lastCommits(
    head,
    unnamed.map((f) => f.path),
    git,
  );
  for (const finding of unnamed) {
    const commit = commits.get(finding.path);
    if (commit !== undefined) finding.commit = commit;
  }

  return {
    ok: findings.length === 0,
    head,
    origin: options.origin,
    size: latest?.checkpoint.size ?? 0,
    checkpoints: signed.length,
    recordsVerified: toRead.length,
    pending,
    ...(trusted ? { trusted } : {}),
    findings,
  };
}

function extensionsOf(checkpoint: Checkpoint): { telemetryCommit?: string; time?: Date } {
  const { commit, time } = readExtensions(checkpoint.extensions);
  return { ...(commit ? { telemetryCommit: commit } : {}), ...(time ? { time } : {}) };
}

function recordFinding(kind: "changed" | "deleted" | "inserted", path: string): Omit<Finding, "message"> {
  return { kind, path };
}

/** Above this many paths, one pass over the history beats one `git log` per path. */
const LOOKUP_LIMIT = 50;

/** The last first-parent commit that touched each path (its deletion, change or addition). */
async function lastCommits(
  head: string,
  paths: readonly string[],
  git: GitRunOptions,
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (paths.length === 0) return found;
  if (paths.length <= LOOKUP_LIMIT) {
    for (const path of paths) {
      const out = await runGit(["log", "--first-parent", "-1", "--format=%H", head, "--", path], git);
      if (out.stdout.trim() !== "") found.set(path, out.stdout.trim());
    }
    return found;
  }
  const wanted = new Set(paths);
  for await (const { commit, changes } of firstParentChanges({
    ...git,
    to: head,
    pathspecs: [`${RECORDS_ROOT}/`],
  })) {
    for (const change of changes) if (wanted.has(change.path)) found.set(change.path, commit);
  }
  return found;
}

/** The leaf index at `commit`: its chunk files in order, checked to follow one another. */
async function readIndexAt(commit: string, git: GitRunOptions, findings: Finding[]): Promise<LeafEntry[]> {
  const files = await listTree(commit, `${LEAVES_DIR}/`, git, gitItems);
  const chunks = [...files.entries()]
    .map(([path, blob]) => ({ path, blob, start: leafChunkStart(path) }))
    .sort((a, b) => (a.start ?? -1) - (b.start ?? -1));
  const entries: LeafEntry[] = [];
  let i = 0;
  for await (const bytes of readBlobs(
    chunks.map((c) => c.blob),
    git,
  )) {
    const chunk = chunks[i];
    i += 1;
    if (chunk.start === undefined || chunk.start !== entries.length) {
      findings.push({
        kind: "index-tampered",
        path: chunk.path,
        message: `the leaf index file does not follow the one before it (expected leaf ${entries.length})`,
      });
      if (chunk.start === undefined) continue;
    }
    const parsed = parseLeafChunk(bytes.toString("utf8"), chunk.path);
    for (const problem of parsed.problems) {
      findings.push({
        kind: "index-tampered",
        path: chunk.path,
        message: `line ${problem.line ?? 0}: ${problem.message}`,
      });
    }
    for (const entry of parsed.entries) entries.push(entry);
  }
  return entries;
}

/** Exit 1 means "not an ancestor", 128 "no such commit here" (force-pushed away): both are a no. */
async function isAncestor(commit: string, head: string, git: GitRunOptions): Promise<boolean> {
  const result = await runGit(["merge-base", "--is-ancestor", commit, head], { ...git, allowExit: [1, 128] });
  return result.code === 0;
}
