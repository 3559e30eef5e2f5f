/**
 * Routes requests on GitHub's OpenAPI path templates, spelled exactly as in `@octokit/openapi`
 * (`/repos/{owner}/{repo}/contents/{path}`), so stats and the contract validator can name every
 * exchange by (method, template, status).
 */

/** Parameters whose values may contain `/` (a file path, a git ref): they take the rest of the path. */
const GREEDY_PARAMS = new Set(["path", "ref"]);

export interface RouteMatch<T> {
  method: string;
  template: string;
  params: Record<string, string>;
  value: T;
}

interface CompiledRoute<T> {
  method: string;
  template: string;
  segments: Array<{ literal: string } | { param: string; greedy: boolean }>;
  value: T;
}

export class Router<T> {
  private readonly routes: CompiledRoute<T>[] = [];
  /** Routes bucketed by method and first path segment, so a lookup tries only a handful. */
  private readonly buckets = new Map<string, CompiledRoute<T>[]>();

  add(method: string, template: string, value: T): void {
    const segments = template
      .split("/")
      .slice(1)
      .map((part) => {
        const param = /^\{(\w+)\}$/.exec(part);
        if (param) return { param: param[1], greedy: GREEDY_PARAMS.has(param[1]) };
        return { literal: part };
      });
    const route: CompiledRoute<T> = { method, template, segments, value };
    this.routes.push(route);
    const key = `${method} ${"literal" in segments[0] ? segments[0].literal : "*"}`;
    const bucket = this.buckets.get(key) ?? [];
    bucket.push(route);
    // Literal segments win over parameters at the same position (`/issues/comments` before
    // `/issues/{issue_number}`), as in GitHub's own routing.
    bucket.sort((a, b) => specificity(b).localeCompare(specificity(a)));
    this.buckets.set(key, bucket);
  }

  /** Every registered (method, template) pair, in registration order. */
  list(): Array<{ method: string; template: string }> {
    return this.routes.map(({ method, template }) => ({ method, template }));
  }

  /** The route answering `method` on the raw (still percent-encoded) `pathname`, with decoded params. */
  match(method: string, pathname: string): RouteMatch<T> | undefined {
    const raw = pathname.split("/").slice(1);
    const candidates = [
      ...(this.buckets.get(`${method} ${raw[0]}`) ?? []),
      ...(this.buckets.get(`${method} *`) ?? []),
    ];
    for (const route of candidates) {
      const params = matchSegments(route.segments, raw);
      if (params) return { method, template: route.template, params, value: route.value };
    }
    return undefined;
  }
}

function specificity(route: CompiledRoute<unknown>): string {
  return route.segments.map((segment) => ("literal" in segment ? "2" : segment.greedy ? "0" : "1")).join("");
}

function matchSegments(
  segments: CompiledRoute<unknown>["segments"],
  raw: string[],
): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  let index = 0;
  for (let s = 0; s < segments.length; s += 1) {
    const segment = segments[s];
    if ("literal" in segment) {
      if (raw[index] !== segment.literal) return undefined;
      index += 1;
      continue;
    }
    if (segment.greedy && s === segments.length - 1) {
      // A trailing greedy parameter may be empty (`/contents/` lists the root) or span segments.
      const rest = raw.slice(index);
      const decoded = safeDecode(rest.join("/"));
      if (decoded === undefined) return undefined;
      params[segment.param] = decoded;
      return params;
    }
    const part = raw[index];
    if (part === undefined || part === "") return undefined;
    const decoded = safeDecode(part);
    if (decoded === undefined) return undefined;
    params[segment.param] = decoded;
    index += 1;
  }
  return index === raw.length ? params : undefined;
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
