/**
 * The git base URL that belongs to a REST base URL: `https://github.com` for api.github.com,
 * the host root for GitHub Enterprise Server (`https://ghe.example/api/v3`), and the same URL for
 * the local GitHub, which serves git and REST on one port. Pure.
 *
 * @example gitUrlForApi("https://api.github.com") === "https://github.com"
 */
export function gitUrlForApi(apiUrl: string): string {
  const trimmed = apiUrl.replace(/\/+$/, "");
  if (/^https:\/\/api\.github\.com$/.test(trimmed)) return "https://github.com";
  return trimmed.replace(/\/api\/v3$/, "");
}
