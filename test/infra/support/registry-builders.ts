import { canonicalJson } from "../../../src/util/canonical-json.js";
import type { RegistryV2, RepoEntry } from "../../../src/registry/registry-types.js";

/** A repo entry with sensible values; override what the scenario is about. */
export function aRepo(overrides: Partial<RepoEntry> = {}): RepoEntry {
  return {
    state: "enabled",
    context: "sandbox",
    process: "infra-cli",
    reason: "pilot repository",
    ...overrides,
  };
}

/**
 * A valid registry: org `acme` (telemetry `acme/telemetry`) with `widgets` (enabled, production)
 * and `gadgets` (disabled, sandbox), unless overridden.
 */
export function aRegistry(overrides: Partial<RegistryV2> = {}): RegistryV2 {
  return {
    schema_version: "2.0",
    generated_at: "2026-11-21T00:00:00Z",
    description: "test registry",
    orgs: {
      acme: {
        telemetry_repo: "acme/telemetry",
        repos: {
          widgets: aRepo({ context: "production", reason: "core product" }),
          gadgets: aRepo({ state: "disabled", reason: "paused for migration" }),
        },
      },
    },
    ...overrides,
  };
}

/** The registry as the CLI writes it. */
export function registryText(registry: RegistryV2 = aRegistry()): string {
  return canonicalJson(registry);
}

/** A registry of `orgCount` orgs × `repoCount` repos, half production, every tenth disabled. */
export function aLargeRegistry(orgCount: number, repoCount: number): RegistryV2 {
  const orgs: RegistryV2["orgs"] = {};
  for (let o = 0; o < orgCount; o++) {
    const owner = `org-${o}`;
    const repos: Record<string, RepoEntry> = {};
    for (let r = 0; r < repoCount; r++) {
      repos[`repo-${r}`] = aRepo({
        context: r % 2 === 0 ? "production" : "sandbox",
        state: r % 10 === 9 ? "disabled" : "enabled",
        reason: `registered for benchmark ${o}/${r}`,
      });
    }
    orgs[owner] = { telemetry_repo: `${owner}/task-assistant-telemetry`, repos };
  }
  return { schema_version: "2.0", generated_at: "2026-11-21T00:00:00Z", description: "generated", orgs };
}
