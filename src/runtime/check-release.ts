import type { Problem } from "../errors.js";
import { checkDispatchTemplate } from "./check-dispatch-template.js";
import { checkDispatchWorkflow } from "./check-dispatch-workflow.js";
import { checkEngineWorkflow, engineWorkflowInputs } from "./check-engine-workflow.js";
import { ENGINE_NAMES, type EngineName } from "./engine.js";
import { RELEASE_TAG_PATTERN } from "./engine-ref-policy.js";
import { BUNDLE_FILE } from "./check-code-checkout.js";

export interface ReleaseFiles {
  /** Each engine workflow's text, keyed by engine (missing → a problem). */
  readonly engineWorkflows: Partial<Record<EngineName, string>>;
  readonly dispatchTemplate: string | undefined;
  /** `.github/workflows/dispatch.yml`: the workflow hosts call at the channel. */
  readonly dispatchWorkflow: string | undefined;
  /** The committed bundle, as `release check` found it (absent when not looked at). */
  readonly bundle?: BundleFacts;
  /** A release for a local GitHub (tests, demos): an empty token broker is allowed. */
  readonly allowEmptyBroker?: boolean;
  /** `version` from package.json. */
  readonly packageVersion: string;
  /** `taskAssistant.tokenBroker` from package.json: the broker every engine job of the release uses. */
  readonly tokenBroker?: unknown;
}

/** What `release check` found out about the committed bundle by running and rebuilding it. */
export interface BundleFacts {
  readonly present: boolean;
  /** Byte-identical to a bundle built now from the same sources. */
  readonly fresh: boolean;
  /** What `node <bundle> --version` printed (its last word), undefined when it did not run. */
  readonly version: string | undefined;
}

export interface ReleaseCheck {
  readonly tag: string;
  readonly ok: boolean;
  readonly problems: Problem[];
  /** What was checked, for the report. */
  readonly checked: string[];
}

export const ENGINE_WORKFLOW_DIR = ".github/workflows";
export const DISPATCH_TEMPLATE_PATH = "templates/host/task-assistant-dispatch.yml";
export const DISPATCH_WORKFLOW_PATH = ".github/workflows/dispatch.yml";

/**
 * `release check vX.Y.Z` (pure): the tag is a release tag; package.json carries its version and
 * names the token broker (unless the release is for a local GitHub); every engine workflow is
 * reusable-only, checks out the commit of the workflow being run, installs nothing and runs its
 * engine with least permissions; `dispatch.yml` pins every engine to exactly this tag, with matching
 * `engine_ref:` literals, the plan's `--engine-ref` and inputs the engine workflows declare; the host
 * template calls `dispatch.yml` at a channel and names no engine version; the committed bundle is
 * there, is what the sources build now, and says it is this version; nothing uses `ref: main`.
 *
 * @example checkRelease("v1.4.0", files).ok
 */
export function checkRelease(tag: string, files: ReleaseFiles): ReleaseCheck {
  const problems: Problem[] = [];
  const checked: string[] = [];
  if (!RELEASE_TAG_PATTERN.test(tag))
    problems.push({
      path: "",
      message: `${tag} is not a release tag`,
      hint: "release tags are vMAJOR.MINOR.PATCH[-pre]",
    });
  if (`v${files.packageVersion}` !== tag)
    problems.push({
      path: "/version",
      file: "package.json",
      message: `package.json says version ${files.packageVersion}, not ${tag.replace(/^v/, "")}`,
      hint: "set the version before tagging, so records carry the release they ran",
    });
  problems.push(...checkTokenBroker(files.tokenBroker));
  if (!files.allowEmptyBroker && (files.tokenBroker === undefined || files.tokenBroker === ""))
    problems.push({
      path: "/taskAssistant/tokenBroker",
      file: "package.json",
      message: "the release names no token broker: engine jobs on GitHub Actions would get no tokens",
      hint: 'set "taskAssistant": { "tokenBroker": "https://<the broker\'s host>" } (--allow-empty-broker only for a local GitHub)',
    });
  checked.push("package.json");
  const engineInputs: Partial<Record<EngineName, { declared: string[]; required: string[] }>> = {};
  for (const engine of ENGINE_NAMES) {
    const file = `${ENGINE_WORKFLOW_DIR}/engine-${engine}.yml`;
    const text = files.engineWorkflows[engine];
    if (text === undefined) {
      problems.push({
        path: "",
        file,
        message: `${file} is missing`,
        hint: `every engine needs its reusable workflow`,
      });
      continue;
    }
    problems.push(...checkEngineWorkflow(engine, text, file));
    engineInputs[engine] = engineWorkflowInputs(text, file);
    checked.push(file);
  }
  if (files.dispatchWorkflow === undefined) {
    problems.push({
      path: "",
      file: DISPATCH_WORKFLOW_PATH,
      message: `${DISPATCH_WORKFLOW_PATH} is missing`,
    });
  } else {
    problems.push(
      ...checkDispatchWorkflow(files.dispatchWorkflow, DISPATCH_WORKFLOW_PATH, {
        expectedRef: tag,
        engineInputs,
      }).problems,
    );
    checked.push(DISPATCH_WORKFLOW_PATH);
  }
  if (files.dispatchTemplate === undefined) {
    problems.push({
      path: "",
      file: DISPATCH_TEMPLATE_PATH,
      message: `${DISPATCH_TEMPLATE_PATH} is missing`,
    });
  } else {
    problems.push(...checkDispatchTemplate(files.dispatchTemplate, DISPATCH_TEMPLATE_PATH).problems);
    checked.push(DISPATCH_TEMPLATE_PATH);
  }
  if (files.bundle !== undefined) {
    problems.push(...bundleProblems(files.bundle, tag));
    checked.push(BUNDLE_FILE);
  }
  return { tag, ok: problems.length === 0, problems, checked };
}

function bundleProblems(bundle: BundleFacts, tag: string): Problem[] {
  const at = { path: "", file: BUNDLE_FILE, line: 1, col: 1 };
  const hint = `run \`task-assistant release prepare ${tag}\` to rebuild and commit it`;
  if (!bundle.present) return [{ ...at, message: `${BUNDLE_FILE} is missing`, hint }];
  const problems: Problem[] = [];
  if (!bundle.fresh)
    problems.push({ ...at, message: `${BUNDLE_FILE} is stale: the sources build a different bundle`, hint });
  if (bundle.version === undefined || `v${bundle.version}` !== tag)
    problems.push({
      ...at,
      message: `${BUNDLE_FILE} --version says ${bundle.version ?? "nothing"}, not ${tag.replace(/^v/, "")}`,
      hint,
    });
  return problems;
}

/**
 * The release's broker URL, when it names one: https (engine jobs send it their OIDC tokens), no
 * credentials, query or fragment. Empty means the release has no broker yet: engine jobs on GitHub
 * Actions then get no tokens and say so.
 */
function checkTokenBroker(value: unknown): Problem[] {
  const at = { path: "/taskAssistant/tokenBroker", file: "package.json" };
  const hint = 'set "taskAssistant": { "tokenBroker": "https://<the broker\'s host>" }, or "" for none';
  if (value === undefined || value === "") return [];
  if (typeof value !== "string") return [{ ...at, message: "the token broker must be a URL string", hint }];
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [{ ...at, message: `the token broker ${JSON.stringify(value)} is not a URL`, hint }];
  }
  if (url.protocol !== "https:" || url.username || url.password || url.search || url.hash)
    return [
      {
        ...at,
        message: `the token broker ${value} must be https without credentials, query or fragment`,
        hint,
      },
    ];
  return [];
}
