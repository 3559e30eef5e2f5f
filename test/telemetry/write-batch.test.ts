import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ImmutableRecordConflict } from "../../src/errors.js";
import { recordPathOf, serializeRecord } from "../../src/telemetry/envelope.js";
import { emitRecord } from "../../src/telemetry/emit-engine.js";
import { HeadIndex } from "../../src/telemetry/head-index.js";
import { planEmit } from "../../src/telemetry/plan-emit.js";
import { writeBatch, type BatchSession } from "../../src/telemetry/write-batch.js";
import { createGitHub } from "../../src/github/octokit.js";
import {
  aRecord,
  aResult,
  startTelemetryWorld,
  virtualTime,
  type TelemetryWorld,
} from "./telemetry-world.js";

let world: TelemetryWorld;
beforeAll(async () => {
  world = await startTelemetryWorld();
});
afterAll(async () => {
  await world.stop();
});
beforeEach(async () => {
  await world.clearFaults();
  await world.resetStats();
});

const record = (cid: string, summary = "first") =>
  aRecord({
    correlation_id: cid,
    generated_at: new Date("2026-09-01T10:00:00.000Z"),
    details: aResult({ summary }),
  });
const plan = (r: ReturnType<typeof record>) => planEmit({ telemetry_repo: "acme/telemetry", record: r });

async function branchHead() {
  const { data } = await world.github.rest.repos.getBranch({
    owner: "acme",
    repo: "telemetry",
    branch: "main",
  });
  return { commit: data.commit.sha, tree: data.commit.commit.tree.sha };
}

async function storedText(path: string) {
  const { data } = await world.github.rest.repos.getContent({ owner: "acme", repo: "telemetry", path });
  return Buffer.from((data as { content: string }).content, "base64").toString("utf8");
}

describe("writeBatch", () => {
  it("answers consecutive batches from what it wrote, reading the tree only once", async () => {
    await emitRecord(world.github, { telemetry_repo: "acme/telemetry", record: record("seed-1") });
    const session: BatchSession = { owner: "acme", repo: "telemetry" };
    await world.resetStats();

    const first = await writeBatch(
      world.github,
      session,
      [plan(record("chain-1")), plan(record("chain-2"))],
      {},
    );
    const second = await writeBatch(
      world.github,
      session,
      [plan(record("chain-3")), plan(record("chain-1"))],
      {},
    );

    expect(first).toMatchObject([{ result: { outcome: "created" } }, { result: { outcome: "created" } }]);
    expect(second).toMatchObject([{ result: { outcome: "created" } }, { result: { outcome: "identical" } }]);
    const routes = (await world.stats()).by_route;
    expect(routes["GET /repos/{owner}/{repo}/branches/{branch}"]).toEqual({ "200": 1 });
    expect(routes["GET /repos/{owner}/{repo}/contents/{path}"]).toEqual({ "200": 1 });
    expect(routes["PATCH /repos/{owner}/{repo}/git/refs/{ref}"]).toEqual({ "200": 2 });
  });

  it("never overwrites what another writer stored after its view of the head went stale", async () => {
    const session: BatchSession = { owner: "acme", repo: "telemetry", branch: "main" };
    const head = await branchHead();
    // This session believes the head is still `head`, with nothing under the run directory.
    session.head = new HeadIndex(world.github, "acme", "telemetry", head.commit, head.tree);
    await session.head.lookup([plan(record("stale-1"))]);

    // Meanwhile another process stores a different record at the same path.
    const theirs = record("stale-1", "stored by another runner");
    const other = createGitHub({ baseUrl: world.server.url, auth: world.token });
    await emitRecord(other, { telemetry_repo: "acme/telemetry", record: theirs });

    const time = virtualTime();
    const outcomes = await writeBatch(
      world.github,
      session,
      [plan(record("stale-1")), plan(record("stale-2"))],
      { sleep: time.sleep, now: time.now, random: () => 0 },
    );

    expect(outcomes).not.toBe("fallback");
    const [mine, fresh] = outcomes as Exclude<typeof outcomes, "fallback">;
    expect("error" in mine && mine.error).toBeInstanceOf(ImmutableRecordConflict);
    expect(fresh).toMatchObject({ result: { outcome: "created", attempts: 2 } });
    // The stale round was refused by the fast-forward-only ref update, then redone from the branch.
    expect((await world.stats()).by_route["PATCH /repos/{owner}/{repo}/git/refs/{ref}"]).toEqual({
      "200": 1,
      "422": 1,
    });
    expect(await storedText(recordPathOf(theirs))).toBe(serializeRecord(theirs));
  });
});
