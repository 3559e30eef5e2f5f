import { runGit, type GitRunOptions } from "../dashboard/run-git.js";
import { ValidationError } from "../errors.js";
import { formatCheckpoint, parseCheckpoint } from "../tlog/checkpoint.js";
import {
  appendLeaf,
  EMPTY_FRONTIER,
  frontierRoot,
  isWellFormedFrontier,
  type MerkleFrontier,
} from "../tlog/merkle-frontier.js";
import { NoteFormatError, openNote, signNote, type NoteSigner } from "../tlog/signed-note.js";
import { RECORDS_ROOT } from "../telemetry/record-path.js";
import { firstParentChanges } from "./first-parent-changes.js";
import { readBlobs } from "./git-blobs.js";
import {
  CHECKPOINT_FILE,
  checkpointExtensions,
  compareLeafPaths,
  formatLeafChunk,
  isBackdated,
  leafChunkPath,
  parseState,
  recordLeafHash,
  readExtensions,
  serializeState,
  STATE_FILE,
  type LeafEntry,
} from "./log-files.js";

export interface UpdateLogOptions extends GitRunOptions {
  /** The telemetry commit to checkpoint (the checkout's head). */
  head: string;
  signer: NoteSigner;
  origin: string;
  now: Date;
}

/** A record the checkpointer saw changed, deleted or inserted late; it is reported and never logged. */
export interface LogFinding {
  kind: "changed" | "deleted" | "inserted";
  path: string;
  commit: string;
}

export interface LogUpdate {
  previousSize: number;
  size: number;
  /** Files to commit (paths in the repository); empty when there is nothing new to sign. */
  files: Array<{ path: string; content: string }>;
  findings: LogFinding[];
  /** Records read from git this run. */
  recordsRead: number;
  checkpoint?: string;
}

/**
 * The checkpointer's work on a checkout, without writing anything: reads its state, checks it
 * against the signed checkpoint (signature, origin, frontier root, and that the remembered commit
 * is still in the branch's history), reads only the commits after that one, appends their new
 * records as leaves and signs the new tree head. O(new records): the frontier is all it keeps.
 * Throws `ValidationError` when the stored state cannot be trusted (nothing is signed then).
 */
export async function updateLog(options: UpdateLogOptions): Promise<LogUpdate> {
  const git = { cwd: options.cwd, env: options.env };
  const previous = await readPrevious(options);
  if (previous !== undefined) {
    const known = await runGit(["merge-base", "--is-ancestor", previous.commit, options.head], {
      ...git,
      allowExit: [1, 128],
    });
    if (known.code !== 0) {
      throw new ValidationError(
        `the last checkpointed commit ${previous.commit.slice(0, 12)} is no longer in the branch's history: it was rewritten`,
        [{ path: "/commit", file: STATE_FILE, message: "not an ancestor of the branch head" }],
        { hint: "run `task-assistant telemetry verify` to see what changed; nothing was signed" },
      );
    }
  }

  let frontier: MerkleFrontier = previous?.frontier ?? EMPTY_FRONTIER;
  const findings: LogFinding[] = [];
  const added: Array<{ path: string; blob: string }> = [];
  const deletedNow = new Set<string>();
  for await (const { commit, changes } of firstParentChanges({
    ...git,
    from: previous?.commit,
    to: options.head,
    pathspecs: [`${RECORDS_ROOT}/`],
  })) {
    const additions: Array<{ path: string; blob: string }> = [];
    for (const change of changes) {
      if (change.status === "A") {
        if (deletedNow.has(change.path)) findings.push({ kind: "changed", path: change.path, commit });
        else if (isBackdated(change.path, previous?.time))
          findings.push({ kind: "inserted", path: change.path, commit });
        else additions.push({ path: change.path, blob: change.blob });
      } else if (change.status === "D") {
        deletedNow.add(change.path);
        findings.push({ kind: "deleted", path: change.path, commit });
      } else {
        findings.push({ kind: "changed", path: change.path, commit });
      }
    }
    additions.sort((a, b) => compareLeafPaths(a.path, b.path));
    for (const addition of additions) added.push(addition);
  }

  const entries: LeafEntry[] = [];
  let index = 0;
  for await (const bytes of readBlobs(
    added.map((a) => a.blob),
    git,
  )) {
    const { path } = added[index];
    index += 1;
    const hash = recordLeafHash(path, bytes);
    entries.push({ hash, path });
    frontier = appendLeaf(frontier, hash);
  }

  const previousSize = previous?.frontier.size ?? 0;
  const result: LogUpdate = {
    previousSize,
    size: frontier.size,
    files: [],
    findings,
    recordsRead: added.length,
  };
  if (previous !== undefined && entries.length === 0) return result;
  const body = formatCheckpoint({
    origin: options.origin,
    size: frontier.size,
    root: frontierRoot(frontier),
    extensions: checkpointExtensions(options.head, options.now),
  });
  const note = signNote(body, options.signer);
  result.checkpoint = note;
  result.files.push({ path: CHECKPOINT_FILE, content: note });
  result.files.push({
    path: STATE_FILE,
    content: serializeState({
      version: 1,
      origin: options.origin,
      size: frontier.size,
      commit: options.head,
      frontier: [...frontier.hashes],
    }),
  });
  if (entries.length > 0)
    result.files.push({ path: leafChunkPath(previousSize), content: formatLeafChunk(entries) });
  return result;
}

