import { ValidationError } from "../../errors.js";
import { findInfraRoot, readRegistryFile } from "../../registry/registry-store.js";
import type { RegistryV2 } from "../../registry/registry-types.js";
import { canonicalJson } from "../../util/canonical-json.js";
import { parseCommandArgs } from "../args.js";
import type { CliIO } from "../command.js";

/** `task-assistant infra list [--json]` */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(args, { json: { type: "boolean" } }, "infra list");
  const root = await findInfraRoot(io.cwd);
  const { snapshot, registrySha } = await readRegistryFile(root);
  if (snapshot.registry === undefined) {
    throw new ValidationError(
      "the registry is invalid; nothing is listed from a broken registry",
      snapshot.problems,
      {
        hint: "run `task-assistant infra validate` and fix the problems",
      },
    );
  }
  const listing = listRegistry(snapshot.registry, registrySha);
  io.stdout(values.json === true ? canonicalJson(listing) : describe(listing));
  return 0;
}

interface Listing {
  registry_sha: string;
  generated_at: string;
  orgs: {
    owner: string;
    telemetry_repo: string;
    repos: { repo: string; state: string; context: string; process: string; reason: string }[];
  }[];
}

function listRegistry(registry: RegistryV2, sha: string): Listing {
  return {
    registry_sha: sha,
    generated_at: registry.generated_at,
    orgs: Object.keys(registry.orgs)
      .sort(byCodePoint)
      .map((owner) => {
        const org = registry.orgs[owner];
        return {
          owner,
          telemetry_repo: org.telemetry_repo,
          repos: Object.keys(org.repos)
            .sort(byCodePoint)
            .map((repo) => ({ repo, ...org.repos[repo] })),
        };
      }),
  };
}

function describe(listing: Listing): string {
  if (listing.orgs.length === 0) return `no orgs registered (registry ${listing.registry_sha})\n`;
  const lines: string[] = [];
  for (const org of listing.orgs) {
    lines.push(`${org.owner}  (telemetry: ${org.telemetry_repo})`);
    const width = Math.max(...org.repos.map((repo) => repo.repo.length), 4);
    for (const repo of org.repos) {
      lines.push(
        `  ${repo.repo.padEnd(width)}  ${repo.state.padEnd(8)}  ${repo.context.padEnd(10)}  ${repo.reason}`,
      );
    }
  }
  lines.push(`registry ${listing.registry_sha}, generated ${listing.generated_at}`, "");
  return lines.join("\n");
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
