/**
 * What `install` must change in a host repository, decided from what is there (pure). The
 * dispatcher workflow is *ensured* (written whenever it differs from the pinned template, which is
 * how an upgrade happens); the config is *created only*: a maintainer's existing config is never
 * overwritten.
 */
export interface DesiredHostFile {
  readonly path: string;
  readonly text: string;
  /** Git blob SHA of `text`, as GitHub would report it. */
  readonly sha: string;
  readonly policy: "ensure" | "create-only";
}

export interface InstallPlan {
  /** Files the one install commit writes. Empty: nothing to commit. */
  readonly writes: readonly {
    readonly path: string;
    readonly text: string;
    readonly reason: "absent" | "differs";
  }[];
  /** Files left as they are, and why. */
  readonly kept: readonly { readonly path: string; readonly reason: "identical" | "exists" }[];
}

/** @example planInstall(files, new Map([[".github/task-assistant.yml", "abc…"]])) */
export function planInstall(
  desired: readonly DesiredHostFile[],
  current: ReadonlyMap<string, string | undefined>,
): InstallPlan {
  const writes: InstallPlan["writes"][number][] = [];
  const kept: InstallPlan["kept"][number][] = [];
  for (const file of desired) {
    const sha = current.get(file.path);
    if (sha === undefined) writes.push({ path: file.path, text: file.text, reason: "absent" });
    else if (sha === file.sha) kept.push({ path: file.path, reason: "identical" });
    else if (file.policy === "create-only") kept.push({ path: file.path, reason: "exists" });
    else writes.push({ path: file.path, text: file.text, reason: "differs" });
  }
  return { writes, kept };
}
