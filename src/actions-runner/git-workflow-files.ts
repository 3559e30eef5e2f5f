import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { resolveRemoteRef } from "./resolve-remote-ref.js";
import { runGit } from "./run-git.js";
import type { WorkflowFile, WorkflowFiles } from "./workflow-files.js";

/**
 * Reads workflow files from the local GitHub over git, as GitHub reads a `uses:` reference: the ref
 * is resolved to a commit, and the file is read at that commit. One bare cache per repository under
 * `cacheDir`, fetched shallow and without blobs (`--filter=blob:none`); `git show` fetches the one
 * blob it needs.
 */
export function gitWorkflowFiles(options: {
  gitUrl: string;
  token: string;
  cacheDir: string;
}): WorkflowFiles {
  const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${options.token}`).toString("base64")}`;
  const redact = [header, options.token];
  const prepared = new Map<string, Promise<string>>();
  const cacheOf = (repository: string): Promise<string> => {
    let ready = prepared.get(repository);
    if (ready === undefined) {
      ready = (async () => {
        const directory = join(options.cacheDir, `${repository.replace("/", "+")}.git`);
        await mkdir(directory, { recursive: true });
        await runGit(["init", "--quiet", "--bare", directory], { redact });
        await runGit(["-C", directory, "remote", "add", "origin", `${options.gitUrl}/${repository}`]);
        await runGit(["-C", directory, "config", "http.extraheader", header], { redact });
        await runGit(["-C", directory, "config", "remote.origin.promisor", "true"]);
        await runGit(["-C", directory, "config", "remote.origin.partialclonefilter", "blob:none"]);
        return directory;
      })();
      prepared.set(repository, ready);
    }
    return ready;
  };
  return {
    async read(repository, path, wanted): Promise<WorkflowFile> {
      const directory = await cacheOf(repository);
      const listing = /^[0-9a-f]{40}$/.test(wanted)
        ? ""
        : await runGit(["-C", directory, "ls-remote", "origin", wanted], { redact });
      const { ref, sha } = resolveRemoteRef(listing, wanted, repository);
      await runGit(
        [
          "-C",
          directory,
          "-c",
          "protocol.version=2",
          "fetch",
          "--quiet",
          "--no-tags",
          "--depth=1",
          "--filter=blob:none",
          "origin",
          sha,
        ],
        { redact },
      );
      const content = await runGit(["-C", directory, "show", `${sha}:${path}`], { redact });
      return { repository, path, ref, sha, content };
    },
  };
}
