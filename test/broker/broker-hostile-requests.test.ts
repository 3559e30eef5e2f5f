import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendMalformedRequests, survivalProblems } from "../support/malformed-requests.js";
import { ENFORCE_REQUEST, startBrokerWorld, type BrokerWorld } from "./broker-world.js";

/** Sends `head` and part of a body, then nothing; resolves with the status line the broker sends. */
function stallBody(url: string, path: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let received = "";
    socket.on("error", reject);
    socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
    socket.on("close", () => resolve(received.split("\r\n")[0]));
    socket.write(
      `POST ${path} HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"owner":`,
    );
  });
}

describe("the token broker under hostile requests", () => {
  let world: BrokerWorld;
  beforeAll(async () => {
    world = await startBrokerWorld({ requestTimeoutMs: 1_500, maxBodyBytes: 4 * 1024 });
  });
  afterAll(async () => {
    await world.stop();
  });

  it("answers the malformed-request corpus with 4xx, never 5xx or a hang, and stays healthy", async () => {
    const report = await sendMalformedRequests(world.broker.url, {
      healthPath: "/healthz",
      paths: ["/v1/installation-token", "/v1/registry-resolution"],
      headers: { authorization: "Bearer not.a.jwt" },
    });
    expect(survivalProblems(report)).toEqual([]);
  });

  it("answers a client that stops sending its body 408 once the request time is up", async () => {
    expect(await stallBody(world.broker.url, "/v1/installation-token")).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("refuses a body over the cap (413 body_too_large), announced or streamed", async () => {
    const big = JSON.stringify({ ...ENFORCE_REQUEST, padding: "x".repeat(8 * 1024) });
    const answer = await world.exchange(await world.mint(world.claims()), JSON.parse(big));
    expect(answer).toMatchObject({ status: 413, body: { code: "body_too_large" } });
    const chunked = await fetch(`${world.broker.url}/v1/installation-token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: new Blob([big]).stream(),
      duplex: "half",
    });
    expect(chunked.status).toBe(413);
  });

  it("refuses a bearer token over the JWT size cap without verifying it (401 token_too_large)", async () => {
    const huge = `${"a".repeat(6000)}.${"b".repeat(3000)}.c`;
    expect(await world.exchange(huge, ENFORCE_REQUEST)).toMatchObject({
      status: 401,
      body: { code: "token_too_large" },
    });
  });

  it("answers unknown paths 404 and wrong methods 405 as JSON with a code", async () => {
    const missing = await fetch(`${world.broker.url}/v1/admin`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: "not_found" });
    const wrong = await fetch(`${world.broker.url}/v1/installation-token`);
    expect(wrong.status).toBe(405);
    expect(await wrong.json()).toMatchObject({ code: "method_not_allowed" });
  });
});
