import { HttpError } from "./http-error.js";

/**
 * An injected fault: requests to `route` ("METHOD /template", or "*" for any) are answered with
 * `status` and/or delayed by `latency_ms`, with probability `probability`, at most `count` times.
 */
export interface FaultSpec {
  route: string;
  status?: number;
  probability?: number;
  count?: number;
  latency_ms?: number;
  /** Seconds for a `retry-after` header (403/429 secondary-limit faults). */
  retry_after?: number;
  message?: string;
}

interface ActiveFault extends FaultSpec {
  remaining: number;
  hits: number;
}

const DEFAULT_MESSAGES: Record<number, string> = {
  403: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
  404: "Not Found",
  409: "Conflict",
  422: "Validation Failed",
  429: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
  500: "Server Error",
  502: "Server Error",
  503: "Service Unavailable",
  504: "We couldn't respond to your request in time. Sorry about that. Please try resubmitting your request and contact us if the problem persists.",
};

/** The fault table the admin API edits and the request pipeline consults before each handler. */
export class Faults {
  private faults: ActiveFault[] = [];

  constructor(private readonly random: () => number = Math.random) {}

  add(spec: FaultSpec): void {
    this.faults.push({ ...spec, remaining: spec.count ?? Number.POSITIVE_INFINITY, hits: 0 });
  }

  clear(): void {
    this.faults = [];
  }

  list() {
    return this.faults.map(({ remaining, hits, ...spec }) => ({
      ...spec,
      remaining: Number.isFinite(remaining) ? remaining : null,
      hits,
    }));
  }

  /** The fault to apply to this request, if one fires (consuming one of its `count`). */
  pick(method: string, template: string): FaultSpec | undefined {
    const key = `${method} ${template}`;
    for (const fault of this.faults) {
      if (fault.remaining <= 0) continue;
      if (fault.route !== "*" && fault.route !== key) continue;
      if (this.random() >= (fault.probability ?? 1)) continue;
      fault.remaining -= 1;
      fault.hits += 1;
      return fault;
    }
    return undefined;
  }
}

/** The error a fault answers with (undefined for a latency-only fault). */
export function faultError(fault: FaultSpec): HttpError | undefined {
  if (fault.status === undefined) return undefined;
  const headers: Record<string, string> = {};
  if (fault.retry_after !== undefined) headers["retry-after"] = String(fault.retry_after);
  return new HttpError(fault.status, fault.message ?? DEFAULT_MESSAGES[fault.status] ?? "Injected fault", {
    headers,
  });
}

/** Validates an admin fault body; returns a problem description or the spec. */
export function parseFaultSpec(input: unknown): FaultSpec | string {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return "a fault is an object";
  const spec = input as Record<string, unknown>;
  if (typeof spec.route !== "string" || !(spec.route === "*" || /^[A-Z]+ \/\S*$/.test(spec.route))) {
    return 'route must be "*" or "METHOD /path/{template}", e.g. "PUT /repos/{owner}/{repo}/contents/{path}"';
  }
  const numberField = (name: string, check: (value: number) => boolean) =>
    spec[name] === undefined || (typeof spec[name] === "number" && check(spec[name]));
  if (!numberField("status", (value) => Number.isInteger(value) && value >= 100 && value <= 599)) {
    return "status must be an HTTP status code";
  }
  if (!numberField("probability", (value) => value >= 0 && value <= 1))
    return "probability must be in [0, 1]";
  if (!numberField("count", (value) => Number.isInteger(value) && value >= 0))
    return "count must be an integer ≥ 0";
  if (!numberField("latency_ms", (value) => value >= 0)) return "latency_ms must be ≥ 0";
  if (!numberField("retry_after", (value) => value >= 0)) return "retry_after must be ≥ 0";
  if (spec.message !== undefined && typeof spec.message !== "string") return "message must be a string";
  if (spec.status === undefined && spec.latency_ms === undefined)
    return "give a status, a latency_ms, or both";
  return spec as unknown as FaultSpec;
}
