import { describe, expect, it } from "vitest";
import { abortableSleep, untilAborted } from "./abortable-sleep.js";

describe("abortableSleep", () => {
  it("rejects with the signal's reason as soon as the signal is aborted", async () => {
    const controller = new AbortController();
    const reason = new Error("stop");
    const sleeping = abortableSleep(3_600_000, controller.signal);
    controller.abort(reason);
    await expect(sleeping).rejects.toBe(reason);
  });

  it("refuses to start when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(abortableSleep(1, controller.signal)).rejects.toMatchObject({ name: "AbortError" });
  });

  it("resolves after the time when nothing aborts it", async () => {
    await expect(abortableSleep(1, new AbortController().signal)).resolves.toBeUndefined();
  });
});

describe("untilAborted", () => {
  it("resolves once the signal is aborted", async () => {
    const controller = new AbortController();
    let done = false;
    const waiting = untilAborted(controller.signal).then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    controller.abort();
    await waiting;
    expect(done).toBe(true);
  });
});
