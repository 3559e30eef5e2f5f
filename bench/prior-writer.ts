import type { GitHub } from "../src/github/octokit.js";
import { recordPathOf, serializeRecord, type TelemetryRecord } from "../src/telemetry/envelope.js";

/**
 * The prior implementation's writer, as `reference/prior-implementation.md` §5.3 describes it: a
 * `.keep` PUT (errors ignored), then the record PUT, retried on 409 only, after a fixed 1 s, at
 * most 5 attempts. The benchmark's baseline. Returns whether the record was stored.
 */
export async function priorWrite(
  github: GitHub,
  telemetryRepo: string,
  record: TelemetryRecord,
  onWait: (ms: number) => void = () => {},
): Promise<boolean> {
  const [owner, repo] = telemetryRepo.split("/");
  const path = recordPathOf(record);
  const put = (file: string, content: string) =>
    github.rest.repos.createOrUpdateFileContents({
      owner,
      repo,
      path: file,
      message: "telemetry",
      content: Buffer.from(content).toString("base64"),
      request: { retries: 0 },
    });
  await put(`${path.slice(0, path.lastIndexOf("/"))}/.keep`, "").catch(() => undefined);
  for (let attempt = 1; attempt <= 5; attempt += 1) {
    try {
      await put(path, serializeRecord(record));
      return true;
    } catch (error) {
      if ((error as { status?: number }).status !== 409 || attempt === 5) return false;
      onWait(1_000);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
  return false;
}
