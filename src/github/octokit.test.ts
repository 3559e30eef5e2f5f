import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGitHub } from "./octokit.js";

/** A bare server answering each path with a fixed status, counting the requests it gets. */
describe("createGitHub", () => {
  let server: Server;
  let url: string;
  const hits = new Map<string, number>();

  beforeAll(async () => {
    server = createServer((request, response) => {
      const path = request.url ?? "/";
      hits.set(path, (hits.get(path) ?? 0) + 1);
      const status = Number(path.split("/")[2]);
      response
        .writeHead(status, { "content-type": "application/json; charset=utf-8" })
        .end(JSON.stringify({ message: `status ${status}` }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each([404, 409, 422])("does not repeat a request answered %i", async (status) => {
    const github = createGitHub({ baseUrl: url, retries: 2 });
    await expect(github.request(`GET /status/${status}`)).rejects.toMatchObject({ status });
    expect(hits.get(`/status/${status}`)).toBe(1);
  });

  it("repeats a request answered 502, as many times as asked", async () => {
    const github = createGitHub({ baseUrl: url, retries: 1 });
    await expect(github.request("GET /status/502")).rejects.toMatchObject({ status: 502 });
    expect(hits.get("/status/502")).toBe(2);
  });
});
