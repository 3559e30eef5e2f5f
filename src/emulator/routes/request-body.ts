import { HttpError, validationFailed } from "../http/http-error.js";
import type { RequestContext } from "./route-types.js";

/** The request body as an object; GitHub answers 400 to a body of another JSON type. */
export function bodyObject(ctx: RequestContext): Record<string, unknown> {
  if (ctx.body === undefined || ctx.body === null) return {};
  if (typeof ctx.body !== "object" || Array.isArray(ctx.body)) {
    throw new HttpError(400, "Problems parsing JSON");
  }
  return ctx.body as Record<string, unknown>;
}

/** A string field; undefined when absent, 422 `invalid` when of another type (null allowed if `nullable`). */
export function optionalString(
  body: Record<string, unknown>,
  field: string,
  resource: string,
  nullable = false,
): string | null | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (value === null && nullable) return null;
  if (typeof value !== "string") throw validationFailed({ resource, code: "invalid", field });
  return value;
}

/** A required non-empty string field; 422 `missing_field` when absent. */
export function requiredString(body: Record<string, unknown>, field: string, resource: string): string {
  const value = optionalString(body, field, resource);
  if (value === undefined || value === null || value === "") {
    throw validationFailed({ resource, code: "missing_field", field });
  }
  return value;
}

export function optionalBoolean(
  body: Record<string, unknown>,
  field: string,
  resource: string,
): boolean | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== "boolean") throw validationFailed({ resource, code: "invalid", field });
  return value;
}

/** A string-array field (labels, assignees); 422 when not an array of strings. */
export function optionalStringArray(
  body: Record<string, unknown>,
  field: string,
  resource: string,
): string[] | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) {
    throw validationFailed({ resource, code: "invalid", field });
  }
  return value as string[];
}

/** An ISO 8601 timestamp field in epoch ms; 422 when unparsable. */
export function optionalTime(
  body: Record<string, unknown>,
  field: string,
  resource: string,
): number | null | undefined {
  const value = optionalString(body, field, resource, true);
  if (value === undefined || value === null) return value;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw validationFailed({ resource, code: "invalid", field });
  return ms;
}

/** A positive integer path parameter; 404 otherwise (GitHub does not route it). */
export function numberParam(ctx: RequestContext, name: string): number {
  const text = ctx.params[name];
  if (!/^\d+$/.test(text)) throw new HttpError(404, "Not Found");
  return Number(text);
}
