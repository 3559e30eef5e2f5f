import { spawn } from "node:child_process";
import type { IncomingMessage, ServerResponse } from "node:http";
import { authenticate, credentialOf, type Principal } from "../auth/principal.js";
import { assertAccess, roleOf } from "../auth/repo-access.js";
import { faultError, type Faults } from "../http/faults.js";
import { HttpError } from "../http/http-error.js";
import type { Stats } from "../http/stats.js";
import type { Emulator } from "../routes/route-types.js";

/** GitHub refuses pushes over 2 GiB; so does this server, before reading them. */
const MAX_REQUEST_BYTES = 2 * 1024 ** 3;

/**
 * The paths git's smart HTTP protocol uses: `/<owner>/<repo>.git/...`, and, as GitHub accepts and
 * actions/checkout uses, `/<owner>/<repo>/...` without `.git` for the protocol's own endpoints.
 */
export const GIT_PATH =
  /^\/([^/]+)\/([^/]+?)(?:\.git(\/.*)?|(\/info\/refs|\/git-upload-pack|\/git-receive-pack))$/;

function deny(res: ServerResponse, status: number, message: string): void {
  const headers: Record<string, string> = { "content-type": "text/plain; charset=utf-8" };
  if (status === 401) headers["www-authenticate"] = 'Basic realm="GitHub"';
  res.writeHead(status, headers);
  res.end(`${message}\n`);
}

/**
 * Serves clone, fetch and push through system git's `git http-backend`, authenticated with the same
 * tokens as the REST API (basic auth, any user name, the token as password, e.g.
 * `x-access-token:<token>`). Pushes hold the repository's lock, like every other ref change, and
 * pass through the pre-receive hook that enforces branch protection. Injected faults apply to the
 * routes `GET /{owner}/{repo}/info/refs`, `POST /{owner}/{repo}/git-upload-pack` and
 * `POST /{owner}/{repo}/git-receive-pack`, after authentication, as to REST routes.
 */
