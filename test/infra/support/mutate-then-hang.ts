/**
 * A child process for atomicity tests: registers a repo in the infra checkout given as argv[2]
 * and, on reaching the write point argv[3], prints "paused" and waits to be killed.
 */
import { planRegister } from "../../../src/registry/plan-register.js";
import { mutateRegistry } from "../../../src/registry/registry-store.js";

const [root, pauseAt] = process.argv.slice(2);

await mutateRegistry(
  root,
  (registry) =>
    planRegister(
      registry,
      { owner: "acme", repo: "killed", context: "sandbox", reason: "crash test" },
      new Date("2026-12-01T00:00:00Z"),
    ),
  {
    hooks: {
      at: async (point) => {
        if (point !== pauseAt) return;
        process.stdout.write("paused\n");
        setInterval(() => {}, 60_000);
        await new Promise(() => {});
      },
    },
  },
);
process.stdout.write("finished\n");
