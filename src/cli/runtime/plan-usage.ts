/** The plan options, as `dispatch --help` and `dispatch plan --help` list them. */
export const PLAN_USAGE_OPTIONS = `  --event NAME            the event (push, pull_request, schedule, workflow_dispatch, issues)
  --payload FILE          the event's webhook payload (JSON); on Actions, $GITHUB_EVENT_PATH
  --repo OWNER/REPO       the repository the event is for
  --mode MODE             workflow_dispatch only: self-test, validate or materialize
  --correlation-id ID     the run's id (default: <run_id>-<run_attempt> on Actions, a ULID locally)
  --engine-ref REF        the ref every engine runs (default: v<this version>)
  --runtime-mode MODE     marketplace (default: tags and SHAs only) or development (any ref)
  --app-slug SLUG         the App whose bot's own events are ignored (default: $TA_APP_SLUG, else
                          the release's taskAssistant.appSlug in package.json)`;
