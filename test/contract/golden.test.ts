import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGitHub, type SeedInput, type TestGitHub } from "../support/local-github.js";
import { compareKeySets, matchesPointer, type ShapeDifference } from "./key-sets.js";
import {
  GOLDEN_SCENARIOS,
  loadScenario,
  type RecordedExchange,
  type ScenarioName,
} from "./recorded-scenarios.js";

/**
 * Golden tests: the requests @octokit/fixtures recorded against api.github.com are replayed, in
 * order, against a local GitHub seeded like the recorded organisation; each answer must have the
 * recorded status, the recorded key set in every object, the recorded Link relations and, for raw
 * representations, the recorded text.
 */

/** The token the recordings were made with (normalised by @octokit/fixtures), seeded as user-a's. */
const TOKEN = "0000000000000000000000000000000000000001";
const ORG = "octokit-fixture-org";
const USER = "octokit-fixture-user-a";

/** The recorded organisation, as far as the scenarios read it. */
const seed: SeedInput = {
  users: [{ login: USER }],
  orgs: [{ login: ORG, members: [{ login: USER, role: "admin" }] }],
  repos: [
    { name: `${ORG}/labels`, default_labels: true },
    { name: `${ORG}/git-refs`, files: { "README.md": "# git-refs\n" } },
    // Recorded on an empty repository: the created commit has no parents.
    { name: `${ORG}/create-file` },
    {
      name: `${ORG}/paginate-issues`,
      issues: Array.from({ length: 13 }, (_, index) => ({
        title: `Test issue ${index + 1}`,
        created_at: `2017-10-10T16:${String(index).padStart(2, "0")}:00Z`,
      })),
    },
    { name: `${ORG}/errors` },
    { name: `${ORG}/hello-world`, files: { "README.md": "# hello-world" } },
    { name: `${ORG}/add-labels-to-issue` },
  ],
  tokens: [{ user: USER, token: TOKEN }],
};

type Intended = { at: string; kind: ShapeDifference["kind"]; reason: string };

/**
 * Differences from the recordings that are intended, each with its reason. The recordings date
 * from 2017–2020; GitHub has added fields since, which today's REST description (the contract the
 * local GitHub is also held to) lists, so the local GitHub sends them.
 */
const INTENDED_EVERYWHERE: Intended[] = [
  { at: "**/user_view_type", kind: "extra", reason: "added to every user object in 2024 (simple-user)" },
];
const INTENDED: Partial<Record<ScenarioName, Intended[]>> = {
  "paginate-issues": [
    { at: "/*/closed_by", kind: "extra", reason: "today's description lists closed_by on listed issues" },
  ],
  "create-file": [
    { at: "/commit/verification/verified_at", kind: "extra", reason: "added to commit verification in 2024" },
  ],
  errors: [{ at: "/status", kind: "extra", reason: "GitHub's error bodies carry the status since 2023" }],
  "get-repository": [
    { at: "/has_discussions", kind: "extra", reason: "added in 2022; required by today's description" },
    { at: "/merge_commit_title", kind: "extra", reason: "added in 2022 (full-repository)" },
    { at: "/merge_commit_message", kind: "extra", reason: "added in 2022 (full-repository)" },
    { at: "/squash_merge_commit_title", kind: "extra", reason: "added in 2022 (full-repository)" },
    { at: "/squash_merge_commit_message", kind: "extra", reason: "added in 2022 (full-repository)" },
    {
      at: "/topics",
      kind: "length",
      reason: "the recorded repository had three topics; the local GitHub does not model topics (always [])",
    },
  ],
};

/** Per-scenario preparation the seed cannot express; returns the placeholder SHAs it stands for. */
const PREPARE: Partial<Record<ScenarioName, (github: TestGitHub) => Promise<ShaMap>>> = {
  // Recorded on a repository whose main (placeholder 1) has a parent (placeholder 2): the recording
  // creates a branch at the parent and fast-forwards it to main.
  "git-refs": async (github) => {
    const parent = await send(github, "GET", `/repos/${ORG}/git-refs/git/ref/heads/main`, "application/json");
    const update = await send(
      github,
      "PUT",
      `/repos/${ORG}/git-refs/contents/CHANGELOG.md`,
      "application/json",
      {
        message: "Add a changelog",
        content: Buffer.from("# Changelog\n").toString("base64"),
      },
    );
    expect([parent.status, update.status]).toEqual([200, 201]);
    return new Map([
      ["0000000000000000000000000000000000000002", (parent.body as { object: { sha: string } }).object.sha],
      ["0000000000000000000000000000000000000001", (update.body as { commit: { sha: string } }).commit.sha],
    ]);
  },
};

