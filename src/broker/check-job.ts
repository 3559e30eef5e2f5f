import { ENGINE_NAMES, type EngineName } from "../runtime/engine.js";
import { parseSubject } from "./parse-subject.js";
import { refuse, type Refusal } from "./refusal.js";
import type { JobClaims } from "./read-job-claims.js";

/** Who may call, besides holding a verified token: the broker's configuration. */
export interface JobPolicy {
  /** `owner/repo` whose engine workflows are trusted. */
  readonly appRepository: string;
  /** `event_name`s whose jobs may exchange tokens. */
  readonly allowedEvents: readonly string[];
  readonly allowSelfHosted: boolean;
}

/** The app repository's releases: tag `vX.Y.Z` → the commit it points at now. */
export interface ReleaseSet {
  readonly tags: ReadonlyMap<string, string>;
}

/** A verified engine job of this project at a release, running for `repository`. */
export interface EngineJob {
  readonly engine: EngineName;
  /** The release tag whose commit the job's workflow is. */
  readonly release: string;
  readonly repository: string;
  readonly owner: string;
  readonly name: string;
}

export const RELEASE_TAG = /^v\d+\.\d+\.\d+$/;
const SHA = /^[0-9a-f]{40}$/;

/**
 * Whether verified claims describe a job of one of this project's engine workflows, at the exact
 * commit of a release, with a consistent identity (pure). The current ids of the repository are
 * checked against GitHub's answers later (`checkRepositoryIdentity`, in `GitHubApp.token`).
 *
 * @example checkJob(claims, { appRepository: "o/app", allowedEvents: ["issues"], allowSelfHosted: false }, releases)
 */
export function checkJob(claims: JobClaims, policy: JobPolicy, releases: ReleaseSet): EngineJob | Refusal {
  const subject = parseSubject(claims.sub);
  if (subject === undefined)
    return refuse("subject_mismatch", `"sub" ${claims.sub} is not GitHub's default subject for a repository`);
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const [owner, name] = claims.repository.split("/");
  if (
    !same(subject.repository, claims.repository) ||
    name === undefined ||
    !same(owner, claims.repository_owner)
  )
    return refuse(
      "subject_mismatch",
      `"sub" names ${subject.repository} and "repository_owner" ${claims.repository_owner}, but "repository" is ${claims.repository}`,
    );
  if (
    subject.ownerId !== undefined &&
    (subject.ownerId !== claims.repository_owner_id || subject.repositoryId !== claims.repository_id)
  )
    return refuse("subject_mismatch", `the ids in "sub" are not "repository_owner_id" and "repository_id"`);
  if (!policy.allowedEvents.includes(claims.event_name))
    return refuse(
      "event_not_allowed",
      `jobs of ${claims.event_name} events get no tokens; allowed: ${policy.allowedEvents.join(", ")}`,
    );
  if (claims.runner_environment !== "github-hosted" && !policy.allowSelfHosted)
    return refuse(
      "runner_self_hosted",
      `the job ran on a ${claims.runner_environment} runner; only GitHub-hosted runners get tokens`,
    );

  const prefix = `${policy.appRepository}/.github/workflows/engine-`;
  const at = claims.job_workflow_ref.lastIndexOf("@");
  const path = at === -1 ? claims.job_workflow_ref : claims.job_workflow_ref.slice(0, at);
  const ref = at === -1 ? "" : claims.job_workflow_ref.slice(at + 1);
  const engine = same(path.slice(0, prefix.length), prefix)
    ? /^([a-z-]+)\.yml$/.exec(path.slice(prefix.length))
    : null;
  if (engine === null || !(ENGINE_NAMES as readonly string[]).includes(engine[1]))
    return refuse(
      "workflow_not_engine",
      `${claims.job_workflow_ref} is not an engine workflow of ${policy.appRepository}`,
    );
  const sha = claims.job_workflow_sha.toLowerCase();
  if (!SHA.test(sha))
    return refuse("token_claims", `"job_workflow_sha" ${claims.job_workflow_sha} is not a commit SHA`);

  let release: string | undefined;
  if (ref.startsWith("refs/tags/") && RELEASE_TAG.test(ref.slice("refs/tags/".length))) {
    const tag = ref.slice("refs/tags/".length);
    const commit = releases.tags.get(tag);
    if (commit === undefined)
      return refuse("workflow_sha_not_release", `${tag} is not a release of ${policy.appRepository}`);
    if (commit !== sha)
      return refuse(
        "workflow_sha_not_release",
        `${policy.appRepository}@${tag} is ${commit}, not ${sha}: the tag moved or the commit is not released`,
      );
    release = tag;
  } else if (SHA.test(ref.toLowerCase())) {
    if (ref.toLowerCase() !== sha)
      return refuse("workflow_sha_not_release", `the workflow ref ${ref} is not its commit ${sha}`);
    release = [...releases.tags].find(([, commit]) => commit === sha)?.[0];
    if (release === undefined)
      return refuse(
        "workflow_sha_not_release",
        `${sha} is not the commit of any release of ${policy.appRepository}`,
      );
  } else {
    return refuse(
      "workflow_ref_not_release",
      `engine workflows run at a release tag (refs/tags/vX.Y.Z) or its commit, not ${ref || "no ref"}`,
    );
  }
  return { engine: engine[1] as EngineName, release, repository: claims.repository, owner, name };
}

/**
 * Whether the calling repository's ids in the token are its ids on GitHub now (pure): a renamed or
 * recycled name must not inherit another repository's standing.
 */
export function checkRepositoryIdentity(
  claims: Pick<JobClaims, "repository" | "repository_id" | "repository_owner_id">,
  current: { readonly ownerId: number; readonly repositoryId: number | undefined },
): Refusal | undefined {
  if (String(current.ownerId) !== claims.repository_owner_id)
    return refuse(
      "repository_identity",
      `the owner of ${claims.repository} is now id ${current.ownerId}, not ${claims.repository_owner_id}`,
    );
  if (current.repositoryId === undefined)
    return refuse("repository_identity", `${claims.repository} is not reachable by the App's installation`);
  if (String(current.repositoryId) !== claims.repository_id)
    return refuse(
      "repository_identity",
      `${claims.repository} is now id ${current.repositoryId}, not ${claims.repository_id}`,
    );
  return undefined;
}
