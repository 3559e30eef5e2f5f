import type { Principal } from "../auth/principal.js";
import type { Limits } from "../state/types.js";
import { HttpError } from "./http-error.js";

/** The admin token's budget: large enough never to stand in a test's way. */
export const ADMIN_RATE_LIMIT = 1_000_000;

/** The primary hourly budget of a principal: per-token override, else the server's limits. */
export function primaryLimitOf(limits: Limits, principal: Principal): number {
  switch (principal.kind) {
    case "admin":
      return ADMIN_RATE_LIMIT;
    case "anonymous":
      return limits.unauthenticatedPerHour;
    case "app":
      return limits.primaryPerHour;
    default:
      return principal.token.rateLimit ?? limits.primaryPerHour;
  }
}

/**
 * Whose content-creation budget a request draws on. GitHub counts these secondary limits per user
 * or per App installation: every token an installation hands out (one per engine job) shares the
 * installation's 80/min and 500/h, so an org's jobs cannot outrun it by taking new tokens.
 */
export function contentCreationKeyOf(principal: Principal): string {
  return principal.kind === "installation" ? `installation:${principal.installation.id}` : principal.rateKey;
}

interface Window {
  resetAt: number;
  used: number;
}

export interface RateHeaders {
  "x-ratelimit-limit": string;
  "x-ratelimit-remaining": string;
  "x-ratelimit-used": string;
  "x-ratelimit-reset": string;
  "x-ratelimit-resource": string;
}

/**
 * GitHub's limits, per token: a primary hourly budget (window starting at the first request, as
 * `x-ratelimit-reset` shows) and the secondary content-creation limits (per minute and per hour,
 * sliding) answered with 403 and `retry-after`. Time comes from the server's clock.
 */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly creations = new Map<string, number[]>();

  constructor(private readonly limits: () => Limits) {}

  reset(): void {
    this.windows.clear();
    this.creations.clear();
  }

  private window(key: string, now: number): Window {
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { resetAt: now + 3_600_000, used: 0 };
      this.windows.set(key, window);
    }
    return window;
  }

  /** Throws GitHub's primary-limit 403 when the budget is spent. */
  checkPrimary(key: string, limit: number, now: number): void {
    const window = this.window(key, now);
    if (window.used >= limit) {
      throw new HttpError(
        403,
        `API rate limit exceeded for ${key.startsWith("anonymous:") ? key.slice(10) : "this token"}.`,
        {
          headers: { ...this.headers(key, limit, now) },
          documentationUrl:
            "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
        },
      );
    }
  }

  consumePrimary(key: string, now: number): void {
    this.window(key, now).used += 1;
  }

  headers(key: string, limit: number, now: number): RateHeaders {
    const window = this.window(key, now);
    return {
      "x-ratelimit-limit": String(limit),
      "x-ratelimit-remaining": String(Math.max(0, limit - window.used)),
      "x-ratelimit-used": String(window.used),
      "x-ratelimit-reset": String(Math.ceil(window.resetAt / 1000)),
      "x-ratelimit-resource": "core",
    };
  }

  /** Counts one content-creating request, or throws the secondary-limit 403 with `retry-after`. */
  chargeContentCreation(key: string, now: number): void {
    const { contentCreationPerMinute, contentCreationPerHour } = this.limits();
    const times = (this.creations.get(key) ?? []).filter((time) => time > now - 3_600_000);
    const lastMinute = times.filter((time) => time > now - 60_000);
    let waitMs = 0;
    if (lastMinute.length >= contentCreationPerMinute) {
      waitMs = Math.max(waitMs, lastMinute[lastMinute.length - contentCreationPerMinute] + 60_000 - now);
    }
    if (times.length >= contentCreationPerHour) {
      waitMs = Math.max(waitMs, times[times.length - contentCreationPerHour] + 3_600_000 - now);
    }
    if (waitMs > 0) {
      this.creations.set(key, times);
      throw new HttpError(
        403,
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.",
        {
          headers: { "retry-after": String(Math.max(1, Math.ceil(waitMs / 1000))) },
          documentationUrl:
            "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
        },
      );
    }
    times.push(now);
    this.creations.set(key, times);
  }
}
