import { defineConfig } from "vitest/config";

/** Soak runs (`npm run soak`): long loops kept out of the normal suite. */
export default defineConfig({
  test: {
    include: ["test/soak/**/*.soak.ts"],
    env: { TZ: "UTC" },
    testTimeout: 900_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
