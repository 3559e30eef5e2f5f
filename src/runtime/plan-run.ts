import { InternalError } from "../errors.js";
import { actionsCorrelationId, normalizeCorrelationId } from "./correlation-id.js";
import { checkEngineRef } from "./engine-ref-policy.js";
import { enginesForMode } from "./mode-engines.js";
import { asPayload, stringField } from "./payload-fields.js";
import { parseRepoName, sameRepo } from "./repo-name.js";
import { routeEvent } from "./route-event.js";
import { isRefusal, refuse, type Refusal, type RunPlan, type RuntimeMode } from "./run-plan.js";

export interface PlanOptions {
  /** `owner/repo` the run is for (`--repo`, or `GITHUB_REPOSITORY` in Actions). */
  readonly target_repo: string;
  /** The ref every engine of the run executes (one per run). */
  readonly engine_ref: string;
  readonly runtime_mode?: RuntimeMode;
  /** `--mode`: the operator's choice for `workflow_dispatch`. */
  readonly mode?: string;
  /** `--correlation-id`: wins over an id carried by the event. */
  readonly correlation_id?: string;
  /** Set on GitHub Actions: the run's id and attempt, which name the correlation directory. */
  readonly actions_run?: { readonly run_id: string; readonly run_attempt: string };
  /** Generates an id when neither a supplied id nor an Actions run exists (a ULID locally). */
  readonly newId: () => string;
  /** The App's slug, for the loop guard on `issues` events. */
  readonly app_slug?: string;
  readonly dry_run?: boolean;
}

/**
 * The dispatcher's decision for one event (DESIGN §5.4), as data: the mode, the engines in order with
 * preflight first, one correlation id and one engine_ref for all of them. Pure: ids come from
 * `options.newId`, nothing is read from the environment.
 *
 * A refusal names the event or field at fault. A ref that breaks the marketplace policy is *not* a
 * refusal: the plan carries the verdict so preflight fails on it and leaves a record saying why.
 *
 * @example planRun("schedule", {}, { target_repo: "acme/widgets", engine_ref: "v1.4.0", newId })
 */
export function planRun(eventName: string, payload: unknown, options: PlanOptions): RunPlan | Refusal {
  const target = parseRepoName(options.target_repo);
  if (target === undefined) {
    return refuse(
      "target_repo",
      `target repository ${JSON.stringify(options.target_repo)} is not owner/repo`,
      "pass --repo OWNER/REPO with GitHub's naming rules",
    );
  }
  const payloadRepo = stringField(asPayload(payload) ?? {}, "repository.full_name");
  if (payloadRepo !== undefined && !sameRepo(payloadRepo, options.target_repo)) {
    return refuse(
      "payload.repository.full_name",
      `the event is for ${payloadRepo}, not for ${options.target_repo}`,
      "dispatch the event for the repository it came from",
    );
  }
  const route = routeEvent(eventName, payload, {
    ...(options.mode === undefined ? {} : { mode: options.mode }),
    ...(options.app_slug === undefined ? {} : { app_slug: options.app_slug }),
  });
  if (isRefusal(route)) return route;

  const correlation = chooseCorrelationId(options, route.supplied_correlation_id);
  if ("refused" in correlation) return correlation;

  const runtimeMode = options.runtime_mode ?? "marketplace";
  const engineRef = options.engine_ref.trim();
  if (engineRef === "")
    return refuse("engine_ref", "engine_ref is empty", "pass --engine-ref with a release tag such as v1.4.0");

  return {
    mode: route.mode,
    target_repo: `${target.owner}/${target.repo}`,
    correlation_id: correlation.value,
    engine_ref: engineRef,
    runtime_mode: runtimeMode,
    engines: enginesForMode(route.mode),
    ...(route.issue_number === undefined ? {} : { issue_number: route.issue_number }),
    ...(route.label_added === undefined ? {} : { label_added: route.label_added }),
    ...(route.config_ref === undefined ? {} : { config_ref: route.config_ref }),
    engine_ref_policy: checkEngineRef(engineRef, runtimeMode),
    correlation_source: correlation.source,
    trigger: route.trigger,
    dry_run: options.dry_run ?? false,
  };
}

function chooseCorrelationId(
  options: PlanOptions,
  fromEvent: string | undefined,
): { value: string; source: RunPlan["correlation_source"] } | Refusal {
  const supplied = options.correlation_id ?? fromEvent;
  const field = options.correlation_id !== undefined ? "correlation_id" : "payload.inputs.correlation_id";
  if (supplied !== undefined) {
    const checked = normalizeCorrelationId(supplied);
    return checked.ok
      ? { value: checked.value, source: "supplied" }
      : refuse(field, checked.message, checked.hint);
  }
  if (options.actions_run !== undefined) {
    const checked = normalizeCorrelationId(actionsCorrelationId(options.actions_run));
    return checked.ok
      ? { value: checked.value, source: "actions-run" }
      : refuse(
          "actions_run",
          `GitHub Actions run id: ${checked.message}`,
          "GITHUB_RUN_ID and GITHUB_RUN_ATTEMPT must be digits",
        );
  }
  const checked = normalizeCorrelationId(options.newId());
  if (!checked.ok) throw new InternalError(`generated correlation id is invalid: ${checked.message}`);
  return { value: checked.value, source: "generated" };
}
