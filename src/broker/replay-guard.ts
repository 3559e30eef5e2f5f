/**
 * Where the broker remembers the `jti`s it has exchanged. `replayed` answers true when the `jti` was
 * already used and records it otherwise; a store that cannot answer throws a `RefusalError`
 * (`replay_store_unavailable`): a token is never exchanged on a guess.
 */
export interface ReplayStore {
  replayed(jti: string, exp: number, nowSeconds: number): boolean | Promise<boolean>;
}

/**
 * Remembers each verified token's `jti` until the token expires (plus the skew), so a token is
 * exchanged once by this instance. Behind a load balancer, share a `SharedReplayStore` between the
 * instances (`--replay-dir`), or a token could be exchanged once per instance within its lifetime.
 */
export class ReplayGuard implements ReplayStore {
  private readonly seen = new Map<string, number>();
  private nextPrune = 0;

  constructor(private readonly skewSeconds: number) {}

  /** True when `jti` was already used; records it otherwise. */
  replayed(jti: string, exp: number, nowSeconds: number): boolean {
    if (nowSeconds >= this.nextPrune) {
      for (const [id, until] of this.seen) if (until < nowSeconds) this.seen.delete(id);
      this.nextPrune = nowSeconds + 30;
    }
    if (this.seen.has(jti)) return true;
    this.seen.set(jti, exp + this.skewSeconds);
    return false;
  }
}
