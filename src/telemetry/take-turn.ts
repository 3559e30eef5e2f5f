/**
 * One-at-a-time execution per (owner object, key): work for the same key waits for the previous
 * work to settle; different keys and different owners run freely. Holds nothing once idle.
 */
const queues = new WeakMap<object, Map<string, Promise<unknown>>>();

/**
 * Runs `work` after every earlier `takeTurn` with the same `owner` and `key` has settled.
 *
 * @example await takeTurn(github, "acme/telemetry", () => put(record))
 */
export async function takeTurn<T>(owner: object, key: string, work: () => Promise<T>): Promise<T> {
  let byKey = queues.get(owner);
  if (byKey === undefined) {
    byKey = new Map();
    queues.set(owner, byKey);
  }
  const previous = byKey.get(key) ?? Promise.resolve();
  const mine = previous.then(work, work);
  const settled = mine.then(
    () => undefined,
    () => undefined,
  );
  byKey.set(key, settled);
  try {
    return await mine;
  } finally {
    // The last in line clears the entry, so idle keys are not kept.
    if (byKey.get(key) === settled) byKey.delete(key);
  }
}
