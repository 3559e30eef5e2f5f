import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/** A proxy in front of the token broker that can answer some exchanges 503, as an outage would. */
export interface BrokerOutage {
  /** The URL jobs use as the broker (TA_TOKEN_BROKER_URL). */
  url: string;
  /**
   * Answers the next `count` token exchanges (`POST /v1/installation-token`) of jobs whose workflow
   * (the OIDC token's `job_workflow_ref`) contains `workflow` with 503, without passing them on.
   */
  failNext(workflow: string, count: number): void;
  /** How many exchanges were answered 503 so far. */
  failed(): number;
  stop(): Promise<void>;
}

const body = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/** The `job_workflow_ref` claim of a bearer JWT, unverified: only to pick which requests fail. */
function workflowOf(authorization: string | undefined): string {
  const payload = authorization?.replace(/^Bearer\s+/i, "").split(".")[1] ?? "";
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
    return typeof claims.job_workflow_ref === "string" ? claims.job_workflow_ref : "";
  } catch {
    return "";
  }
}

/** Starts the proxy on 127.0.0.1 and a random port, passing every other request to `brokerUrl`. */
export async function startBrokerOutage(brokerUrl: string): Promise<BrokerOutage> {
  let armed: { workflow: string; remaining: number } | undefined;
  let failed = 0;
  const server = createServer((req, res) => {
    void (async () => {
      const payload = await body(req);
      if (
        armed !== undefined &&
        armed.remaining > 0 &&
        req.method === "POST" &&
        req.url === "/v1/installation-token" &&
        workflowOf(req.headers.authorization).includes(armed.workflow)
      ) {
        armed.remaining -= 1;
        failed += 1;
        res.writeHead(503, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: "the token broker is unavailable" }));
        return;
      }
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(
          (entry): entry is [string, string] => typeof entry[1] === "string" && entry[0] !== "host",
        ),
      );
      const answer = await fetch(`${brokerUrl}${req.url ?? "/"}`, {
        method: req.method,
        headers,
        body: req.method === "GET" || req.method === "HEAD" ? undefined : payload,
      });
      res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "text/plain" });
      res.end(Buffer.from(await answer.arrayBuffer()));
    })().catch((error: unknown) => {
      res.writeHead(502);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    failNext: (workflow, count) => {
      armed = { workflow, remaining: count };
    },
    failed: () => failed,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
