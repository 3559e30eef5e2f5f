import type { Problem } from "../errors.js";
import { checkDispatchTemplate } from "./check-dispatch-template.js";
import { checkEngineWorkflow, engineWorkflowInputs } from "./check-engine-workflow.js";
import { ENGINE_NAMES, type EngineName } from "./engine.js";
import { RELEASE_TAG_PATTERN } from "./engine-ref-policy.js";

export interface ReleaseFiles {
  /** Each engine workflow's text, keyed by engine (missing → a problem). */
  readonly engineWorkflows: Partial<Record<EngineName, string>>;
  readonly dispatchTemplate: string | undefined;
  /** `version` from package.json. */
  readonly packageVersion: string;
  /** `taskAssistant.tokenBroker` from package.json: the broker every engine job of the release uses. */
  readonly tokenBroker?: unknown;
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

/**
 * `release check vX.Y.Z` (pure): the tag is a release tag; package.json carries its version; every
 * engine workflow is reusable-only, checks out its engine_ref and runs its engine with least
 * permissions; the host template pins every engine — and the plan job — to exactly this tag, with
 * matching `engine_ref:` literals and inputs the engine workflows declare; nothing uses `ref: main`.
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
  if (files.dispatchTemplate === undefined) {
    problems.push({
      path: "",
      file: DISPATCH_TEMPLATE_PATH,
      message: `${DISPATCH_TEMPLATE_PATH} is missing`,
    });
  } else {
    problems.push(
      ...checkDispatchTemplate(files.dispatchTemplate, DISPATCH_TEMPLATE_PATH, {
        expectedRef: tag,
        engineInputs,
      }).problems,
    );
    checked.push(DISPATCH_TEMPLATE_PATH);
  }
  return { tag, ok: problems.length === 0, problems, checked };
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
