/**
 * Web links of the dashboard page: a record file and a commit of the telemetry repository, and an
 * issue of a monitored repository, on the GitHub web host. Each returns undefined when the host or
 * the commit is unknown (the page then shows plain text). Every path segment is URL-encoded; the
 * caller still HTML-escapes the result. Pure.
 *
 * @example recordUrl({ web_url: "https://github.com", telemetry_repo: "acme/telemetry",
 *   telemetry_commit: "abc" }, "telemetry/v1/repos/acme-w/2026-11-21/1-1/enforce.json")
 *   // "https://github.com/acme/telemetry/blob/abc/telemetry/v1/repos/acme-w/2026-11-21/1-1/enforce.json"
 */
export interface LinkBase {
  web_url: string | null;
  telemetry_repo: string;
  telemetry_commit: string | null;
}

export function commitUrl(base: LinkBase): string | undefined {
  if (base.web_url === null || base.telemetry_commit === null) return undefined;
  return `${base.web_url}/${repoPath(base.telemetry_repo)}/commit/${encodeURIComponent(base.telemetry_commit)}`;
}

export function recordUrl(base: LinkBase, path: string): string | undefined {
  if (base.web_url === null || base.telemetry_commit === null) return undefined;
  return `${base.web_url}/${repoPath(base.telemetry_repo)}/blob/${encodeURIComponent(base.telemetry_commit)}/${segments(path)}`;
}

export function issueUrl(webUrl: string | null, repository: string, number: number): string | undefined {
  if (webUrl === null || !Number.isInteger(number) || number < 1) return undefined;
  return `${webUrl}/${repoPath(repository)}/issues/${number}`;
}

function repoPath(fullName: string): string {
  return segments(fullName);
}

function segments(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}
