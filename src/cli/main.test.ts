import { describe, expect, it } from "vitest";
import { main } from "./main.js";
import { captureIO } from "./test-io.js";
import { reportError } from "./report-error.js";
import { ExternalError, PolicyError, ValidationError } from "../errors.js";

describe("task-assistant CLI entry", () => {
  it("lists every command group under --help and exits 0", async () => {
    const cap = captureIO();
    expect(await main(["--help"], cap.io)).toBe(0);
    for (const group of [
      "infra",
      "github",
      "telemetry",
      "dispatch",
      "engine",
      "install",
      "config",
      "dashboard",
    ]) {
      expect(cap.stdout()).toContain(`  ${group}`);
    }
  });

  it("refuses an unknown command with exit 2 and a hint", async () => {
    const cap = captureIO();
    expect(await main(["frobnicate"], cap.io)).toBe(2);
    expect(cap.stderr()).toMatch(/unknown command "frobnicate"/);
    expect(cap.stderr()).toMatch(/hint: run `task-assistant --help`/);
  });

  it("prefers the longest command name over the bare group command, whatever the table's order", async () => {
    const { matchCommand } = await import("./main.js");
    const spec = { summary: "", usage: "", load: () => Promise.reject(new Error("not loaded")) };
    const table = { "": spec, plan: spec, "pr create": spec };
    expect(matchCommand(table, ["plan", "--json"])).toEqual({ name: "plan", rest: ["--json"] });
    expect(matchCommand(table, ["pr", "create"])).toEqual({ name: "pr create", rest: [] });
    expect(matchCommand(table, ["--event", "push"])).toEqual({ name: "", rest: ["--event", "push"] });
  });

  it("maps typed errors to the documented exit codes", () => {
    const cap = captureIO();
    expect(reportError(new PolicyError("refusing on main", { hint: "run infra branch" }), cap.io)).toBe(2);
    expect(reportError(new ExternalError("GitHub answered 502", { status: 502 }), cap.io)).toBe(3);
    expect(
      reportError(
        new ValidationError("registry invalid", [
          { path: "/orgs", message: "bad", file: "r.json", line: 3, col: 5 },
        ]),
        cap.io,
      ),
    ).toBe(2);
    expect(reportError(new Error("boom"), cap.io)).toBe(1);
    expect(cap.stderr()).toContain("r.json:3:5 /orgs: bad");
    expect(cap.stderr()).toContain("hint: run infra branch");
  });
});
