import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  BROKER_AUDIENCE,
  BROKER_REGISTRY_PATH,
  BROKER_TOKEN_PATH,
} from "../../../src/github/broker-token-provider.js";
import type { TokenProvider } from "../../../src/github/token-provider.js";
import type { RegistrySnapshot } from "../../../src/registry/registry-snapshot.js";
import {
  authorizeRegistryQuery,
  authorizeTokenRequest,
  type ActionsClaims,
  type BrokerRequest,
} from "../../../src/runtime/authorize-token-request.js";

/**
 * A test-only token broker and GitHub Actions OIDC endpoint on 127.0.0.1. The "OIDC token" it issues
 * is the claims in base64url, unsigned: signature checking is the production broker's job and out of
 * this test's scope. The decision is the real policy (`authorizeTokenRequest`), the minting the real
 * App token provider against the local GitHub.
 */
export interface TestBroker {
  url: string;
  /** The env a GitHub Actions engine job would have. */
  env: Record<string, string>;
  /** The claims the next OIDC token will carry. */
  claims: ActionsClaims;
  /** Every decision, in order. */
  decisions: Array<{ request: BrokerRequest; status: number }>;
  stop(): Promise<void>;
}

export async function startTestBroker(
  app: TokenProvider,
  registry: RegistrySnapshot,
  claims: ActionsClaims,
): Promise<TestBroker> {
  const broker = { claims, decisions: [] as TestBroker["decisions"] };
  const server: Server = createServer((request, response) => {
    void handle(request).then(({ status, body }) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    });
  });

  async function handle(request: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const url = new URL(request.url ?? "/", "http://broker");
    const bearer = (request.headers.authorization ?? "").replace(/^Bearer /, "");
    if (url.pathname === "/oidc") {
      if (bearer !== "actions-request-token" || url.searchParams.get("audience") !== BROKER_AUDIENCE)
        return { status: 403, body: { message: "no OIDC token for you" } };
      return {
        status: 200,
        body: { value: Buffer.from(JSON.stringify(broker.claims)).toString("base64url") },
      };
    }
    if (request.method !== "POST") return { status: 404, body: {} };
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const tokenClaims = JSON.parse(Buffer.from(bearer, "base64url").toString("utf8")) as ActionsClaims;
    if (url.pathname === BROKER_REGISTRY_PATH) {
      const { repository } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { repository: string };
      const decision = authorizeRegistryQuery(tokenClaims, repository, BROKER_AUDIENCE);
      if (!decision.ok) return { status: decision.status, body: { message: decision.message } };
      const { outcome, reason, registry_sha, context, state, telemetry_repo } = registry.resolve(repository);
      return { status: 200, body: { outcome, reason, registry_sha, context, state, telemetry_repo } };
    }
    if (url.pathname !== BROKER_TOKEN_PATH) return { status: 404, body: {} };
    const ask = JSON.parse(Buffer.concat(chunks).toString("utf8")) as BrokerRequest;
    const decision = authorizeTokenRequest(
      tokenClaims,
      ask,
      registry.resolve(tokenClaims.repository),
      BROKER_AUDIENCE,
    );
    broker.decisions.push({ request: ask, status: decision.ok ? 200 : decision.status });
    if (!decision.ok) return { status: decision.status, body: { message: decision.message } };
    const issued = await app.issue({
      owner: ask.owner,
      repositories: decision.repositories,
      permissions: decision.permissions,
    });
    return {
      status: 201,
      body: {
        token: issued.token,
        permissions: issued.grant?.permissions,
        repositories: issued.grant?.repositories,
      },
    };
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(broker, {
    url,
    env: {
      TA_TOKEN_BROKER_URL: url,
      ACTIONS_ID_TOKEN_REQUEST_URL: `${url}/oidc?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: "actions-request-token",
    },
    stop: () =>
      new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  });
}
