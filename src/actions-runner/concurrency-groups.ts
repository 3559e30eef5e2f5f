/** A run or job that holds or waits for a concurrency group. */
export interface ConcurrencyHolder {
  /** Cancels the holder while it runs (cancel-in-progress). */
  cancel(): void;
}

/** The answer to `enter`: run now (and call `release` when done), or cancelled while pending. */
export type ConcurrencyAdmission = { admitted: true; release: () => void } | { admitted: false };

interface Group {
  running: ConcurrencyHolder | undefined;
  pending: { holder: ConcurrencyHolder; admit: (admission: ConcurrencyAdmission) => void } | undefined;
}

/**
 * GitHub's `concurrency:` queue: per group at most one running and one pending. A newer pending
 * entry cancels the older pending one; with `cancel-in-progress` the running one is cancelled too.
 * Shared by every run that should see the same groups (one per simulated repository set).
 */
export class ConcurrencyGroups {
  readonly #groups = new Map<string, Group>();

  /** Waits for the group; resolves `{ admitted: false }` when a newer entry displaced this one. */
  enter(name: string, holder: ConcurrencyHolder, cancelInProgress: boolean): Promise<ConcurrencyAdmission> {
    let group = this.#groups.get(name);
    if (group === undefined) {
      group = { running: undefined, pending: undefined };
      this.#groups.set(name, group);
    }
    if (group.running === undefined) {
      group.running = holder;
      return Promise.resolve({ admitted: true, release: this.#releaser(name, holder) });
    }
    group.pending?.admit({ admitted: false });
    group.pending = undefined;
    if (cancelInProgress) group.running.cancel();
    return new Promise((admit) => {
      group.pending = { holder, admit };
    });
  }

  #releaser(name: string, holder: ConcurrencyHolder): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const group = this.#groups.get(name);
      if (group === undefined || group.running !== holder) return;
      const next = group.pending;
      group.pending = undefined;
      group.running = next?.holder;
      if (next === undefined) this.#groups.delete(name);
      else next.admit({ admitted: true, release: this.#releaser(name, next.holder) });
    };
  }
}
