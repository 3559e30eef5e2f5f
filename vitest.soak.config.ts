import { defineConfig } from "vitest/config";

/** Long-running soak tests (`npm run soak`), kept out of the normal suite. */
export default defineConfig({
  test: {
    include: ["test/soak/**/*.soak.ts"],
    env: { TZ: "UTC" },
    testTimeout: 1_200_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
