import { createServer } from "node:http";
import type { GitHub } from "../github/octokit.js";
import { readOrgIndex, renderOrgDirectory } from "../dashboard/render-org-directory.js";
import { guardRequestHandler, limitServer, parseRequestTarget } from "../util/guard-http-server.js";

export interface DemoDashboardServer {
  url: string;
  stop(): Promise<void>;
}

const DASHBOARD_ROOT = "telemetry/v1/dashboards";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".json": "application/json; charset=utf-8",
};

/**
 * Serves each org's published dashboards as they are in its telemetry repository right now:
 * `/` lists the orgs with each one's status, counts, last run and failing repositories (from its
 * published `index.json`), `/<org>/` is the org's page, `/<org>/<file>` any published file. Nothing
 * is copied; every request reads the telemetry repository through the API.
 */
export async function serveDemoDashboards(options: {
  github: GitHub;
  orgs: readonly string[];
  telemetryName: string;
  port: number;
}): Promise<DemoDashboardServer> {
  const { github, orgs, telemetryName } = options;
  // A request it cannot parse gets 400; nothing a client sends stops it (or the demo around it).
  const handler = guardRequestHandler(async (request, response) => {
    request.resume();
    const path = decodeURIComponent(parseRequestTarget(request.url, "http://127.0.0.1").pathname);
    if (request.method !== "GET") {
      response.writeHead(405, { allow: "GET" }).end();
      return;
    }
    if (path === "/") {
      const entries = await Promise.all(
        orgs.map(async (org) => ({
          owner: org,
          href: `/${encodeURIComponent(org)}/`,
          index: await publishedIndex(github, org, telemetryName),
        })),
      );
      response
        .writeHead(200, { "content-type": TYPES[".html"], "cache-control": "no-store" })
        .end(renderOrgDirectory(entries));
      return;
    }
    const match = /^\/([^/]+)\/(.*)$/.exec(path);
    const org = match?.[1];
    const file = match?.[2] === "" ? "index.html" : match?.[2];
    const type = file === undefined ? undefined : TYPES[file.slice(file.lastIndexOf("."))];
    if (
      org === undefined ||
      !orgs.includes(org) ||
      file === undefined ||
      type === undefined ||
      file.split("/").includes("..")
    ) {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    try {
      const { data } = await github.rest.repos.getContent({
        owner: org,
        repo: telemetryName,
        path: `${DASHBOARD_ROOT}/${file}`,
        mediaType: { format: "raw" },
      });
      response
        .writeHead(200, { "content-type": type, "cache-control": "no-store" })
        .end(data as unknown as string);
    } catch {
      response.writeHead(404, { "content-type": "text/plain" }).end(`${org} has no published ${file} yet\n`);
    }
  });
  const server = limitServer(createServer(handler));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  return {
    url: `http://127.0.0.1:${port}/`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function publishedIndex(github: GitHub, org: string, telemetryName: string) {
  try {
    const { data } = await github.rest.repos.getContent({
      owner: org,
      repo: telemetryName,
      path: `${DASHBOARD_ROOT}/index.json`,
      mediaType: { format: "raw" },
    });
    return readOrgIndex(data as unknown as string);
  } catch {
    return { missing: "no dashboards published yet" };
  }
}
