import { HttpError } from "../http/http-error.js";
import type { RequestContext } from "./route-types.js";

/** `per_page` (default 30, at most 100) and `page` (default 1) of a list request. */
export function pageParams(ctx: RequestContext): { perPage: number; page: number } {
  const perPageText = ctx.query.get("per_page");
  const pageText = ctx.query.get("page");
  const perPage = perPageText === null ? 30 : Number(perPageText);
  const page = pageText === null ? 1 : Number(pageText);
  if (!Number.isInteger(perPage) || perPage < 0 || !Number.isInteger(page) || page < 0) {
    throw new HttpError(422, "Invalid request.\n\nper_page and page must be positive integers.");
  }
  return { perPage: Math.min(Math.max(perPage, 1), 100), page: Math.max(page, 1) };
}

/**
 * GitHub's `Link` header for page `page` of `total` items: `prev`/`next`/`last`/`first` in GitHub's
 * order, each the request URL with `page` replaced. Undefined when everything fits on one page.
 */
export function linkHeader(
  ctx: RequestContext,
  total: number,
  perPage: number,
  page: number,
): string | undefined {
  const last = Math.max(1, Math.ceil(total / perPage));
  if (last === 1 && page === 1) return undefined;
  const at = (target: number) => {
    const url = new URL(ctx.url.href);
    url.searchParams.set("page", String(target));
    return `<${url.href}>`;
  };
  const links: string[] = [];
  if (page > 1) links.push(`${at(Math.min(page - 1, last))}; rel="prev"`);
  if (page < last) links.push(`${at(page + 1)}; rel="next"`, `${at(last)}; rel="last"`);
  if (page > 1) links.push(`${at(1)}; rel="first"`);
  return links.length === 0 ? undefined : links.join(", ");
}

/** The page of `items` the request asks for, with its `Link` header. */
export function paginate<T>(
  ctx: RequestContext,
  items: readonly T[],
): { items: T[]; headers: Record<string, string> } {
  const { perPage, page } = pageParams(ctx);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const link = linkHeader(ctx, items.length, perPage, page);
  return { items: slice, headers: link ? { link } : {} };
}
