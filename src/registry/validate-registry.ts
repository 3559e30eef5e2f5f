import type { Problem } from "../errors.js";
import {
  githubNameKey,
  invisibleCharacterIn,
  isValidRepoName,
  ownerNameProblem,
  repoNameProblem,
  sameGitHubName,
  showInvisible,
} from "./github-names.js";
import { locateProblems, syntaxProblem, type PointerProblem } from "./locate-problems.js";
import { escapePointerToken, parseJson, parseSerializedJson } from "./parse-json.js";
import { REPO_CONTEXTS, REPO_STATES, SUPPORTED_SCHEMA_VERSIONS, type RegistryV2 } from "./registry-types.js";

export type RegistryValidation =
  | { valid: true; registry: RegistryV2; problems: [] }
  | { valid: false; unsupportedSchema?: string; problems: Problem[] };

const TOP_LEVEL_KEYS = new Set(["schema_version", "generated_at", "description", "orgs"]);
const ORG_KEYS = new Set(["telemetry_repo", "repos"]);
const REPO_KEYS = new Set(["state", "context", "process", "reason"]);
const UTC_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?Z$/;

/** "schema_version 3.0 is not supported by this build; supported: 2.0" */
export function unsupportedSchemaMessage(version: string): string {
  return `schema_version ${version} is not supported by this build; supported: ${SUPPORTED_SCHEMA_VERSIONS.join(", ")}`;
}

/**
 * Validates registry v2 text (DESIGN §5.1): JSON syntax, duplicate keys, the schema, and the
 * semantic rules (valid GitHub names, same-org telemetry repo that is not itself monitored,
 * explicit context, non-empty reason and process). Every problem is returned at once, each with
 * its JSON pointer and `line:col`. An unsupported `schema_version` is refused by name and nothing
 * else is checked, since another version may have another shape.
 */
export function validateRegistryText(text: string, options: { file?: string } = {}): RegistryValidation {
  const serialized = parseSerializedJson(text, 2, true);
  const parsed =
    serialized !== undefined
      ? { ok: true as const, value: serialized.value, duplicateKeys: [] }
      : parseJson(text);
  if (!parsed.ok) return { valid: false, problems: [syntaxProblem(text, parsed.error, options.file)] };
  const problems: PointerProblem[] = parsed.duplicateKeys.map((duplicate) => ({
    path: duplicate.pointer,
    message: "this member appears more than once in its object",
    hint: "keep one; JSON readers would silently use the last",
    at: "key",
  }));
  const checked = checkRegistryValue(parsed.value, problems);
  if (checked.unsupportedSchema !== undefined) {
    return {
      valid: false,
      unsupportedSchema: checked.unsupportedSchema,
      problems: locateProblems(text, checked.problems, options.file),
    };
  }
  if (checked.problems.length > 0) {
    return { valid: false, problems: locateProblems(text, checked.problems, options.file) };
  }
  return { valid: true, registry: parsed.value as RegistryV2, problems: [] };
}

/**
 * The schema and semantic checks on an already parsed value, as pointer problems (no positions).
 * `problems` may carry problems found earlier; it is extended and returned.
 */
export function checkRegistryValue(
  value: unknown,
  problems: PointerProblem[] = [],
): { problems: PointerProblem[]; unsupportedSchema?: string } {
  if (!isObject(value)) {
    problems.push({ path: "", message: "the registry must be a JSON object", at: "value" });
    return { problems };
  }
  const version = value.schema_version;
  if (version === undefined) {
    problems.push({
      path: "/schema_version",
      message: "schema_version is required",
      hint: `add "schema_version": "${SUPPORTED_SCHEMA_VERSIONS[0]}"`,
      at: "parent",
    });
  } else if (typeof version !== "string") {
    problems.push({
      path: "/schema_version",
      message: `schema_version must be a string, such as "${SUPPORTED_SCHEMA_VERSIONS[0]}"`,
      at: "value",
    });
  } else if (!SUPPORTED_SCHEMA_VERSIONS.includes(version)) {
    return {
      problems: [
        {
          path: "/schema_version",
          message: unsupportedSchemaMessage(version),
          hint: "use a task-assistant build that supports it, or keep the registry at a supported version",
          at: "value",
        },
      ],
      unsupportedSchema: version,
    };
  }
  for (const key of Object.keys(value)) {
    if (!TOP_LEVEL_KEYS.has(key)) {
      problems.push({
        path: `/${escapePointerToken(key)}`,
        message: `unknown member "${key}"`,
        hint: "the registry allows schema_version, generated_at, description and orgs",
        at: "key",
      });
    }
  }
  checkTimestamp(value.generated_at, "/generated_at", problems);
  if (value.description !== undefined && typeof value.description !== "string") {
    problems.push({ path: "/description", message: "description must be a string", at: "value" });
  }
  const orgs = value.orgs;
  if (orgs === undefined) {
    problems.push({ path: "/orgs", message: "orgs is required", hint: 'add "orgs": {}', at: "parent" });
  } else if (!isObject(orgs)) {
    problems.push({ path: "/orgs", message: "orgs must be an object keyed by GitHub owner", at: "value" });
  } else {
    checkOrgs(orgs, problems);
  }
  return { problems };
}

