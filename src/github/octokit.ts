import { Octokit } from "@octokit/rest";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";

/** Octokit with the REST methods, pagination, retry and throttling plugins: the one client we use. */
export const TaskAssistantOctokit = Octokit.plugin(retry, throttling);
export type GitHub = InstanceType<typeof TaskAssistantOctokit>;

export const PUBLIC_GITHUB_API = "https://api.github.com";

export interface GitHubClientOptions {
  /** REST base URL, e.g. `https://api.github.com` or the local GitHub's URL. */
  baseUrl: string;
  /** A token, or an auth strategy options object understood by `authStrategy`. */
  auth?: string | Record<string, unknown>;
  authStrategy?: unknown;
  /**
   * Client-side pacing of writes (plugin-throttling: one write per second, waits on rate limits).
   * On by default against api.github.com, off against other base URLs (the local GitHub), where
   * callers that care (emit-engine) handle `retry-after` themselves.
   */
  pacing?: boolean;
  /** Attempts plugin-retry makes on 5xx and similar transient errors; 0 disables it. */
  retries?: number;
  userAgent?: string;
  /** Injected fetch, for tests that must observe requests. */
  fetch?: typeof globalThis.fetch;
  /** Aborts every request of this client (in flight or later) when the command is interrupted. */
  signal?: AbortSignal;
  log?: {
    debug(message: string): void;
    info(message: string): void;
    warn(message: string): void;
    error(message: string): void;
  };
}

const silentLog = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * The Octokit factory. Everything that talks to GitHub (or the local GitHub) builds its client here,
 * so base URL, retries, pacing and user agent are decided in one place.
 *
 * @example const github = createGitHub({ baseUrl: server.url, auth: token });
 */
export function createGitHub(options: GitHubClientOptions): GitHub {
  const pacing = options.pacing ?? isPublicGitHub(options.baseUrl);
  const retries = options.retries ?? 2;
  return new TaskAssistantOctokit({
    baseUrl: options.baseUrl.replace(/\/+$/, ""),
    auth: options.auth,
    ...(options.authStrategy === undefined ? {} : { authStrategy: options.authStrategy }),
    userAgent: options.userAgent ?? "task-assistant",
    log: options.log ?? silentLog,
    // Retries are configured on the plugin only: a `request.retries` default would make plugin-retry
    // repeat every failed request, 404 and 422 included, not just the transient ones.
    ...(options.fetch === undefined && options.signal === undefined
      ? {}
      : {
          request: {
            ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
            ...(options.signal === undefined ? {} : { signal: options.signal }),
          },
        }),
    // 409 is a conflict (a moved branch head, a stale sha), not a transient fault: repeating the same
    // request cannot succeed, and callers that can resolve it (emit-engine) retry with fresh state.
    retry: { enabled: retries > 0, retries, doNotRetry: [400, 401, 403, 404, 409, 410, 422, 451] },
    throttle: {
      enabled: pacing,
      onRateLimit: (_retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) =>
        retryCount < 2,
      onSecondaryRateLimit: (_retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) =>
        retryCount < 2,
    },
  });
}

export function isPublicGitHub(baseUrl: string): boolean {
  return /^https:\/\/api\.github\.com\/?$/.test(baseUrl);
}

/** Splits `owner/repo`; returns undefined when the text is not of that form. */
export function splitRepo(fullName: string): { owner: string; repo: string } | undefined {
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(fullName);
  return match ? { owner: match[1], repo: match[2] } : undefined;
}
