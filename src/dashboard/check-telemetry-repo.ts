import { UsageError } from "../errors.js";
import { sameGitHubName } from "../registry/github-names.js";
import type { RegistryV2 } from "../registry/registry-types.js";

/**
 * Whether `telemetryRepo` (`owner/name`) is the telemetry repository the registry names for its
 * org. Pure. Throws `UsageError` naming the repository the registry does name (or that the org is
 * not registered), so `dashboard build` publishes into nothing else.
 *
 * @example checkRegisteredTelemetryRepo(registry, "acme/telemetry") // ok, returns "acme"
 */
export function checkRegisteredTelemetryRepo(registry: RegistryV2, telemetryRepo: string): string {
  const [owner, name] = telemetryRepo.split("/");
  const org = Object.keys(registry.orgs).find((login) => sameGitHubName(login, owner));
  if (org === undefined) {
    throw new UsageError(
      `${telemetryRepo} is not the telemetry repository of a registered org: ${owner} is not in the registry`,
      {
        hint: "name the telemetry repository of an org the registry lists; nothing was published",
      },
    );
  }
  const registered = registry.orgs[org].telemetry_repo;
  const [registeredOwner, registeredName] = registered.split("/");
  if (!sameGitHubName(registeredOwner, owner) || !sameGitHubName(registeredName, name)) {
    throw new UsageError(
      `${telemetryRepo} is not the telemetry repository of ${org}: the registry names ${registered}`,
      { hint: `pass --repo ${registered}; nothing was published` },
    );
  }
  return org;
}
