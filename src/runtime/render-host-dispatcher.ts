import { parseDocument } from "yaml";
import type { Problem } from "../errors.js";
import { setLoopGuard } from "./app-slug.js";
import { limitPushToBranch } from "./limit-push-branches.js";
import { pinDispatchDocument } from "./pin-dispatch-template.js";
import { spreadSchedule } from "./spread-schedule.js";

export interface HostDispatcherOptions {
  /** The ref (release tag, channel or SHA) every call into this project is pinned to. */
  readonly ref: string;
  /** The host `owner/repo`: its scheduled run's minute and hour derive from it. */
  readonly repo: string;
  /** The App's slug: events sent by `<slug>[bot]` do not start a run (the loop guard). */
  readonly app_slug: string;
  /** The host's default branch: the only branch whose pushes validate the config. */
  readonly default_branch: string;
}

export type RenderedDispatcher =
  | {
      readonly ok: true;
      readonly text: string;
      /** A thin caller of this project's reusable `dispatch.yml`, rather than a dispatcher calling engines. */
      readonly thin_caller: boolean;
    }
  | { readonly ok: false; readonly problems: Problem[] };

/**
 * The host's dispatcher workflow as `install` writes it, from the release's template (pure):
 * pinned to the ref; its daily schedule moved to the repository's own slot (`scheduleSlot`); its
 * loop guard naming `<app_slug>[bot]`; its push trigger limited to the default branch, so a config
 * change on a pull request's branch is validated once, by the pull request. Works on today's full
 * dispatcher and on a thin caller of `dispatch.yml` alike. A template missing a part it must carry
 * (a schedule, a loop guard, a push trigger, a call into this project) is a problem, not a silent skip.
 *
 * @example renderHostDispatcher(template, { ref: "v1", repo: "acme/widgets", app_slug: "task-assistant", default_branch: "main" })
 */
export function renderHostDispatcher(template: string, options: HostDispatcherOptions): RenderedDispatcher {
  const doc = parseDocument(template);
  const file = "templates/host/task-assistant-dispatch.yml";
  if (doc.errors.length > 0)
    return {
      ok: false,
      problems: [{ path: "", file, message: `YAML syntax: ${doc.errors[0].message.split("\n")[0]}` }],
    };
  const problems: Problem[] = [];
  const missing = (path: string, message: string) => problems.push({ path, file, message });
  if (pinDispatchDocument(doc, options.ref) === 0)
    missing("/jobs", "no job calls a workflow of this project, so there is nothing to pin");
  if (spreadSchedule(doc, options.repo) === 0)
    missing("/on/schedule", 'the template has no daily `cron: "M H * * *"` schedule to spread');
  if (setLoopGuard(doc, options.app_slug) === 0)
    missing("/jobs", "no job's `if:` compares the sender with '<slug>[bot]' (the loop guard)");
  if (!limitPushToBranch(doc, options.default_branch))
    missing("/on/push", "the template has no `push:` trigger to limit to the default branch");
  if (problems.length > 0) return { ok: false, problems };
  const text = doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  return { ok: true, text, thin_caller: /\/\.github\/workflows\/dispatch\.yml@/.test(text) };
}
