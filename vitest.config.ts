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
    // Each worker keeps its module cache across files: the suite's files import the same CLI,
    // emulator and engines, and importing them afresh for each of 180+ files cost more time than
    // most files' tests. No test mocks modules, stubs globals or changes the environment.
    isolate: false,
  },
});
