import { describe, expect, it } from "vitest";
import { redactUrl, redactUrls } from "./redact-url.js";

describe("redactUrl", () => {
  it.each([
    ["https://x-access-token:ghs_abc@github.com/acme/infra.git", "https://***@github.com/acme/infra.git"],
    ["https://ghp_token@ghe.example/acme/infra", "https://***@ghe.example/acme/infra"],
    ["http://127.0.0.1:4000/acme/infra.git", "http://127.0.0.1:4000/acme/infra.git"],
    ["git@github.com:acme/infra.git", "git@github.com:acme/infra.git"],
  ])("prints %s as %s", (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });

  it("hides the user info of every URL in a message", () => {
    expect(redactUrls("fatal: unable to access 'https://u:secret@h/o/r.git/': and http://t@h2/x")).toBe(
      "fatal: unable to access 'https://***@h/o/r.git/': and http://***@h2/x",
    );
  });
});
