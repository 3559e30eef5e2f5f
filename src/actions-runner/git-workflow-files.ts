import { access, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { resolveRemoteRef } from "./resolve-remote-ref.js";
import { runGit } from "./run-git.js";
import type { WorkflowFile, WorkflowFiles } from "./workflow-files.js";

/**
 * Reads workflow files from the local GitHub over git, as GitHub reads a `uses:` reference: the ref
 * is resolved to a commit, and the file is read at that commit. One bare cache per repository under
 * `cacheDir`, fetched shallow and without blobs (`--filter=blob:none`); `git show` fetches the one
 * blob it needs. Within one instance a ref is resolved once, as GitHub resolves each `uses:` once
 * when a run starts (use one instance per run), and a commit is fetched and a file read once; the
 * cache directory may be shared by instances.
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
        const ready = await access(join(directory, "config")).then(
          () => true,
          () => false,
        );
        if (ready) return directory;
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
  const once = <T>(memo: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> => {
    let value = memo.get(key);
    if (value === undefined) {
      value = make();
      memo.set(key, value);
    }
    return value;
  };
  const listings = new Map<string, Promise<string>>();
  const fetched = new Map<string, Promise<void>>();
  const contents = new Map<string, Promise<string>>();
  return {
    async read(repository, path, wanted): Promise<WorkflowFile> {
      const directory = await cacheOf(repository);
      const listing = /^[0-9a-f]{40}$/.test(wanted)
        ? ""
        : await once(listings, `${repository}\n${wanted}`, () =>
            runGit(["-C", directory, "ls-remote", "origin", wanted], { redact }),
          );
      const { ref, sha } = resolveRemoteRef(listing, wanted, repository);
      await once(fetched, `${repository}\n${sha}`, async () => {
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
      });
      const content = await once(contents, `${repository}\n${sha}\n${path}`, () =>
        runGit(["-C", directory, "show", `${sha}:${path}`], { redact }),
      );
      return { repository, path, ref, sha, content };
    },
  };
}
