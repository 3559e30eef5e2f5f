import { readRegistry, type RegistrySnapshot } from "../registry/registry-snapshot.js";
import { REGISTRY_PATH } from "../registry/registry-types.js";
import type { Clock } from "../util/clock.js";
import { gitBlobSha } from "../util/git-blob-sha.js";
import { RELEASE_TAG, type ReleaseSet } from "./check-job.js";
import type { GitHubApp } from "./github-app.js";
import { refuse, RefusalError } from "./refusal.js";

export interface OperatorReadsOptions {
  readonly app: GitHubApp;
  readonly clock: Clock;
  readonly infraRepository: string;
  readonly appRepository: string;
  readonly registryTtlMs?: number;
  readonly releasesTtlMs?: number;
  /** After a commit is not among the releases, no refetch for this long. */
  readonly releasesCooldownMs?: number;
}

/**
 * What the broker reads with the App's own installation: the registry from the infra repository and
 * the release tags of the app repository, each cached. A commit that is not (yet) a release triggers
 * at most one refetch of the tags per cool-down, so a new release is trusted within seconds and a
 * stream of forged commits costs GitHub nothing.
 */
export class OperatorReads {
  private registry: { value: Promise<RegistrySnapshot>; at: number } | undefined;
  private releases: { value: Promise<ReleaseSet>; at: number } | undefined;

  constructor(private readonly options: OperatorReadsOptions) {}

  async registrySnapshot(): Promise<RegistrySnapshot> {
    const now = this.options.clock.now().getTime();
    if (this.registry === undefined || now - this.registry.at >= (this.options.registryTtlMs ?? 60_000)) {
      const value = this.readRegistry();
      const entry = { value, at: now };
      this.registry = entry;
      value.catch(() => {
        if (this.registry === entry) this.registry = undefined;
      });
    }
    return this.registry.value;
  }

  /**
   * The release tags, refetched when `sha` is not among them, or `tag` (the release the job names)
   * is not at `sha`, and the cool-down has passed: a new release is trusted without waiting out the
   * cache.
   */
  async releaseSet(sha: string, tag?: string): Promise<ReleaseSet> {
    const now = this.options.clock.now().getTime();
    const age = this.releases === undefined ? Infinity : now - this.releases.at;
    if (age >= (this.options.releasesTtlMs ?? 300_000)) return this.refetchReleases(now);
    const set = await this.releases!.value;
    const commit = sha.toLowerCase();
    const known = tag === undefined ? [...set.tags.values()].includes(commit) : set.tags.get(tag) === commit;
    if (!known && age >= (this.options.releasesCooldownMs ?? 30_000)) return this.refetchReleases(now);
    return set;
  }

  private refetchReleases(now: number): Promise<ReleaseSet> {
    const value = this.readReleases();
    const entry = { value, at: now };
    this.releases = entry;
    value.catch(() => {
      if (this.releases === entry) this.releases = undefined;
    });
    return value;
  }

  private async readRegistry(): Promise<RegistrySnapshot> {
    const [owner, name] = this.options.infraRepository.split("/");
    const { token } = await this.options.app.token(
      { owner, repositories: [name.toLowerCase()], permissions: { contents: "read", metadata: "read" } },
      name,
    );
    const response = await this.options.app.get(
      `/repos/${owner}/${name}/contents/${REGISTRY_PATH}`,
      token,
      "application/vnd.github.raw",
    );
    if (!response.ok)
      throw new RefusalError(
        refuse(
          "registry_unavailable",
          `cannot read ${this.options.infraRepository}:${REGISTRY_PATH} (HTTP ${response.status})`,
        ),
      );
    const bytes = Buffer.from(await response.arrayBuffer());
    return readRegistry(bytes.toString("utf8"), { sha: gitBlobSha(bytes), file: REGISTRY_PATH });
  }

  private async readReleases(): Promise<ReleaseSet> {
    const [owner, name] = this.options.appRepository.split("/");
    const { token } = await this.options.app.token(
      { owner, repositories: [name.toLowerCase()], permissions: { contents: "read", metadata: "read" } },
      name,
    );
    const response = await this.options.app.get(`/repos/${owner}/${name}/git/matching-refs/tags/v`, token);
    if (!response.ok)
      throw new RefusalError(
        refuse(
          "releases_unavailable",
          `cannot list the release tags of ${this.options.appRepository} (HTTP ${response.status})`,
        ),
      );
    const refs = (await response.json()) as Array<{ ref: string; object: { sha: string; type: string } }>;
    const tags = new Map<string, string>();
    for (const { ref, object } of refs) {
      const tag = ref.replace(/^refs\/tags\//, "");
      if (!RELEASE_TAG.test(tag)) continue;
      let sha = object.sha;
      if (object.type === "tag") {
        // An annotated tag: the commit is what it points at.
        const annotated = await this.options.app.get(`/repos/${owner}/${name}/git/tags/${object.sha}`, token);
        if (!annotated.ok) continue;
        sha = ((await annotated.json()) as { object: { sha: string } }).object.sha;
      }
      tags.set(tag, sha.toLowerCase());
    }
    return { tags };
  }
}
