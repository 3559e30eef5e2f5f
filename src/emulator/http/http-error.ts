/** One entry of a 422 `errors` array, as GitHub sends it. */
export interface FieldError {
  resource: string;
  code: string;
  field?: string;
  message?: string;
  value?: unknown;
}

/**
 * An HTTP error answer in GitHub's shape: `{ message, documentation_url, status }` plus `errors` for
 * 422s. Handlers throw it; the pipeline renders it, so every error body looks the same.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;
  readonly documentationUrl: string | undefined;

  constructor(
    status: number,
    message: string,
    options: { errors?: FieldError[]; headers?: Record<string, string>; documentationUrl?: string } = {},
  ) {
    super(message);
    this.status = status;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
    this.documentationUrl = options.documentationUrl;
  }
}

export const notFound = (message = "Not Found") => new HttpError(404, message);

/** 422 "Validation Failed" with the given field errors. */
export const validationFailed = (...errors: FieldError[]) =>
  new HttpError(422, "Validation Failed", { errors });

/** 422 the way GitHub answers a missing or malformed parameter before it looks at the data. */
export const invalidRequest = (detail: string) => new HttpError(422, `Invalid request.\n\n${detail}`);

export const notAccessibleByIntegration = () => new HttpError(403, "Resource not accessible by integration");
