import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  BadRequestError,
  guardRequestHandler,
  limitServer,
  parseRequestTarget,
} from "./guard-http-server.js";

describe("parseRequestTarget", () => {
  it("keeps // as a path, accepts absolute http targets, refuses the rest with 400", () => {
    expect(parseRequestTarget("//a/b?x=1", "http://127.0.0.1:80").pathname).toBe("//a/b");
    expect(parseRequestTarget("http://h/p", "http://127.0.0.1:80").pathname).toBe("/p");
    for (const target of ["/%", "/%E0%A4%A", "*", "relative", "http://[::1"]) {
      expect(() => parseRequestTarget(target, "http://127.0.0.1:80")).toThrow(BadRequestError);
    }
  });
});

describe("guardRequestHandler", () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  async function serve(
    handler: Parameters<typeof guardRequestHandler>[0],
    onError?: (error: unknown) => void,
  ) {
    server = limitServer(createServer(guardRequestHandler(handler, { onError })));
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it("answers a thrown bad request with its 4xx, and an unexpected error or rejection with 500, and keeps serving", async () => {
    const unexpected: unknown[] = [];
    const url = await serve(
      async (req, res) => {
        if (req.url === "/sync") throw new BadRequestError("no");
        if (req.url === "/reject") await Promise.reject(new Error("bug"));
        res.end("ok");
      },
      (error) => unexpected.push(error),
    );
    const sync = await fetch(`${url}/sync`);
    expect([sync.status, await sync.json()]).toEqual([400, { message: "no", status: "400" }]);
    expect((await fetch(`${url}/reject`)).status).toBe(500);
    expect(unexpected).toEqual([new Error("bug")]);
    expect(await (await fetch(`${url}/fine`)).text()).toBe("ok");
  });
});
