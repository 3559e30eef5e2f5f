import { spawn } from "node:child_process";
import { once } from "node:events";
import { expect } from "vitest";
import type { SeedDocument } from "../../../src/emulator/start-local-github.js";
import { engine } from "../../../src/engines/enforce/index.js";
import { CONFIG_PATH, issueState, OWNER, REPO, startEngineWorld, type EngineWorld } from "../engine-world.js";

/**
 * Enforce against a person editing the same issue at the same time: a second client, in a process
 * of its own, adds and removes labels enforce has no rule about, in a tight loop, while enforce runs
 * RUNS times on that issue. Before each run a third client adds conflicting phase and priority
 * labels, so every run has something to remove. Enforce acts as `local-admin`, the churning client
 * as `alice`, the third client as `bob`, so the issue's label events say who changed what.
 */

const CONFIG = `schema_version: "1.0"
tracks: []
labels:
  - { name: phase-1, color: "C2E0C6" }
  - { name: phase-2, color: "0E8A16" }
  - { name: phase-3, color: "006B75" }
  - { name: priority/low, color: "D4C5F9" }
  - { name: priority/high, color: "B60205" }
milestones: [{ title: "Phase 1" }, { title: "Phase 2" }, { title: "Phase 3" }]
enforcement:
  exclusivity:
    phase: { mode: enforce, strategy: highest }
    priority: { mode: enforce, strategy: lowest }
  phase_milestones: { phase-1: "Phase 1", phase-2: "Phase 2", phase-3: "Phase 3" }
`;

const PHASES = ["phase-1", "phase-2", "phase-3"];
const PRIORITIES = ["priority/low", "priority/high"];
const CHURNED = ["note-a", "note-b", "note-c", "Needs Review"];

const SEED: SeedDocument = {
  users: [{ login: "alice" }, { login: "bob" }],
  orgs: [
    {
      login: OWNER,
      members: [
        { login: "alice", role: "admin" },
        { login: "bob", role: "admin" },
      ],
    },
  ],
  repos: [
    {
      name: `${OWNER}/${REPO}`,
      files: { [CONFIG_PATH]: CONFIG },
      labels: [...PHASES, ...PRIORITIES, ...CHURNED, "bug"].map((name) => ({ name, color: "ededed" })),
      milestones: [{ title: "Phase 1" }, { title: "Phase 2" }, { title: "Phase 3" }],
      issues: [{ title: "edited by a person while enforce runs", labels: ["bug", "phase-1"] }],
    },
  ],
  tokens: [
    { token: "ghp_alice_churn_1", user: "alice" },
    { token: "ghp_bob_setup_1", user: "bob" },
  ],
};

interface ChurnReport {
  changes: number;
  expected: Record<string, boolean>;
  anomalies: string[];
}

/** A small deterministic generator, so a failure replays the same label sets. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function startChurn(world: EngineWorld) {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "test/engines/support/label-churn-client.ts",
      world.server.url,
      "ghp_alice_churn_1",
      `${OWNER}/${REPO}`,
      "1",
      ...CHURNED,
    ],
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, "exit");
  return {
    /** Tells the client to stop and returns its report. */
    async stop(): Promise<ChurnReport> {
      child.stdin.end("stop\n");
      const [code] = (await exited) as [number | null];
      if (code !== 0) throw new Error(`the churning client exited with ${code}: ${stderr}`);
      return JSON.parse(stdout) as ChurnReport;
    },
    kill(): void {
      if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid);
    },
  };
}

/**
 * Runs the race `runs` times and asserts that every label enforce did not decide to remove is still
 * where the other clients left it, and that every removal enforce made is one its rules call for.
 */
export async function runEnforceRace(runs: number): Promise<void> {
  const world = await startEngineWorld(SEED);
  const churn = startChurn(world);
  try {
    const bob = world.server.client("ghp_bob_setup_1");
    const random = generator(15);
    // What enforce's rules are about is touched only by bob and enforce, so its state is known.
    let phases = new Set(["phase-1"]);
    let priorities = new Set<string>();
    let milestone: string | null = null;
    const decided: string[] = [];
    for (let run = 1; run <= runs; run += 1) {
      const addPhases = PHASES.filter(() => random() < 0.6);
      const addPriorities = PRIORITIES.filter(() => random() < 0.5);
      const added = [...addPhases, ...addPriorities];
      if (added.length > 0) {
        await bob.rest.issues.addLabels({ owner: OWNER, repo: REPO, issue_number: 1, labels: added });
      }
      phases = new Set([...phases, ...addPhases]);
      priorities = new Set([...priorities, ...addPriorities]);
      const highestPhase = PHASES.filter((label) => phases.has(label)).at(-1)!;
      const lowestPriority = PRIORITIES.find((label) => priorities.has(label));

      const result = await engine.run(world.context({ issue_number: 1 }));

      // Every removal is one the rules call for, and nothing else is decided.
      const expected: unknown[] = [];
      if (phases.size > 1) {
        expected.push({
          id: "phase.labels.pruned",
          kept: highestPhase,
          removed: [...phases].filter((label) => label !== highestPhase).sort(),
        });
      }
      if (priorities.size > 1) {
        expected.push({
          id: "priority.labels.pruned",
          kept: lowestPriority,
          removed: [...priorities].filter((label) => label !== lowestPriority).sort(),
        });
      }
      const wantMilestone = `Phase ${highestPhase.slice("phase-".length)}`;
      if (milestone !== wantMilestone) {
        expected.push({
          id: "issue.milestone.set",
          from: milestone,
          to: wantMilestone,
          reason: `phase label ${highestPhase}`,
        });
      }
      const actions = result.actions.map((action) =>
        "removed" in action ? { ...action, removed: [...(action.removed as string[])].sort() } : action,
      );
      expect({ run, ok: result.ok, actions }).toEqual({ run, ok: true, actions: expected });
      for (const action of result.actions) {
        if ("removed" in action) decided.push(...(action.removed as string[]));
      }
      phases = new Set([highestPhase]);
      priorities = lowestPriority === undefined ? new Set() : new Set([lowestPriority]);
      milestone = wantMilestone;
    }

    const report = await churn.stop();
    // The person's client saw every one of its own changes stick.
    expect(report.anomalies).toEqual([]);
    expect(report.changes).toBeGreaterThan(0);
    const state = await issueState(world, 1);
    const expectedLabels = [
      "bug",
      ...phases,
      ...priorities,
      ...CHURNED.filter((label) => report.expected[label]),
    ].sort();
    expect(state).toEqual({ labels: expectedLabels, milestone });

    // The issue's history: enforce never added a label, and removed exactly what it decided to.
    const events = await world.server
      .client()
      .paginate("GET /repos/{owner}/{repo}/issues/{issue_number}/events", {
        owner: OWNER,
        repo: REPO,
        issue_number: 1,
        per_page: 100,
      });
    const byEnforce = events.filter((event) => event.actor?.login === "local-admin");
    const name = (event: (typeof events)[number]) => (event as { label?: { name: string } }).label?.name;
    expect(byEnforce.filter((event) => event.event === "labeled").map(name)).toEqual([]);
    expect(
      byEnforce
        .filter((event) => event.event === "unlabeled")
        .map(name)
        .sort(),
    ).toEqual([...decided].sort());
    // Every change to the churned labels is the churning client's own.
    const churnEvents = events.filter((event) => CHURNED.includes(name(event) ?? ""));
    expect(churnEvents.filter((event) => event.actor?.login !== "alice").map(name)).toEqual([]);
  } finally {
    churn.kill();
    await world.stop();
  }
}
