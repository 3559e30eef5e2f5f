import type { Problem } from "../errors.js";
import { APP_REPOSITORY, DISPATCHER_WORKFLOW } from "./app-repository.js";
import { brokerUrlProblems } from "./broker-url-problems.js";
import { CHANNEL_PATTERN } from "./release-channel.js";
import { isWellFormedRef } from "./engine-ref-policy.js";
import { asRecord, parseWorkflow, type WorkflowDocument } from "./workflow-document.js";

export interface DispatchTemplateCheck {
  /** The channel (or, in development, the ref) the host calls the dispatcher at. */
  readonly channel: string | undefined;
  readonly problems: Problem[];
}

export interface DispatchTemplateOptions {
  /** The channel the host must call (the one being installed). */
  readonly expectedChannel?: string;
  /** Allow any well-formed ref instead of a channel (development installs). */
  readonly allowFloatingRef?: boolean;
}

/** The permissions the host may grant the dispatcher: what its jobs ask for, and no more. */
const CEILING: Readonly<Record<string, string>> = { contents: "read", "id-token": "write" };
const ENGINE_PIN = /engine-[a-z-]+\.yml@|\bengine_ref\b/;

/**
 * Checks a host's thin caller (pure): `permissions: {}` at the top, one job calling
 * `<app>/.github/workflows/dispatch.yml@<channel>` where the channel is a major version (`v1`),
 * granting at most `contents: read` and `id-token: write`; and the host names no engine version —
 * no engine workflow, no `engine_ref`, no checkout of this project — and no token broker. The
 * dispatcher selects the release; hosts follow the channel.
 *
 * @example checkDispatchTemplate(text, "templates/host/task-assistant-dispatch.yml", { expectedChannel: "v1" })
 */
export function checkDispatchTemplate(
  text: string,
  file: string,
  options: DispatchTemplateOptions = {},
): DispatchTemplateCheck {
  const parsed = parseWorkflow(text, file);
  if (!parsed.ok) return { channel: undefined, problems: parsed.problems };
  const workflow = parsed.workflow;
  const root = asRecord(workflow.value) ?? {};
  const jobs = asRecord(root.jobs);
  if (jobs === undefined)
    return { channel: undefined, problems: [workflow.problem(["jobs"], "the workflow has no jobs")] };
  const problems: Problem[] = [];
  const top = asRecord(root.permissions);
  if (top === undefined || Object.keys(top).length > 0)
    problems.push(
      workflow.problem(
        ["permissions"],
        "the host's workflow must grant nothing by default",
        "set permissions: {}",
      ),
    );
  const prefix = `${APP_REPOSITORY}/${DISPATCHER_WORKFLOW}@`;
  const callers = Object.entries(jobs).filter(([, job]) => {
    const uses = asRecord(job)?.uses;
    return typeof uses === "string" && uses.startsWith(prefix);
  });
  if (callers.length !== 1)
    problems.push(
      workflow.problem(
        ["jobs"],
        `the host must call ${APP_REPOSITORY}/${DISPATCHER_WORKFLOW} exactly once, not ${callers.length} times`,
        `one job: uses: ${prefix}v1`,
      ),
    );
  let channel: string | undefined;
  for (const [jobId, rawJob] of Object.entries(jobs)) {
    const job = asRecord(rawJob) ?? {};
    problems.push(...jobProblems(workflow, jobId, job, prefix, options));
    if (typeof job.uses === "string" && job.uses.startsWith(prefix))
      channel ??= job.uses.slice(prefix.length);
  }
  problems.push(...enginePins(workflow, workflow.doc.contents, []));
  problems.push(...brokerUrlProblems(workflow, "the host dispatcher"));
  return { channel, problems };
}

function jobProblems(
  workflow: WorkflowDocument,
  jobId: string,
  job: Record<string, unknown>,
  prefix: string,
  options: DispatchTemplateOptions,
): Problem[] {
  const path = ["jobs", jobId];
  if (typeof job.uses !== "string" || !job.uses.startsWith(prefix)) {
    return [
      workflow.problem(
        typeof job.uses === "string" ? [...path, "uses"] : path,
        `job ${jobId} does something other than call the dispatcher; the host only calls ${prefix.slice(0, -1)}`,
        "remove the job: the dispatcher plans and runs every engine",
      ),
    ];
  }
  const problems: Problem[] = [];
  const ref = job.uses.slice(prefix.length);
  if (ref.includes("${{"))
    problems.push(
      workflow.problem(
        [...path, "uses"],
        "uses: must carry a literal channel; GitHub does not expand expressions there",
        "write the channel itself, e.g. v1",
      ),
    );
  else if (options.allowFloatingRef ? !isWellFormedRef(ref) : !CHANNEL_PATTERN.test(ref))
    problems.push(
      workflow.problem(
        [...path, "uses"],
        `the dispatcher is called at ${ref}, not at a channel (a major version such as v1)`,
        "call the channel: a release moves it and the host follows without a commit",
      ),
    );
  else if (options.expectedChannel !== undefined && ref !== options.expectedChannel)
    problems.push(
      workflow.problem(
        [...path, "uses"],
        `the dispatcher is called at ${ref}, not at ${options.expectedChannel}`,
        `call ${prefix}${options.expectedChannel}`,
      ),
    );
  const granted = asRecord(job.permissions);
  if (granted === undefined)
    problems.push(
      workflow.problem(
        [...path, "permissions"],
        "the job must grant the dispatcher its permissions",
        "set permissions: { contents: read, id-token: write }",
      ),
    );
  for (const [scope, level] of Object.entries(granted ?? {}))
    if (CEILING[scope] === undefined || (level !== CEILING[scope] && level !== "none" && level !== "read"))
      problems.push(
        workflow.problem(
          [...path, "permissions", scope],
          `permission ${scope}: ${String(level)} is more than the dispatcher needs`,
          "grant contents: read and id-token: write only",
        ),
      );
  return problems;
}

/** Any scalar naming an engine workflow at a ref, or an `engine_ref`, anywhere in the file. */
function enginePins(workflow: WorkflowDocument, node: unknown, path: (string | number)[]): Problem[] {
  const value = (node as { toJSON?: () => unknown } | null)?.toJSON?.();
  const items = (node as { items?: unknown[] } | null)?.items;
  if (Array.isArray(items)) {
    return items.flatMap((item, index) => {
      const pair = item as { key?: { value?: unknown }; value?: unknown };
      if (pair !== null && typeof pair === "object" && "key" in pair) {
        const raw = pair.key?.value;
        const key = typeof raw === "string" || typeof raw === "number" ? String(raw) : "";
        const here = [...path, key];
        const own = ENGINE_PIN.test(key)
          ? [
              workflow.problem(
                here,
                `the host names ${key}`,
                "remove it: the dispatcher selects the engine_ref",
              ),
            ]
          : [];
        return [...own, ...enginePins(workflow, pair.value, here)];
      }
      return enginePins(workflow, item, [...path, index]);
    });
  }
  if (typeof value === "string" && ENGINE_PIN.test(value))
    return [
      workflow.problem(
        path,
        `the host names an engine version (${value.trim().split("\n")[0]})`,
        "remove it: the dispatcher selects the engine_ref; hosts name only the channel",
      ),
    ];
  return [];
}
