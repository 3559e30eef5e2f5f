import { readFile } from "node:fs/promises";
import { UsageError } from "../errors.js";
import type { GitHub } from "../github/octokit.js";
import { readRegistryBytes, type RegistrySnapshot } from "../registry/registry-snapshot.js";
import { REGISTRY_PATH } from "../registry/registry-types.js";
import { gitBlobSha } from "../util/git-blob-sha.js";
import type { RegistryAnswer } from "./preflight-facts.js";

/**
 * Where preflight reads the registry: a local file (`--registry FILE`), or the infra repository's
 * default branch through the API with the infra credentials (`--infra-repo O/R`), never the run's
 * token, so the infra repository can stay private.
 */
export type RegistrySource =
  | {
      readonly kind: "file";
      readonly path: string;
      /** How records name it (default: the path). */ readonly label?: string;
    }
  | { readonly kind: "infra-repo"; readonly repo: string; readonly github: GitHub };

export type LoadedRegistry =
  | { readonly kind: "loaded"; readonly snapshot: RegistrySnapshot; readonly source: string }
  /**
   * The registry's answer for one repository, resolved by someone holding the registry (the token
   * broker on GitHub Actions), so a host job never sees other customers' entries.
   */
  | {
      readonly kind: "answered";
      readonly repo: string;
      readonly answer: RegistryAnswer;
      readonly source: string;
    }
  | { readonly kind: "unreadable"; readonly reason: string; readonly source: string };

/**
 * Reads the registry once per run. A file that cannot be read is refused input (`UsageError`); an
 * infra repository that cannot be read is a fact preflight fails on, never mistaken for "not
 * registered".
 */
export async function loadRegistry(source: RegistrySource): Promise<LoadedRegistry> {
  if (source.kind === "file") {
    let bytes: Buffer;
    try {
      bytes = await readFile(source.path);
    } catch (error) {
      throw new UsageError(`cannot read the registry file ${source.path}: ${(error as Error).message}`, {
        hint: "pass --registry with the path of infra/telemetry-registry.v2.json, or --infra-repo OWNER/REPO",
        cause: error,
      });
    }
    return {
      kind: "loaded",
      snapshot: readRegistryBytes(bytes, {
        sha: gitBlobSha(bytes),
        file: source.label ?? source.path,
      }),
      source: source.label ?? source.path,
    };
  }
  const where = `${source.repo}:${REGISTRY_PATH}`;
  const [owner, repo] = source.repo.split("/");
  try {
    // The raw media type serves files of any size up to 100 MB; the JSON form stops at 1 MB, and a
    // registry of a few thousand orgs is larger than that. The body is taken as bytes, unparsed,
    // so it is decoded by the same rule as a local file (a BOM or invalid UTF-8 is refused, never
    // dropped or replaced). The blob SHA is git's, computed here.
    const response = await source.github.rest.repos.getContent({
      owner,
      repo,
      path: REGISTRY_PATH,
      mediaType: { format: "raw" },
      request: { parseSuccessResponseBody: false },
    });
    const contentType = String(response.headers["content-type"] ?? "");
    // A directory comes back as a JSON listing even when the raw form is asked for.
    const bytes = /json/i.test(contentType) ? undefined : await bodyBytes(response.data);
    if (bytes === undefined) {
      if (response.data instanceof ReadableStream) await response.data.cancel();
      return { kind: "unreadable", reason: `${REGISTRY_PATH} is not a file`, source: where };
    }
    return {
      kind: "loaded",
      snapshot: readRegistryBytes(bytes, { sha: gitBlobSha(bytes), file: REGISTRY_PATH }),
      source: where,
    };
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    const reason =
      status === 404
        ? `${source.repo} or its ${REGISTRY_PATH} does not exist, or the infra credentials cannot read it (HTTP 404)`
        : `GitHub answered ${typeof status === "number" ? `HTTP ${status}` : (error as Error).message}`;
    return { kind: "unreadable", reason, source: where };
  }
}

/** The bytes of an unparsed response body (a web stream), or of an already parsed one. */
async function bodyBytes(data: unknown): Promise<Uint8Array | undefined> {
  if (data instanceof ReadableStream) return new Uint8Array(await new Response(data).arrayBuffer());
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (typeof data === "string") return Buffer.from(data, "utf8");
  return undefined;
}
