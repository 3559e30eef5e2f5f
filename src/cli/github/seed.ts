import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { ExternalError, UsageError, ValidationError, type Problem } from "../../errors.js";
import { validateSeed } from "../../emulator/seed/validate-seed.js";
import type { SeedResult } from "../../emulator/seed/seed-types.js";
import { resolveApiEndpoint, taskAssistantHome } from "../../github/endpoint.js";
import { unreachableCode } from "../../github/request-failure.js";
import { jsonOut, parseCommandArgs } from "../args.js";
import type { CliIO } from "../command.js";

const COMMAND = "github seed";

/** `task-assistant github seed FILE [--keys-dir DIR] [--json]`: adds a seed to the running local GitHub. */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { "keys-dir": { type: "string" }, json: { type: "boolean" } },
    COMMAND,
    { max: 1 },
  );
  const file = positionals[0];
  if (file === undefined) {
    throw new UsageError("github seed needs the seed FILE", {
      hint: "e.g. task-assistant github seed world.yml (format: schemas/emulator-seed.schema.json)",
    });
  }
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, file), "utf8");
  } catch (error) {
    throw new UsageError(`cannot read the seed file ${file}: ${(error as Error).message}`, {
      hint: "pass a YAML or JSON seed file (format: schemas/emulator-seed.schema.json)",
      cause: error,
    });
  }
  // Checked here first, so a bad seed is reported at its line:col and the server is not asked.
  const checked = validateSeed(text, file);
  if (checked.problems) {
    throw new ValidationError(`the seed ${file} is invalid; nothing was applied`, checked.problems, {
      hint: "see schemas/emulator-seed.schema.json for the format",
    });
  }

  const endpoint = await resolveApiEndpoint(io.env, (line) => io.stderr(line));
  if (endpoint.adminToken === undefined) {
    throw new UsageError(`${endpoint.apiUrl} is not a running local GitHub: only those can be seeded`, {
      hint: "start one with `task-assistant github start`, and unset GITHUB_API_URL or set it to that server's URL",
    });
  }
  const result = await postSeed(endpoint.apiUrl, endpoint.adminToken, text, file, io.signal);
  const keysDir = values["keys-dir"]
    ? resolve(io.cwd, values["keys-dir"])
    : join(taskAssistantHome(io.env), "apps");
  const apps = [];
  for (const app of result.apps) {
    const keyFile = join(keysDir, `${app.slug}-${app.id}.pem`);
    await mkdir(keysDir, { recursive: true, mode: 0o700 });
    await writeFile(keyFile, app.private_key, { mode: 0o600 });
    await chmod(keyFile, 0o600);
    apps.push({ id: app.id, slug: app.slug, client_id: app.client_id, private_key_file: keyFile });
  }

  if (values.json) {
    io.stdout(
      jsonOut({
        url: endpoint.apiUrl,
        gitUrl: endpoint.gitUrl,
        users: result.users,
        orgs: result.orgs,
        repos: result.repos,
        apps,
        installations: result.installations,
        tokens: result.tokens,
      }),
    );
    return 0;
  }
  const names = (items: string[]) => (items.length === 0 ? "(none)" : items.join(", "));
  io.stdout(
    [
      `seeded the local GitHub at ${endpoint.apiUrl} from ${file}`,
      `  users:          ${names(result.users.map((user) => user.login))}`,
      `  orgs:           ${names(result.orgs.map((org) => org.login))}`,
      `  repositories:   ${names(result.repos.map((repo) => repo.full_name))}`,
      ...apps.map(
        (app) =>
          `  App:            ${app.slug}: TA_APP_ID=${app.id} TA_APP_PRIVATE_KEY_FILE=${app.private_key_file}`,
      ),
      ...result.installations.map(
        (installation) =>
          `  installation:   ${installation.id} (App ${installation.app_id} on ${installation.account})`,
      ),
      ...result.tokens.map((token) => `  token:          ${token.token} (${token.user})`),
      `  git:            ${endpoint.gitUrl}/<owner>/<repo>.git (user x-access-token, a token as password)`,
      "",
    ].join("\n"),
  );
  return 0;
}

async function postSeed(
  url: string,
  adminToken: string,
  text: string,
  file: string,
  signal: AbortSignal,
): Promise<SeedResult> {
  let response: Response;
  try {
    response = await fetch(`${url}/_emulator/seed`, {
      method: "POST",
      headers: { authorization: `token ${adminToken}`, "content-type": "application/yaml" },
      body: text,
      signal,
    });
  } catch (error) {
    const code = unreachableCode(error);
    throw new ExternalError(`cannot reach the local GitHub at ${url}: ${code ?? (error as Error).message}`, {
      hint: "is `task-assistant github start` still running?",
      cause: error,
    });
  }
  const body = (await response.json().catch(() => ({}))) as {
    message?: string;
    errors?: Array<{ path: string; message: string; line?: number; col?: number }>;
  };
  if (response.status === 422) {
    const problems: Problem[] = (body.errors ?? []).map((problem) => ({ ...problem, file }));
    throw new ValidationError(
      `the seed ${file} was refused: ${body.message ?? "invalid"}; nothing was applied`,
      problems,
      {
        hint: "a seed may refer only to accounts, repositories and Apps it creates or the server already has",
      },
    );
  }
  if (!response.ok) {
    throw new ExternalError(
      `the local GitHub at ${url} answered HTTP ${response.status}: ${body.message ?? ""}`,
      {
        status: response.status,
      },
    );
  }
  return body as unknown as SeedResult;
}
