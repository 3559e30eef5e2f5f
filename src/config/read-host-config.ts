import type { GitHub } from "../github/octokit.js";
import type { HostConfig } from "./config-model.js";
import type { ConfigProblem, ConfigRule } from "./config-problems.js";
import { loadHostConfig, type ConfigLocation } from "./load-host-config.js";
import { validateConfig } from "./validate-config.js";
import { DEFAULT_YAML_LIMITS, fileTooLargeProblem } from "./yaml-limits.js";

interface Origin {
  path: string;
  ref?: string;
}

/** The target repository's config, read and validated: what every config-driven engine starts from. */
export type HostConfigRead =
  | (Origin & { status: "missing" })
  | (Origin & { status: "invalid"; sha: string; errors: ConfigProblem[]; checked: ConfigRule[] })
  | (Origin & { status: "valid"; sha: string; config: HostConfig; checked: ConfigRule[] });

/**
 * Loads `.github/task-assistant.yml` from the target repository (at `ref`, else the default
 * branch) and validates it. Problems are located in that file.
 */
export async function readHostConfig(github: GitHub, location: ConfigLocation): Promise<HostConfigRead> {
  const source = await loadHostConfig(github, location);
  if (source.status === "missing") return source;
  const origin = {
    path: source.path,
    ...(source.ref === undefined ? {} : { ref: source.ref }),
    sha: source.sha,
  };
  if (source.status === "too-large") {
    const problem = fileTooLargeProblem(source.path, source.bytes, DEFAULT_YAML_LIMITS.maxBytes);
    return {
      ...origin,
      status: "invalid",
      errors: [{ ...problem, rule: "config.limits" }],
      checked: ["config.limits"],
    };
  }
  const validation = validateConfig(source.text, { file: source.path });
  return "errors" in validation
    ? { ...origin, status: "invalid", errors: validation.errors, checked: validation.checked }
    : { ...origin, status: "valid", config: validation.value, checked: validation.checked };
}
