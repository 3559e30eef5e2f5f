/**
 * GitHub's naming rules for accounts (users and organisations) and repositories. The registry
 * accepts only names GitHub itself would accept, so a typo cannot register something that can
 * never match a real repository.
 */

/** 1–39 characters, letters, digits and single hyphens, no hyphen at either end. */
export const OWNER_NAME_PATTERN = "^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$";
/** 1–100 characters of letters, digits, `.`, `_`, `-`; not `.` or `..`; not ending in `.git`. */
export const REPO_NAME_PATTERN = "^(?!\\.\\.?$)(?!.*\\.git$)[A-Za-z0-9._-]{1,100}$";

const OWNER = new RegExp(OWNER_NAME_PATTERN);
const REPO = new RegExp(REPO_NAME_PATTERN);

/**
 * The key GitHub compares owner and repository names by: case-insensitive. Every comparison of
 * registry names (validation, resolution, planning, preflight, emit) goes through this or
 * `sameGitHubName`, so `ACME` and `acme` are one org to all of them.
 */
export function githubNameKey(name: string): string {
  return name.toLowerCase();
}

/** Whether two owner names, two repository names or two `owner/repo` names name the same thing on GitHub. */
export function sameGitHubName(a: string, b: string): boolean {
  return a === b || githubNameKey(a) === githubNameKey(b);
}

/**
 * Characters that render as nothing or reorder text: zero-width characters, bidirectional
 * controls, the BOM. A name holding one looks identical to another (`phase-\u200b1` beside
 * `phase-1`), defeating uniqueness checks a reviewer relies on.
 */
const INVISIBLE_RANGES: readonly (readonly [number, number])[] = [
  [0x00ad, 0x00ad],
  [0x034f, 0x034f],
  [0x061c, 0x061c],
  [0x115f, 0x1160],
  [0x17b4, 0x17b5],
  [0x180b, 0x180f],
  [0x200b, 0x200f],
  [0x202a, 0x202e],
  [0x2060, 0x206f],
  [0x3164, 0x3164],
  [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff],
  [0xffa0, 0xffa0],
];

function isInvisible(code: number): boolean {
  return INVISIBLE_RANGES.some(([low, high]) => code >= low && code <= high);
}

function codePointName(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * Describes the first invisible or bidirectional-control character in `text` ("U+200B ... at
 * character 5"), or undefined when there is none.
 */
export function invisibleCharacterIn(text: string): string | undefined {
  let index = 0;
  for (const char of text) {
    index++;
    const code = char.codePointAt(0) ?? 0;
    if (isInvisible(code))
      return `${codePointName(code)} (an invisible or text-direction character) at character ${index}`;
  }
  return undefined;
}

/** `text` with every invisible character shown as `<U+XXXX>`, for messages. */
export function showInvisible(text: string): string {
  let shown = "";
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    shown += isInvisible(code) ? `<${codePointName(code)}>` : char;
  }
  return shown;
}

export function isValidOwnerName(name: string): boolean {
  return OWNER.test(name);
}

export function isValidRepoName(name: string): boolean {
  return REPO.test(name);
}

/** Why `name` is not a valid owner name, or undefined when it is. */
export function ownerNameProblem(name: string): string | undefined {
  if (OWNER.test(name)) return undefined;
  const invisible = invisibleCharacterIn(name);
  if (invisible !== undefined)
    return `"${showInvisible(name)}" contains ${invisible}; GitHub owner names are letters, digits and hyphens only`;
  if (name.length === 0) return "the owner name is empty";
  if (name.length > 39) return `"${name}" is longer than 39 characters, GitHub's limit for account names`;
  return `"${name}" is not a valid GitHub owner name (letters, digits and single hyphens, not at either end)`;
}

/** Why `name` is not a valid repository name, or undefined when it is. */
export function repoNameProblem(name: string): string | undefined {
  if (REPO.test(name)) return undefined;
  const invisible = invisibleCharacterIn(name);
  if (invisible !== undefined)
    return `"${showInvisible(name)}" contains ${invisible}; GitHub repository names are letters, digits, ".", "_" and "-" only`;
  if (name.length === 0) return "the repository name is empty";
  if (name.length > 100)
    return `"${name}" is longer than 100 characters, GitHub's limit for repository names`;
  if (name === "." || name === "..") return `"${name}" is reserved and cannot name a repository`;
  if (name.endsWith(".git")) return `"${name}" ends in ".git", which GitHub strips from repository names`;
  return `"${name}" is not a valid GitHub repository name (letters, digits, ".", "_" and "-" only)`;
}