interface Replayed {
  status: number;
  headers: Headers;
  body: unknown;
}

/** Placeholder SHAs of the recordings → the local repository's commits they stand for. */
type ShaMap = Map<string, string>;

async function send(github: TestGitHub, method: string, path: string, accept: string, body?: unknown) {
  const response = await fetch(`${github.url}${path}`, {
    method,
    headers: {
      accept,
      authorization: `token ${TOKEN}`,
      ...(body === undefined ? {} : { "content-type": "application/json; charset=utf-8" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json = /json/.test(response.headers.get("content-type") ?? "");
  const parsed: unknown = json && text !== "" ? JSON.parse(text) : text;
  return { status: response.status, headers: response.headers, body: parsed };
}

/** Replays a scenario's requests in order; later pages follow the local GitHub's own `next` link. */
async function replay(github: TestGitHub, exchanges: RecordedExchange[], shas: ShaMap): Promise<Replayed[]> {
  const replies: Replayed[] = [];
  for (const exchange of exchanges) {
    let path = exchange.path;
    if (path.startsWith("/repositories/")) {
      const next = nextLink(replies.at(-1)?.headers.get("link"));
      if (next === undefined) throw new Error(`the previous page had no next link; recorded ${path}`);
      path = next;
    }
    const body =
      exchange.requestBody === ""
        ? undefined
        : (JSON.parse(
            JSON.stringify(exchange.requestBody).replace(/\b0{39}\d\b/g, (sha) => shas.get(sha) ?? sha),
          ) as unknown);
    const accept = exchange.requestHeaders.accept ?? "application/vnd.github.v3+json";
    replies.push(await send(github, exchange.method, path, accept, body));
  }
  return replies;
}

function nextLink(link: string | null | undefined): string | undefined {
  const match = /<([^>]+)>;\s*rel="next"/.exec(link ?? "");
  if (!match) return undefined;
  const url = new URL(match[1]);
  return url.pathname + url.search;
}

function linkRelations(link: string | null | undefined): string[] {
  return [...(link ?? "").matchAll(/rel="(\w+)"/g)].map((match) => match[1]).sort();
}

/** Every way a replayed exchange differs from its recording, intended differences left out. */
function differences(scenario: ScenarioName, recorded: RecordedExchange, replayed: Replayed): string[] {
  const label = `${recorded.method} ${recorded.path}`;
  if (replayed.status !== recorded.status) {
    return [
      `${label}: status ${replayed.status}, recorded ${recorded.status} (${JSON.stringify(replayed.body)})`,
    ];
  }
  const found: string[] = [];
  const recordedRels = linkRelations(recorded.headers.link);
  const replayedRels = linkRelations(replayed.headers.get("link"));
  if (recordedRels.join() !== replayedRels.join()) {
    found.push(
      `${label}: Link relations [${replayedRels.join(", ")}], recorded [${recordedRels.join(", ")}]`,
    );
  }
  if (typeof recorded.body === "string" && recorded.body !== "") {
    if (replayed.body !== recorded.body) {
      found.push(
        `${label}: body ${JSON.stringify(replayed.body)}, recorded ${JSON.stringify(recorded.body)}`,
      );
    }
    return found;
  }
  const intended = [...INTENDED_EVERYWHERE, ...(INTENDED[scenario] ?? [])];
  for (const difference of compareKeySets(recorded.body, replayed.body)) {
    if (intended.some((i) => i.kind === difference.kind && matchesPointer(i.at, difference.at))) continue;
    found.push(
      `${label}: ${difference.kind} ${difference.at}${difference.detail ? ` (${difference.detail})` : ""}`,
    );
  }
  return found;
}

describe("the local GitHub answers the recorded api.github.com scenarios with the recorded shapes", () => {
  let github: TestGitHub;

  beforeAll(async () => {
    github = await startTestGitHub(seed);
  });

  afterAll(async () => {
    await github?.stop();
  });

  it.each(GOLDEN_SCENARIOS)("%s", async (scenario) => {
    const recorded = loadScenario(scenario);
    const shas = (await PREPARE[scenario]?.(github)) ?? new Map<string, string>();
    const replayed = await replay(github, recorded, shas);

    expect(replayed).toHaveLength(recorded.length);
    expect(recorded.flatMap((exchange, index) => differences(scenario, exchange, replayed[index]))).toEqual(
      [],
    );
  });
});
