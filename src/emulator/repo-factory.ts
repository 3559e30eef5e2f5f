import { personOf } from "./routes/commit-identity.js";
import type { Emulator } from "./routes/route-types.js";
import type { Account, Label, Repo } from "./state/types.js";

export interface NewRepoOptions {
  name: string;
  private: boolean;
  description?: string | null;
  homepage?: string | null;
  defaultBranch?: string;
  /** Files of an initial commit (path → text or bytes); with `autoInit` and no files, a README. */
  files?: Record<string, string | Uint8Array>;
  autoInit?: boolean;
  /** Who the initial commit is by. */
  author: Account;
  now: number;
}

/** GitHub's default labels of a new repository. */
const DEFAULT_LABELS: Array<[string, string, string]> = [
  ["bug", "d73a4a", "Something isn't working"],
  ["documentation", "0075ca", "Improvements or additions to documentation"],
  ["duplicate", "cfd3d7", "This issue or pull request already exists"],
  ["enhancement", "a2eeef", "New feature or request"],
  ["good first issue", "7057ff", "Good for newcomers"],
  ["help wanted", "008672", "Extra attention is needed"],
  ["invalid", "e4e669", "This doesn't seem right"],
  ["question", "d876e3", "Further information is requested"],
  ["wontfix", "ffffff", "This will not be worked on"],
];

/**
 * Creates a repository: its record in the state and its bare git repository, with an initial commit
 * when files are given or `autoInit` is set. With `defaultLabels`, GitHub's nine default labels.
 */
export async function createRepo(
  emu: Emulator,
  owner: Account,
  options: NewRepoOptions,
  defaultLabels = true,
): Promise<Repo> {
  const { state, git } = emu;
  const labels: Label[] = defaultLabels
    ? DEFAULT_LABELS.map(([name, color, description]) => ({
        id: state.nextId(),
        name,
        color,
        description,
        isDefault: true,
      }))
    : [];
  const repo: Repo = {
    id: state.nextId(),
    ownerId: owner.id,
    name: options.name,
    private: options.private,
    description: options.description ?? null,
    homepage: options.homepage ?? null,
    defaultBranch: options.defaultBranch ?? "main",
    archived: false,
    createdAt: options.now,
    updatedAt: options.now,
    pushedAt: null,
    collaborators: {},
    labels,
    milestones: [],
    issues: [],
    pulls: [],
    protections: {},
    nextMilestoneNumber: 1,
  };
  const fullName = `${owner.login}/${repo.name}`;
  await git.create(fullName, repo.defaultBranch);
  let files = options.files;
  if ((!files || Object.keys(files).length === 0) && options.autoInit) {
    files = { "README.md": `# ${repo.name}\n${repo.description ? `\n${repo.description}\n` : ""}` };
  }
  if (files && Object.keys(files).length > 0) {
    await commitFiles(
      emu,
      fullName,
      repo.defaultBranch,
      files,
      options.author,
      options.now,
      "Initial commit",
    );
    repo.pushedAt = options.now;
  }
  state.addRepo(repo);
  return repo;
}

/** Commits `files` on top of `branch` (creating it if needed) in one commit; returns the commit SHA. */
export async function commitFiles(
  emu: Emulator,
  fullName: string,
  branch: string,
  files: Record<string, string | Uint8Array>,
  author: Account,
  now: number,
  message: string,
): Promise<string> {
  const { git } = emu;
  const head = await git.resolveBranch(fullName, branch);
  let tree = head ? (await git.readCommit(fullName, head))?.tree : undefined;
  for (const [path, content] of Object.entries(files)) {
    const data = typeof content === "string" ? Buffer.from(content, "utf8") : content;
    const blob = await git.writeBlob(fullName, data);
    tree = await git.withPath(fullName, tree, path, { mode: "100644", oid: blob, type: "blob" });
  }
  const person = personOf(author, emu.baseUrl, now);
  const commit = await git.writeCommit(fullName, {
    message,
    tree: tree ?? (await git.writeTree(fullName, [])),
    parents: head ? [head] : [],
    author: person,
    committer: person,
  });
  if (!(await git.compareAndSwapRef(fullName, `refs/heads/${branch}`, head ?? null, commit))) {
    throw new Error(`branch ${branch} of ${fullName} moved while committing`);
  }
  return commit;
}
