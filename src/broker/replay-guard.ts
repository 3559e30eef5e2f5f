/**
 * Remembers each verified token's `jti` until the token expires (plus the skew), so a token is
 * exchanged once. Per instance: behind a load balancer, pin by token or share nothing and accept that
 * a replay to another instance within the token's minutes of life is not detected.
 */
export class ReplayGuard {
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
