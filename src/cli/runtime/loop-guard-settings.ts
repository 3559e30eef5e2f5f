import { UsageError } from "../../errors.js";
import { isAppSlug } from "../../runtime/app-slug.js";
import type { LoopGuard } from "../../enforcement/circuit-breaker.js";
import { releaseAppSlug, releaseCircuitBreaker } from "./package-info.js";

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The App's slug for the loop guard: `--app-slug`, else `$TA_APP_SLUG`, else the release's
 * `taskAssistant.appSlug` (package.json), configured once for every host and every run.
 */
export async function resolveAppSlug(flag: string | undefined, env: Env): Promise<string> {
  const given = flag?.trim() || env.TA_APP_SLUG?.trim() || undefined;
  const slug = given ?? (await releaseAppSlug());
  if (slug === undefined)
    throw new UsageError("no App slug is configured for the loop guard", {
      hint: "pass --app-slug SLUG, set TA_APP_SLUG, or set taskAssistant.appSlug in the release's package.json",
    });
  if (!isAppSlug(slug))
    throw new UsageError(
      `${flag?.trim() ? "--app-slug" : env.TA_APP_SLUG?.trim() ? "TA_APP_SLUG" : "taskAssistant.appSlug"} ${JSON.stringify(slug)} is not an App slug`,
      {
        hint: "an App's slug is lower-case letters, digits and hyphens, as in its URL github.com/apps/<slug>",
      },
    );
  return slug;
}

/**
 * The loop guard an enforce run applies: our bot, and the circuit breaker's limits from
 * `--breaker-runs`/`--breaker-minutes`, else `$TA_BREAKER_RUNS`/`$TA_BREAKER_MINUTES`, else the
 * release's `taskAssistant.circuitBreaker`, else 5 runs in 10 minutes.
 */
export async function resolveLoopGuard(
  flags: { "app-slug"?: string; "breaker-runs"?: string; "breaker-minutes"?: string },
  env: Env,
): Promise<LoopGuard> {
  const slug = await resolveAppSlug(flags["app-slug"], env);
  const release = await releaseCircuitBreaker();
  const runs = positive("--breaker-runs", flags["breaker-runs"], "TA_BREAKER_RUNS", env);
  const minutes = positive("--breaker-minutes", flags["breaker-minutes"], "TA_BREAKER_MINUTES", env);
  return {
    app_slug: slug,
    max_runs: runs ?? release.runs ?? 5,
    window_minutes: minutes ?? release.minutes ?? 10,
  };
}

function positive(flag: string, value: string | undefined, variable: string, env: Env): number | undefined {
  const [name, text] = value?.trim() ? [flag, value.trim()] : [variable, env[variable]?.trim() ?? ""];
  if (text === "") return undefined;
  if (!/^[1-9]\d{0,4}$/.test(text))
    throw new UsageError(`${name} ${JSON.stringify(text)} is not a positive whole number`, {
      hint: `e.g. ${name === flag ? `${flag} 5` : `${variable}=5`}`,
    });
  return Number(text);
}
