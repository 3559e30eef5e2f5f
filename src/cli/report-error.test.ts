import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors.js";
import { configChecks, configValidityChecks } from "../config/host-checks.js";
import type { HostConfigRead } from "../config/read-host-config.js";
import { reportError } from "./report-error.js";

const problems = Array.from({ length: 80_000 }, (_, i) => ({
  path: `/labels/${i}/color`,
  message: "bad colour",
  file: "c.yml",
  line: i + 1,
  col: 5,
}));

describe("problem lists are capped where they are printed", () => {
  it("prints the first 50 problems and 'and 79,950 more'", () => {
    let err = "";
    const code = reportError(new ValidationError("c.yml is not valid", problems), {
      stderr: (text) => (err += text),
      env: {},
    });
    const lines = err.split("\n");
    expect(code).toBe(2);
    expect(lines.filter((line) => line.startsWith("  c.yml:"))).toHaveLength(50);
    expect(lines[50]).toBe("  c.yml:50:5 /labels/49/color: bad colour");
    expect(lines[51]).toBe("  and 79,950 more");
  });

  it("keeps the first 50 in an engine's checks and counts the rest", () => {
    const read: HostConfigRead = {
      status: "invalid",
      path: "c.yml",
      sha: "abc",
      errors: problems.map((problem) => ({ ...problem, rule: "config.colors" as const })),
      checked: ["config.colors"],
    };
    const [, valid] = configValidityChecks(read);
    expect(valid.details).toMatchObject({ errors_omitted: 79_950 });
    expect((valid.details as { errors: unknown[] }).errors).toHaveLength(50);
    const colors = configChecks(read).find((check) => check.id === "config.colors")!;
    expect(colors.details).toMatchObject({ errors_omitted: 79_950 });
    expect((colors.details as { errors: unknown[] }).errors).toHaveLength(50);
  });
});
