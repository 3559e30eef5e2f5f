import { COMMIT_SHA_PATTERN } from "./engine-ref-policy.js";
import { asPayload, field, stringField, type Payload } from "./payload-fields.js";
import { didYouMean } from "../config/did-you-mean.js";
import { refuse, RUN_MODES, type Refusal, type RunMode } from "./run-plan.js";

/** The host config file whose changes trigger `validate`. */
export const HOST_CONFIG_PATH = ".github/task-assistant.yml";

/** `issues` actions that can leave an issue's labels or milestone inconsistent. */
export const ENFORCED_ISSUE_ACTIONS = [
  "opened",
  "reopened",
  "labeled",
  "unlabeled",
  "milestoned",
  "demilestoned",
] as const;

/** Pull request actions that propose a new revision of the config. */
export const VALIDATED_PULL_REQUEST_ACTIONS = ["opened", "reopened", "synchronize"] as const;

/** Modes an operator may choose for `workflow_dispatch` (enforce needs an issue event). */
export const DISPATCHABLE_MODES: readonly RunMode[] = ["self-test", "validate", "materialize", "reconcile"];

/**
 * The dispatcher's schedule for reconcile (hourly, off the hour); every other schedule validates. A
 * `schedule` event names its cron in `payload.schedule`.
 */
export const RECONCILE_SCHEDULE = "41 * * * *";

/** GitHub lists at most this many commits in a push payload; a full list may be truncated. */
const PUSH_COMMIT_LIST_LIMIT = 20;

export interface Route {
  mode: RunMode;
  trigger: string;
  issue_number?: number;
  /** The label an `issues.labeled` event added (enforce's strategy `latest` keeps it). */
  label_added?: string;
  config_ref?: string;
  /** A correlation id carried by the event itself (`workflow_dispatch` input). */
  supplied_correlation_id?: string;
}

export interface RouteOptions {
  /** The operator's mode choice for `workflow_dispatch` (`--mode`); must agree with any other event. */
  mode?: string;
  /** The App's slug: events whose sender is `<slug>[bot]` were caused by our own writes. */
  app_slug?: string;
}

/**
 * Event → mode (DESIGN §5.4). Config pushed to the default branch or proposed in a PR → validate (a
 * push to any other branch is refused: its pull request validates the change, so it runs once);
 * schedule → validate, or reconcile on `RECONCILE_SCHEDULE`;
 * workflow_dispatch → the chosen mode; issues → enforce for that issue, unless our own bot caused the
 * event (the loop guard). Everything else is refused by name.
 */
export function routeEvent(eventName: string, rawPayload: unknown, options: RouteOptions): Route | Refusal {
  const payload = asPayload(rawPayload);
  if (payload === undefined)
    return refuse("payload", "the event payload is not a JSON object", "pass the webhook payload file");
  const routed = routeByEvent(eventName, payload, options);
  if ("refused" in routed) return routed;
  if (options.mode !== undefined && eventName !== "workflow_dispatch" && options.mode !== routed.mode) {
    return refuse(
      "--mode",
      `--mode ${options.mode} does not apply to a ${eventName} event, which runs ${routed.mode}`,
      "drop --mode, or use --event workflow_dispatch to choose the mode",
    );
  }
  return routed;
}

function routeByEvent(eventName: string, payload: Payload, options: RouteOptions): Route | Refusal {
  switch (eventName) {
    case "push":
      return routePush(payload);
    case "pull_request":
      return routePullRequest(payload);
    case "schedule":
      return stringField(payload, "schedule")?.trim() === RECONCILE_SCHEDULE
        ? { mode: "reconcile", trigger: "schedule" }
        : { mode: "validate", trigger: "schedule" };
    case "workflow_dispatch":
      return routeWorkflowDispatch(payload, options);
    case "issues":
      return routeIssues(payload, options);
    default:
      return refuse(
        "event",
        `event "${eventName}" does not start a Task Assistant run`,
        "supported events: push and pull_request (config changes), schedule, workflow_dispatch, issues",
      );
  }
}

function routePush(payload: Payload): Route | Refusal {
  if (field(payload, "deleted") === true)
    return refuse(
      "payload.deleted",
      "the push deleted its branch; there is no config to validate",
      "nothing to do",
    );
  const pushed = stringField(payload, "ref");
  const defaultBranch = stringField(payload, "repository.default_branch");
  if (pushed !== undefined && defaultBranch !== undefined && pushed !== `refs/heads/${defaultBranch}`) {
    return refuse(
      "payload.ref",
      `the push is to ${pushed}, not to the default branch ${defaultBranch}; a config change on another branch is validated by its pull request, once`,
      `only pushes to ${defaultBranch} start a run (the installed workflow limits push to branches: [${defaultBranch}])`,
    );
  }
  if (!pushTouchesConfig(payload)) {
    return refuse(
      "payload.commits",
      `the push does not change ${HOST_CONFIG_PATH}`,
      `only pushes that change ${HOST_CONFIG_PATH} start a run (filter the workflow's push trigger by that path)`,
    );
  }
  const after = stringField(payload, "after");
  return {
    mode: "validate",
    trigger: "push",
    ...(after !== undefined && COMMIT_SHA_PATTERN.test(after) ? { config_ref: after } : {}),
  };
}

