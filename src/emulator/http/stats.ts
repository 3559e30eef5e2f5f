/**
 * Request accounting for reliability and cost measurements: counts by method, route template and
 * status, content-creating requests that succeeded, requests charged to a primary rate limit,
 * conditional requests answered 304, and git smart-HTTP operations (and the bytes fetches were sent).
 */
export class Stats {
  private byRoute = new Map<string, Map<number, number>>();
  private total = 0;
  private contentCreating = 0;
  private rateLimitUnits = 0;
  private notModified = 0;
  private git = { upload_pack: 0, receive_pack: 0, upload_pack_bytes: 0 };
  /** Requests no route serves, by `METHOD path`: what a client needed that the local GitHub lacks. */
  private unsupported = new Map<string, number>();
  private since: string;

  constructor(private readonly now: () => Date) {
    this.since = now().toISOString();
  }

  record(
    method: string,
    template: string,
    status: number,
    flags: { contentCreating: boolean; charged: boolean },
  ) {
    const key = `${method} ${template}`;
    let statuses = this.byRoute.get(key);
    if (!statuses) {
      statuses = new Map();
      this.byRoute.set(key, statuses);
    }
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    this.total += 1;
    if (flags.contentCreating && status < 300) this.contentCreating += 1;
    if (flags.charged) this.rateLimitUnits += 1;
    if (status === 304) this.notModified += 1;
  }

  recordUnsupported(method: string, path: string) {
    const key = `${method} ${path.slice(0, 300)}`;
    // Bounded, so a stream of made-up paths cannot grow memory without end.
    if (!this.unsupported.has(key) && this.unsupported.size >= 1000) return;
    this.unsupported.set(key, (this.unsupported.get(key) ?? 0) + 1);
  }

  recordGit(service: "upload_pack" | "receive_pack") {
    this.git[service] += 1;
  }

  /** Bytes of response body a clone or fetch was sent (ref advertisement and packs). */
  recordGitBytesSent(bytes: number) {
    this.git.upload_pack_bytes += bytes;
  }

  reset(): void {
    this.byRoute = new Map();
    this.total = 0;
    this.contentCreating = 0;
    this.rateLimitUnits = 0;
    this.notModified = 0;
    this.git = { upload_pack: 0, receive_pack: 0, upload_pack_bytes: 0 };
    this.unsupported = new Map();
    this.since = this.now().toISOString();
  }

  toJSON() {
    const requests = [...this.byRoute.entries()]
      .flatMap(([key, statuses]) => {
        const space = key.indexOf(" ");
        return [...statuses.entries()].map(([status, count]) => ({
          method: key.slice(0, space),
          route: key.slice(space + 1),
          status,
          count,
        }));
      })
      .sort(
        (a, b) => a.route.localeCompare(b.route) || a.method.localeCompare(b.method) || a.status - b.status,
      );
    const byRoute: Record<string, Record<string, number>> = {};
    for (const { method, route, status, count } of requests) {
      (byRoute[`${method} ${route}`] ??= {})[String(status)] = count;
    }
    return {
      since: this.since,
      total: this.total,
      content_creating: this.contentCreating,
      rate_limit_units: this.rateLimitUnits,
      not_modified: this.notModified,
      git: { ...this.git },
      unsupported: [...this.unsupported.entries()].map(([key, count]) => ({
        method: key.slice(0, key.indexOf(" ")),
        path: key.slice(key.indexOf(" ") + 1),
        count,
      })),
      by_route: byRoute,
      requests,
    };
  }
}
