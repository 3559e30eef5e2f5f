import { describe, expect, it } from "vitest";
import { ExternalError, ImmutableRecordConflict } from "../errors.js";
import type { GitHub } from "../github/octokit.js";
import type { TelemetryRecord } from "../telemetry/envelope.js";
import { recordEngineFailure } from "./record-engine-failure.js";
import type { RecordWriter } from "./record-writer.js";

const run = { target_repo: "acme/widgets", correlation_id: "9187-1", engine_ref: "v1.0.0" };

function deps(write: RecordWriter["write"]) {
  return {
    recordClient: { github: {} as GitHub, grant: { kind: "plain" as const } },
    writer: { write },
    clock: { now: () => new Date("2026-11-21T10:00:00Z") },
    source: () => ({ runner: "github-actions" as const, workflow: "engine-enforce", job: "enforce" }),
    version: "1.0.0",
  };
}

describe("recordEngineFailure", () => {
  it("writes an ok=false record with the reason when the engine left none", async () => {
    const written: TelemetryRecord[] = [];
    const result = await recordEngineFailure(
      "enforce",
      "the enforce job ended (cancelled) before enforce recorded its outcome",
      run,
      "acme/telemetry",
      deps((_github, _repo, record) => {
        written.push(record);
        return Promise.resolve({ path: "telemetry/v1/x/enforce.json", outcome: "created" });
      }),
    );
    expect(result).toMatchObject({ kind: "recorded", outcome: { ok: false, record: "created" } });
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({
      ok: false,
      engine_name: "enforce",
      correlation_id: "9187-1",
      event: {
        action: "failure",
        reason: "the enforce job ended (cancelled) before enforce recorded its outcome",
      },
    });
  });

  it("leaves the engine's own record standing: a conflict means it is already recorded", async () => {
    const result = await recordEngineFailure(
      "enforce",
      "the enforce job ended (failure) before enforce recorded its outcome",
      run,
      "acme/telemetry",
      deps(() => Promise.reject(new ImmutableRecordConflict("acme/telemetry:telemetry/v1/x/enforce.json"))),
    );
    expect(result).toEqual({ kind: "already-recorded" });
  });

  it("reports any other failure to write", async () => {
    const result = await recordEngineFailure(
      "enforce",
      "stopped",
      run,
      "acme/telemetry",
      deps(() => Promise.reject(new ExternalError("GitHub answered 502"))),
    );
    expect(result).toEqual({ kind: "failed", error: "GitHub answered 502" });
  });
});