/**
 * Whether a push changed the config. The commit lists are trusted only when complete: GitHub lists at
 * most 20 commits, so a longer push (or a payload without lists) was selected by the workflow's own
 * path filter, which sees the whole diff.
 */
function pushTouchesConfig(payload: Payload): boolean {
  const commits = field(payload, "commits");
  if (!Array.isArray(commits) || commits.length >= PUSH_COMMIT_LIST_LIMIT) return true;
  const listed = [...(commits as unknown[]), field(payload, "head_commit")].filter(
    (commit) => asPayload(commit) !== undefined,
  );
  if (listed.length === 0) return true;
  return listed.some((commit) =>
    ["added", "modified", "removed"].some((kind) => {
      const files = field(commit as Payload, kind);
      return Array.isArray(files) && files.includes(HOST_CONFIG_PATH);
    }),
  );
}

function routePullRequest(payload: Payload): Route | Refusal {
  const action = stringField(payload, "action") ?? "";
  if (!(VALIDATED_PULL_REQUEST_ACTIONS as readonly string[]).includes(action)) {
    return refuse(
      "payload.action",
      `pull_request action "${action}" does not propose a config change`,
      `pull requests start a run on: ${VALIDATED_PULL_REQUEST_ACTIONS.join(", ")}`,
    );
  }
  const head = stringField(payload, "pull_request.head.sha");
  if (head === undefined || !COMMIT_SHA_PATTERN.test(head))
    return refuse(
      "payload.pull_request.head.sha",
      "the pull request has no head commit SHA",
      "pass the full webhook payload",
    );
  return { mode: "validate", trigger: `pull_request.${action}`, config_ref: head };
}

function routeWorkflowDispatch(payload: Payload, options: RouteOptions): Route | Refusal {
  const fromInput = stringField(payload, "inputs.mode")?.trim();
  const chosen = options.mode ?? (fromInput === "" ? undefined : fromInput);
  if (chosen === undefined) {
    return refuse(
      "payload.inputs.mode",
      "workflow_dispatch needs a mode",
      `choose one of ${DISPATCHABLE_MODES.join(", ")} (input "mode" or --mode)`,
    );
  }
  if (!RUN_MODES.includes(chosen as RunMode)) {
    const near = didYouMean(chosen, DISPATCHABLE_MODES);
    return refuse(
      options.mode === undefined ? "payload.inputs.mode" : "--mode",
      `"${chosen}" is not a mode${near === undefined ? "" : ` (did you mean "${near}"?)`}`,
      `choose one of ${DISPATCHABLE_MODES.join(", ")}`,
    );
  }
  if (!DISPATCHABLE_MODES.includes(chosen as RunMode)) {
    return refuse(
      options.mode === undefined ? "payload.inputs.mode" : "--mode",
      `mode "${chosen}" cannot be dispatched by hand`,
      `choose one of ${DISPATCHABLE_MODES.join(", ")}; enforce runs on issue events`,
    );
  }
  const correlation = stringField(payload, "inputs.correlation_id");
  return {
    mode: chosen as RunMode,
    trigger: "workflow_dispatch",
    ...(correlation !== undefined && correlation.trim() !== ""
      ? { supplied_correlation_id: correlation }
      : {}),
  };
}

function routeIssues(payload: Payload, options: RouteOptions): Route | Refusal {
  const action = stringField(payload, "action") ?? "";
  if (!(ENFORCED_ISSUE_ACTIONS as readonly string[]).includes(action)) {
    return refuse(
      "payload.action",
      `issues action "${action}" does not start enforcement`,
      `issues events start a run on: ${ENFORCED_ISSUE_ACTIONS.join(", ")}`,
    );
  }
  const sender = stringField(payload, "sender.login");
  if (options.app_slug !== undefined && sender === `${options.app_slug}[bot]`) {
    return refuse(
      "sender",
      `issues.${action} was caused by ${sender}, this App's own bot; not enforcing again (loop guard)`,
      "nothing to do: the App's own label and milestone changes never start a run",
    );
  }
  const number = field(payload, "issue.number");
  if (typeof number !== "number" || !Number.isInteger(number) || number < 1)
    return refuse(
      "payload.issue.number",
      "the issues event has no issue number",
      "pass the full webhook payload",
    );
  if (field(payload, "issue.pull_request") !== undefined)
    return refuse(
      "payload.issue.pull_request",
      `#${number} is a pull request, not an issue`,
      "nothing to do",
    );
  const label = action === "labeled" ? stringField(payload, "label.name")?.trim() : undefined;
  return {
    mode: "enforce",
    trigger: `issues.${action}`,
    issue_number: number,
    ...(label === undefined || label === "" ? {} : { label_added: label }),
  };
}
