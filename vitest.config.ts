import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    env: { TZ: "UTC" },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Most files wait on servers, git and child processes: two at a time on a 2-core machine
    // (vitest would run one) takes the suite from about 14 to under 10 minutes.
    maxWorkers: 2,
  },
});