interface Previous {
  frontier: MerkleFrontier;
  commit: string;
  time?: Date;
}

async function readPrevious(options: UpdateLogOptions): Promise<Previous | undefined> {
  const stateText = await readAtHead(options, STATE_FILE);
  const note = await readAtHead(options, CHECKPOINT_FILE);
  if (stateText === undefined && note === undefined) return undefined;
  const refuse = (file: string, message: string, path = ""): never => {
    throw new ValidationError(
      `the log's stored state cannot be trusted: ${file}: ${message}`,
      [{ path, file, message }],
      {
        hint: "run `task-assistant telemetry verify` to see what changed; nothing was signed",
      },
    );
  };
  if (stateText === undefined) return refuse(STATE_FILE, "missing beside the checkpoint");
  if (note === undefined) return refuse(CHECKPOINT_FILE, "missing beside the state");
  const parsed = parseState(stateText);
  if (parsed.value === undefined)
    return refuse(STATE_FILE, parsed.problems.map((p) => `${p.path} ${p.message}`).join("; "));
  const state = parsed.value;
  let checkpoint;
  try {
    checkpoint = parseCheckpoint(openNote(note, options.signer).text);
  } catch (error) {
    if (error instanceof NoteFormatError) return refuse(CHECKPOINT_FILE, error.message);
    throw error;
  }
  if (checkpoint.origin !== options.origin) {
    refuse(
      CHECKPOINT_FILE,
      `its origin ${JSON.stringify(checkpoint.origin)} is not ${JSON.stringify(options.origin)}`,
    );
  }
  const frontier: MerkleFrontier = { size: state.size, hashes: state.frontier };
  if (
    !isWellFormedFrontier(frontier) ||
    checkpoint.size !== state.size ||
    !frontierRoot(frontier).equals(checkpoint.root)
  ) {
    refuse(STATE_FILE, "its frontier does not give the signed checkpoint's size and root", "/frontier");
  }
  const { commit, time } = readExtensions(checkpoint.extensions);
  if (commit !== state.commit)
    refuse(STATE_FILE, "its commit is not the one the checkpoint signed", "/commit");
  return { frontier, commit: state.commit, time };
}

/** A file of the commit being checkpointed (not of the working tree), or undefined when it has none. */
async function readAtHead(options: UpdateLogOptions, path: string): Promise<string | undefined> {
  const found = await runGit(["cat-file", "-e", `${options.head}:${path}`], {
    cwd: options.cwd,
    env: options.env,
    allowExit: [1, 128],
  });
  if (found.code !== 0) return undefined;
  return (
    await runGit(["cat-file", "blob", `${options.head}:${path}`], { cwd: options.cwd, env: options.env })
  ).stdout;
}