function checkTimestamp(value: unknown, path: string, problems: PointerProblem[]): void {
  const name = path.slice(1);
  if (value === undefined) {
    problems.push({
      path,
      message: `${name} is required`,
      hint: 'a UTC timestamp such as "2026-11-21T00:00:00Z"',
      at: "parent",
    });
  } else if (typeof value !== "string" || !isUtcTimestamp(value)) {
    problems.push({
      path,
      message: `${name} must be a UTC timestamp such as "2026-11-21T00:00:00Z"`,
      at: "value",
    });
  }
}

/** True for an RFC 3339 UTC timestamp (`Z`) naming a real calendar instant. */
export function isUtcTimestamp(text: string): boolean {
  const match = UTC_TIMESTAMP.exec(text);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

function checkOrgs(orgs: Record<string, unknown>, problems: PointerProblem[]): void {
  const seen = new Map<string, string>();
  for (const owner of Object.keys(orgs)) {
    const orgPath = `/orgs/${escapePointerToken(owner)}`;
    const nameProblem = ownerNameProblem(owner);
    if (nameProblem !== undefined) {
      problems.push({
        path: orgPath,
        message: nameProblem,
        hint: "use the org's exact GitHub login",
        at: "key",
      });
    }
    const lower = githubNameKey(owner);
    const earlier = seen.get(lower);
    if (earlier !== undefined) {
      problems.push({
        path: orgPath,
        message: `"${owner}" and "${earlier}" are the same GitHub owner (names are case-insensitive)`,
        hint: "merge them into one entry",
        at: "key",
      });
    } else {
      seen.set(lower, owner);
    }
    const org = orgs[owner];
    if (!isObject(org)) {
      problems.push({
        path: orgPath,
        message: "an org entry must be an object with telemetry_repo and repos",
        at: "value",
      });
      continue;
    }
    for (const key of Object.keys(org)) {
      if (!ORG_KEYS.has(key)) {
        problems.push({
          path: `${orgPath}/${escapePointerToken(key)}`,
          message: `unknown member "${key}"`,
          hint: "an org entry allows telemetry_repo and repos",
          at: "key",
        });
      }
    }
    const repos = org.repos;
    if (repos === undefined) {
      problems.push({
        path: `${orgPath}/repos`,
        message: "repos is required",
        hint: 'add "repos": {}',
        at: "parent",
      });
    } else if (!isObject(repos)) {
      problems.push({
        path: `${orgPath}/repos`,
        message: "repos must be an object keyed by repository name",
        at: "value",
      });
    }
    const repoMap = isObject(repos) ? repos : {};
    checkTelemetryRepo(owner, orgPath, org.telemetry_repo, repoMap, problems);
    checkRepos(orgPath, repoMap, problems);
  }
}

function checkTelemetryRepo(
  owner: string,
  orgPath: string,
  telemetryRepo: unknown,
  repos: Record<string, unknown>,
  problems: PointerProblem[],
): void {
  const path = `${orgPath}/telemetry_repo`;
  if (telemetryRepo === undefined) {
    problems.push({
      path,
      message: "telemetry_repo is required: telemetry is never guessed",
      hint: `add "telemetry_repo": "${owner}/<name>"`,
      at: "parent",
    });
    return;
  }
  if (typeof telemetryRepo !== "string") {
    problems.push({ path, message: `telemetry_repo must be a string "${owner}/<name>"`, at: "value" });
    return;
  }
  const invisible = invisibleCharacterIn(telemetryRepo);
  if (invisible !== undefined) {
    problems.push({
      path,
      message: `telemetry_repo "${showInvisible(telemetryRepo)}" contains ${invisible}`,
      hint: `remove it: "${owner}/<name>" in plain letters, digits, ".", "_" and "-"`,
      at: "value",
    });
    return;
  }
  const slash = telemetryRepo.indexOf("/");
  const telemetryOwner = slash === -1 ? "" : telemetryRepo.slice(0, slash);
  const name = slash === -1 ? telemetryRepo : telemetryRepo.slice(slash + 1);
  if (slash === -1) {
    problems.push({
      path,
      message: `telemetry_repo "${telemetryRepo}" must name the owner too: "${owner}/${telemetryRepo}"`,
      at: "value",
    });
    return;
  }
  if (!sameGitHubName(telemetryOwner, owner)) {
    problems.push({
      path,
      message: `telemetry_repo "${telemetryRepo}" is in another org: telemetry must stay in ${owner} (cross-org telemetry is forbidden)`,
      hint: `use a repository of ${owner}, e.g. "${owner}/${repoNameProblem(name) === undefined ? name : "task-assistant-telemetry"}"`,
      at: "value",
    });
  }
  const nameProblem = repoNameProblem(name);
  if (nameProblem !== undefined) {
    problems.push({ path, message: `telemetry_repo: ${nameProblem}`, at: "value" });
    return;
  }
  for (const repo of Object.keys(repos)) {
    if (sameGitHubName(repo, name)) {
      problems.push({
        path,
        message: `telemetry_repo ${telemetryRepo} is also registered as a monitored repo; telemetry must go to a separate repository`,
        hint: `unregister ${owner}/${repo} or choose another telemetry repository`,
        at: "value",
      });
      break;
    }
  }
}

function checkRepos(orgPath: string, repos: Record<string, unknown>, problems: PointerProblem[]): void {
  const seen = new Map<string, string>();
  for (const repo of Object.keys(repos)) {
    const nameValid = isValidRepoName(repo);
    const lower = githubNameKey(repo);
    const earlier = seen.get(lower);
    if (earlier === undefined) seen.set(lower, repo);
    const entry = repos[repo];
    // The common case, a well-formed entry, is decided without building any pointer.
    if (nameValid && earlier === undefined && isWellFormedEntry(entry)) continue;
    const repoPath = `${orgPath}/repos/${escapePointerToken(repo)}`;
    const nameProblem = repoNameProblem(repo);
    if (nameProblem !== undefined) problems.push({ path: repoPath, message: nameProblem, at: "key" });
    if (earlier !== undefined) {
      problems.push({
        path: repoPath,
        message: `"${repo}" and "${earlier}" are the same GitHub repository (names are case-insensitive)`,
        hint: "keep one entry",
        at: "key",
      });
    }
    if (!isObject(entry)) {
      problems.push({
        path: repoPath,
        message: "a repo entry must be an object with state, context, process and reason",
        at: "value",
      });
      continue;
    }
    for (const key of Object.keys(entry)) {
      if (!REPO_KEYS.has(key)) {
        problems.push({
          path: `${repoPath}/${escapePointerToken(key)}`,
          message: `unknown member "${key}"`,
          hint: "a repo entry allows state, context, process and reason",
          at: "key",
        });
      }
    }
    checkEnum(entry.state, `${repoPath}/state`, "state", REPO_STATES, problems);
    checkEnum(entry.context, `${repoPath}/context`, "context", REPO_CONTEXTS, problems);
    checkText(
      entry.process,
      `${repoPath}/process`,
      "process",
      "what made the change, e.g. infra-cli",
      problems,
    );
    checkText(entry.reason, `${repoPath}/reason`, "reason", "why this entry exists", problems);
  }
}

/** Exactly the four members, each valid. */
function isWellFormedEntry(entry: unknown): boolean {
  if (typeof entry !== "object" || entry === null) return false;
  let members = 0;
  for (const key in entry) if (Object.hasOwn(entry, key)) members++;
  if (members !== 4) return false;
  const { state, context, process, reason } = entry as Record<string, unknown>;
  return (
    (state === "enabled" || state === "disabled") &&
    (context === "sandbox" || context === "production") &&
    isNonBlank(process) &&
    isNonBlank(reason)
  );
}

function isNonBlank(value: unknown): boolean {
  return typeof value === "string" && value.length > 0 && (value.charCodeAt(0) > 32 || value.trim() !== "");
}

function checkEnum(
  value: unknown,
  path: string,
  name: string,
  allowed: readonly string[],
  problems: PointerProblem[],
): void {
  const choices = allowed.join(" or ");
  if (value === undefined) {
    problems.push({
      path,
      message: `${name} is required and has no default: ${choices}`,
      hint: `add "${name}": "${allowed[0]}" or "${allowed[1]}"`,
      at: "parent",
    });
  } else if (typeof value !== "string" || !allowed.includes(value)) {
    problems.push({ path, message: `${name} must be ${choices}, not ${JSON.stringify(value)}`, at: "value" });
  }
}

function checkText(
  value: unknown,
  path: string,
  name: string,
  what: string,
  problems: PointerProblem[],
): void {
  if (value === undefined) {
    problems.push({ path, message: `${name} is required: ${what}`, at: "parent" });
  } else if (typeof value !== "string" || value.trim() === "") {
    problems.push({ path, message: `${name} must be a non-empty string: ${what}`, at: "value" });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
