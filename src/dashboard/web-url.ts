/**
 * The GitHub web host the dashboards link to, from the git base URL the build clones over
 * (`https://github.com`, a GitHub Enterprise host, the local GitHub): the same origin serves the web
 * pages. Only http(s) is accepted, and any user name or password in the URL is dropped, so a
 * credential can never reach a page. Undefined when the URL is not usable. Pure.
 *
 * @example webUrlOf("https://x-access-token:secret@github.com/") === "https://github.com"
 */
export function webUrlOf(gitUrl: string | undefined): string | undefined {
  if (gitUrl === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(gitUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
  url.username = "";
  url.password = "";
  url.search = "";
  url.hash = "";
  return url.toString().replace(/\/+$/, "");
}
