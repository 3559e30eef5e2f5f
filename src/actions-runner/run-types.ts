import type { ConcurrencyGroups } from "./concurrency-groups.js";
import type { JobPermissions } from "./job-permissions.js";
import type { PreparedInstall } from "./npm-install-shim.js";
import type { WorkflowFiles } from "./workflow-files.js";

export type StepConclusion = "success" | "failure" | "cancelled" | "skipped";
export type JobConclusion = "success" | "failure" | "cancelled" | "skipped";

export interface StepResult {
  id: string;
  name: string;
  /** Before continue-on-error. */
  outcome: StepConclusion;
  /** After continue-on-error (what `success()` and the job's result see). */
  conclusion: StepConclusion;
  outputs: Record<string, string>;
  /** What the step printed, and the runner's notes about it (e.g. why it failed). */
  log: string;
  durationMs: number;
}

export interface JobResult {
  /** Unique within the run: the job ids from the top workflow down, `enforce/enforce`, with a matrix suffix. */
  key: string;
  id: string;
  /** GitHub's display name: `caller / called` for jobs of a reusable workflow, `build (20, linux)` for a matrix. */
  name: string;
  result: JobConclusion;
  outputs: Record<string, string>;
  steps: StepResult[];
  /** The jobs of the called workflow, for a job that calls one. */
  jobs: JobResult[];
  /** Why the job failed, was skipped or cancelled, when the runner knows more than the steps say. */
  reason?: string;
  permissions: JobPermissions;
  /** The OIDC claims the job's ID token was requested with (`id-token: write`). */
  idTokenClaims?: Record<string, string>;
  /** Copied from the previous attempt by "re-run failed jobs". */
  reused: boolean;
  /** The workflow file the job is defined in. */
  workflow: { repository: string; path: string; ref: string; sha: string };
  log: string;
  durationMs: number;
}

export interface RunResult {
  runId: number;
  runAttempt: number;
  workflowName: string;
  eventName: string;
  conclusion: "success" | "failure" | "cancelled";
  jobs: JobResult[];
  /** Every job's and step's log lines, in the order they happened. */
  log: string;
  durationMs: number;
}

/** The values for ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
export interface IdTokenRequest {
  url: string;
  token: string;
}

/** One event on one repository, and everything the runner needs to run its workflow. */
export interface RunWorkflowOptions {
  /** Where workflow files (the run's own and every reusable one) are read from. */
  files: WorkflowFiles;
  repository: {
    fullName: string;
    id: number;
    ownerId: number;
    visibility?: "public" | "private" | "internal";
  };
  /** The workflow file the event starts, e.g. `.github/workflows/task-assistant-dispatch.yml`. */
  workflowPath: string;
  event: { name: string; payload: Readonly<Record<string, unknown>> };
  /** The event's ref (`refs/heads/main`) and commit. */
  ref: string;
  sha: string;
  actor: { login: string; id: number };
  github: {
    /** git base URL: a repository is `${gitUrl}/owner/repo`. */
    gitUrl: string;
    /** REST base URL (GITHUB_API_URL). */
    apiUrl: string;
    /** GITHUB_SERVER_URL. */
    serverUrl: string;
    /** The job token (GITHUB_TOKEN) unless `jobToken` mints one per job. */
    token: string;
  };
  runId: number;
  runNumber?: number;
  /** 1 for a first run; `rerun` counts up. */
  runAttempt?: number;
  /** Workspaces and temporary directories go under this directory, fresh for each job. */
  workRoot: string;
  secrets?: Readonly<Record<string, string>>;
  vars?: Readonly<Record<string, string>>;
  /** Mints the job's GITHUB_TOKEN for its permissions; `github.token` when absent. */
  jobToken?: (permissions: JobPermissions, jobKey: string) => Promise<string>;
  /** Asks the OIDC issuer for a job's ID token request URL and token (`id-token: write`). */
  requestIdToken?: (claims: Record<string, string>) => Promise<IdTokenRequest>;
  /** Shared concurrency groups, so runs in one process queue and cancel each other as on GitHub. */
  concurrency?: ConcurrencyGroups;
  /** The repository's default workflow permissions. */
  defaultPermissions?: "restricted" | "permissive";
  /** Environment every step starts from (PATH, HOME, ...). */
  baseEnv?: Readonly<Record<string, string>>;
  /** Node.js versions present for actions/setup-node, e.g. ["20.19.1"]. */
  nodeVersions?: readonly string[];
  /**
   * What actions/setup-node with `cache: npm` holds: an installation that \`npm ci\` reuses when the
   * checkout's inputs are identical to it (see npm-install-shim.ts). Without it, npm ci runs for real.
   */
  preparedInstall?: PreparedInstall;
  /** The real npm the shim falls back to (an absolute path; default \`npm\` on PATH). */
  npm?: string;
  /**
   * How long one minute of `timeout-minutes` lasts, in ms (default 60 000). A test of a timeout sets
   * it lower so a job's real `timeout-minutes: 15` expires in seconds; every timeout scales alike.
   */
  timeoutMinuteMs?: number;
  /** Time between SIGINT and SIGKILL when a step is stopped. */
  killGraceMs?: number;
  /** How long `always()`/`cancelled()` steps may run after a cancellation or timeout. */
  cleanupTimeoutMs?: number;
  maxWorkflowLevels?: number;
  runnerEnvironment?: "github-hosted" | "self-hosted";
  /** Receives each log line as it happens. */
  log?: (line: string) => void;
  now?: () => number;
}
