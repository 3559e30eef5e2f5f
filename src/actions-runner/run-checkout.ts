import { mkdir, readdir, rm } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { ExternalError, UsageError } from "../errors.js";
import { resolveRemoteRef } from "./resolve-remote-ref.js";
import { runGit } from "./run-git.js";

export interface CheckoutRequest {
  /** The job's workspace (GITHUB_WORKSPACE); `path` is inside it. */
  workspace: string;
  /** The git base URL of the local GitHub; the remote is `${gitUrl}/${repository}`, without `.git`, as actions/checkout uses. */
  gitUrl: string;
  repository: string;
  /** Branch, tag, full ref or SHA; empty → `defaultRef` (the event's commit for the run's own repository, else the default branch). */
  ref: string;
  defaultRef: string | undefined;
  path: string;
  /** 0 fetches all history, N the last N commits. */
  fetchDepth: number;
  token: string;
  persistCredentials: boolean;
  /** A partial clone filter such as `blob:none`. */
  filter?: string;
  /** Sparse-checkout patterns (empty: the whole tree), in cone mode unless `sparseCone` is false. */
  sparse?: readonly string[];
  sparseCone?: boolean;
}

export interface CheckoutResult {
  directory: string;
  sha: string;
  ref: string;
}

const SHA = /^[0-9a-f]{40}$/;

/**
 * Does what actions/checkout does against the local GitHub: `git init`, the token as an
 * `AUTHORIZATION: basic` extra header, a fetch of exactly the ref or SHA asked for (shallow unless
 * `fetchDepth` is 0), and a forced checkout; the header is removed unless `persistCredentials`.
 * Whatever an earlier checkout left at `path` (a second attempt after a failed one) is removed
 * first, as actions/checkout removes a directory it cannot reuse.
 */
export async function runCheckout(request: CheckoutRequest): Promise<CheckoutResult> {
  const directory = resolve(request.workspace, request.path);
  const inside = relative(request.workspace, directory);
  if (inside.startsWith("..")) {
    throw new UsageError(`actions/checkout: path ${request.path} is outside the workspace`, {
      hint: "give a path relative to GITHUB_WORKSPACE",
    });
  }
  await mkdir(directory, { recursive: true });
  for (const entry of await readdir(directory))
    await rm(join(directory, entry), { recursive: true, force: true });
  const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${request.token}`).toString("base64")}`;
  const redact = [header, request.token];
  const git = (args: string[]): Promise<string> => runGit(args, { cwd: directory, redact });
  await git(["init", "--quiet", directory]);
  await git(["remote", "add", "origin", `${request.gitUrl}/${request.repository}`]);
  if (request.token !== "") await git(["config", "--local", "http.extraheader", header]);
  let wanted = request.ref === "" ? (request.defaultRef ?? "") : request.ref;
  if (wanted === "") {
    const symref = await git(["ls-remote", "--symref", "origin", "HEAD"]);
    wanted = /^ref: (\S+)\s+HEAD/m.exec(symref)?.[1] ?? "";
    if (wanted === "")
      throw new ExternalError(`actions/checkout: ${request.repository} has no default branch`);
  }
  const { ref, sha } = resolveRemoteRef(
    SHA.test(wanted) ? "" : await git(["ls-remote", "origin", wanted]),
    wanted,
    request.repository,
  );
  const refspec =
    ref === sha
      ? `+${sha}:refs/remotes/origin/checkout`
      : ref.startsWith("refs/heads/")
        ? `+${ref}:refs/remotes/origin/${ref.slice("refs/heads/".length)}`
        : `+${ref}:${ref}`;
  const fetchArgs = ["-c", "protocol.version=2", "fetch", "--no-tags", "--prune", "--quiet"];
  if (request.fetchDepth > 0) fetchArgs.push(`--depth=${request.fetchDepth}`);
  if (request.filter) fetchArgs.push(`--filter=${request.filter}`);
  await git([...fetchArgs, "origin", refspec]);
  if (request.sparse !== undefined && request.sparse.length > 0)
    await git([
      "sparse-checkout",
      "set",
      request.sparseCone === false ? "--no-cone" : "--cone",
      "--",
      ...request.sparse,
    ]);
  if (ref.startsWith("refs/heads/")) {
    const branch = ref.slice("refs/heads/".length);
    await git(["checkout", "--quiet", "--force", "-B", branch, `refs/remotes/origin/${branch}`]);
  } else {
    await git(["checkout", "--quiet", "--force", "--detach", sha]);
  }
  if (!request.persistCredentials && request.token !== "")
    await git(["config", "--local", "--unset-all", "http.extraheader"]);
  return { directory, sha, ref };
}
