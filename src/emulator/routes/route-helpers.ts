import { actingAccount } from "../auth/principal.js";
import { requireRepo, type Need } from "../auth/repo-access.js";
import { HttpError } from "../http/http-error.js";
import type { Account, Repo } from "../state/types.js";
import type { Reply, RequestContext } from "./route-types.js";

/** The repository named by `{owner}/{repo}` if the caller may do what `need` says (else GitHub's 404/403). */
export function repoOf(ctx: RequestContext, need: Need): Repo {
  return requireRepo(ctx.emu.state, ctx.principal, ctx.params.owner, ctx.params.repo, need);
}

/** The account a write is attributed to; anonymous callers and bare App JWTs cannot write. */
export function actorOf(ctx: RequestContext): Account {
  const actor = actingAccount(ctx.principal);
  if (!actor) {
    if (ctx.principal.kind === "app") throw new HttpError(403, "Resource not accessible by integration");
    throw new HttpError(401, "Requires authentication");
  }
  return actor;
}

export const ok = (body: unknown, headers?: Record<string, string>): Reply => ({
  status: 200,
  body,
  headers,
});

export const created = (body: unknown, location: string): Reply => ({
  status: 201,
  body,
  headers: { location },
});

export const noContent = (): Reply => ({ status: 204 });

/** Reads `sort`/`direction` with GitHub's defaults and a 422 on values it does not know. */
export function sortParams<S extends string>(
  ctx: RequestContext,
  sorts: readonly S[],
  defaults: { sort: S; direction: "asc" | "desc" },
): { sort: S; direction: "asc" | "desc" } {
  const sort = (ctx.query.get("sort") ?? defaults.sort) as S;
  const direction = ctx.query.get("direction") ?? defaults.direction;
  if (!sorts.includes(sort) || (direction !== "asc" && direction !== "desc")) {
    throw new HttpError(422, "Validation Failed", {
      errors: [{ resource: "Search", code: "invalid", field: sorts.includes(sort) ? "direction" : "sort" }],
    });
  }
  return { sort, direction };
}

/** A `since` query parameter in epoch ms (undefined when absent; 422 when unparsable). */
export function sinceParam(ctx: RequestContext): number | undefined {
  const since = ctx.query.get("since");
  if (since === null) return undefined;
  const ms = Date.parse(since);
  if (Number.isNaN(ms)) throw new HttpError(422, "Invalid request.\n\nInvalid value for parameter 'since'.");
  return ms;
}
