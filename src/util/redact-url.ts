/**
 * A URL (or scp-like git address) fit to print: any user info before `@` (a token, user:password)
 * is replaced by `***`, so an origin such as `https://x-access-token:TOKEN@host/o/r.git` never
 * reaches output. Text that is not URL-like is returned as is.
 *
 * @example redactUrl("https://user:ghs_abc@github.com/acme/infra.git") // "https://***@github.com/acme/infra.git"
 */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, "$1***@");
}

/** `text` with the user info of every URL in it replaced by `***` (for git's own messages). */
export function redactUrls(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^@/\s'"]*@/gi, "$1***@");
}