export async function handleGitHttp(
  emu: Emulator,
  stats: Stats,
  faults: Faults,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const [, owner, name, dotGitRest, bareRest] = GIT_PATH.exec(url.pathname) ?? [];
  const rest = dotGitRest ?? bareRest ?? "/";
  const service = rest === "/info/refs" ? url.searchParams.get("service") : rest.replace(/^\//, "");
  if (service !== "git-upload-pack" && service !== "git-receive-pack") {
    deny(res, 403, "Only git's smart HTTP protocol is served here.");
    return;
  }
  if (Number(req.headers["content-length"] ?? 0) > MAX_REQUEST_BYTES) {
    req.resume();
    deny(res, 413, "Request too large: at most 2 GiB.");
    return;
  }
  const write = service === "git-receive-pack";
  const repo = emu.state.repo(owner, name);
  let principal: Principal;
  try {
    principal = authenticate(
      emu.state,
      credentialOf(req.headers.authorization),
      emu.clock.now().getTime(),
      "",
    );
  } catch {
    deny(res, 401, "Invalid username or password.");
    return;
  }
  if (!repo) {
    deny(res, principal.kind === "anonymous" ? 401 : 404, "Repository not found.");
    return;
  }
  if (principal.kind === "anonymous" && (repo.private || write)) {
    deny(res, 401, "Authentication required.");
    return;
  }
  try {
    assertAccess(emu.state, principal, repo, { scope: "contents", level: write ? "write" : "read" });
  } catch (error) {
    let status = error instanceof HttpError ? error.status : 500;
    // Those who can see the repository but not write to it are told so (403), as GitHub's git does.
    if (status === 404 && roleOf(emu.state, principal, repo) !== undefined) status = 403;
    deny(
      res,
      status,
      status === 404 ? "Repository not found." : `Permission to ${owner}/${name}.git denied.`,
    );
    return;
  }
  const fault = faults.pick(
    req.method ?? "GET",
    rest === "/info/refs" ? "/{owner}/{repo}/info/refs" : `/{owner}/{repo}/${service}`,
  );
  if (fault?.latency_ms) await new Promise((resolve) => setTimeout(resolve, fault.latency_ms));
  const injected = fault && faultError(fault);
  if (injected) {
    req.resume();
    deny(res, injected.status, injected.message);
    return;
  }
  const fullName = emu.state.fullName(repo);
  const pushing = write && req.method === "POST";
  const release = pushing ? await emu.locks.acquire(String(repo.id)) : undefined;
  const pusher =
    principal.kind === "installation"
      ? principal.bot.login
      : principal.kind === "anonymous" || principal.kind === "app"
        ? ""
        : principal.user.login;
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    GIT_PROJECT_ROOT: emu.git.root,
    GIT_HTTP_EXPORT_ALL: "1",
    // Partial clone (`--filter=blob:none`) and fetching a commit by SHA, as GitHub serves them.
    GIT_CONFIG_COUNT: "2",
    GIT_CONFIG_KEY_0: "uploadpack.allowFilter",
    GIT_CONFIG_VALUE_0: "true",
    GIT_CONFIG_KEY_1: "uploadpack.allowReachableSHA1InWant",
    GIT_CONFIG_VALUE_1: "true",
    PATH_INFO: `/${fullName}.git${rest}`,
    REQUEST_METHOD: req.method ?? "GET",
    QUERY_STRING: url.search.replace(/^\?/, ""),
    CONTENT_TYPE: String(req.headers["content-type"] ?? ""),
    REMOTE_USER: pusher || "anonymous",
    REMOTE_ADDR: req.socket.remoteAddress ?? "127.0.0.1",
    GIT_PROTOCOL: String(req.headers["git-protocol"] ?? ""),
    HTTP_CONTENT_ENCODING: String(req.headers["content-encoding"] ?? ""),
    LOCAL_GITHUB_PUSHER: pusher,
    LOCAL_GITHUB_WORKFLOWS_DENIED:
      principal.kind === "installation" && principal.permissions.workflows !== "write" ? "1" : "0",
    LOCAL_GITHUB_PUSHER_ADMIN: roleOf(emu.state, principal, repo) === "admin" ? "1" : "0",
  };
  if (req.headers["content-length"] !== undefined) env.CONTENT_LENGTH = String(req.headers["content-length"]);
  if (req.method === "POST") stats.recordGit(write ? "receive_pack" : "upload_pack");

  const child = spawn("git", ["http-backend"], { env, stdio: ["pipe", "pipe", "pipe"] });
  // git may exit before reading a malformed body; its exit answers the request, and the write into
  // its closed stdin (EPIPE) must not become an uncaught error that stops the server.
  child.stdin.on("error", () => undefined);
  req.pipe(child.stdin);
  let head = Buffer.alloc(0);
  let headersSent = false;
  const counted = !write;
  child.stdout.on("data", (chunk: Buffer) => {
    if (headersSent) {
      if (counted) stats.recordGitBytesSent(chunk.length);
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const crlf = head.indexOf("\r\n\r\n");
    const lf = head.indexOf("\n\n");
    const end = crlf !== -1 && (lf === -1 || crlf < lf) ? crlf + 4 : lf !== -1 ? lf + 2 : -1;
    if (end === -1) return;
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of head.subarray(0, end).toString("latin1").split(/\r?\n/)) {
      const colon = line.indexOf(":");
      if (colon === -1) continue;
      const key = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (key === "status") status = Number.parseInt(value, 10) || 200;
      else headers[key] = value;
    }
    res.writeHead(status, headers);
    headersSent = true;
    if (end < head.length) {
      if (counted) stats.recordGitBytesSent(head.length - end);
      res.write(head.subarray(end));
    }
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve) => {
    child.on("close", (code) => {
      if (!headersSent) deny(res, 500, `git http-backend failed (${String(code)}): ${stderr.trim()}`);
      else res.end();
      resolve();
    });
    child.on("error", (error) => {
      if (!headersSent) deny(res, 500, `git http-backend could not start: ${error.message}`);
      resolve();
    });
  });
  if (pushing) {
    repo.pushedAt = emu.clock.now().getTime();
    emu.state.changed(repo);
    release?.();
  }
}
