import { appendFile, cp, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.js";
import { EmulatorState } from "../../src/emulator/state/emulator-state.js";
import { replayJournal } from "../../src/emulator/state/journal-record.js";
import { cloneJson, jsonEqual } from "../../src/emulator/state/json-equal.js";
import { loadState, parseJournal } from "../../src/emulator/state/state-files.js";
import { StateShadow } from "../../src/emulator/state/state-shadow.js";
import type { Issue, StateSnapshot } from "../../src/emulator/state/types.js";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";

const SEED = {
  users: [{ login: "alice" }],
  repos: [{ name: "alice/notes", labels: [{ name: "kept" }] }],
  tokens: [{ token: "ghp_alice_0001", user: "alice" }],
};

function anIssue(overrides: Partial<Issue> = {}): Issue {
  return {
    id: 5000,
    number: 1,
    title: "a",
    body: null,
    userId: 1000,
    state: "open",
    stateReason: null,
    labelIds: [],
    milestoneNumber: null,
    assigneeIds: [],
    locked: false,
    createdAt: 0,
    updatedAt: 0,
    closedAt: null,
    closedById: null,
    isPull: false,
    authorAssociation: "OWNER",
    comments: [],
    events: [],
    ...overrides,
  };
}

function aSnapshot(issues: Issue[] = []): StateSnapshot {
  return {
    version: 1,
    adminToken: "admin",
    nextId: 2000,
    accounts: [
      { id: 1000, login: "alice", type: "User", name: null, email: null, siteAdmin: false, createdAt: 0 },
    ],
    repos: [
      {
        id: 1001,
        ownerId: 1000,
        name: "notes",
        private: false,
        description: null,
        homepage: null,
        defaultBranch: "main",
        archived: false,
        createdAt: 0,
        updatedAt: 0,
        pushedAt: null,
        collaborators: {},
        labels: [],
        milestones: [],
        issues,
        pulls: [],
        protections: {},
        nextMilestoneNumber: 1,
      },
    ],
    apps: [],
    installations: [],
    tokens: [],
    limits: {
      primaryPerHour: 1,
      unauthenticatedPerHour: 1,
      contentCreationPerMinute: 1,
      contentCreationPerHour: 1,
    },
  };
}

describe("JSON equality for change detection", () => {
  it("sees a change deep inside arrays and objects, and treats undefined members as absent", () => {
    const issue = anIssue({ comments: [{ id: 1, body: "x", userId: 1, createdAt: 0, updatedAt: 0 }] });
    const copy = cloneJson(issue);
    expect(jsonEqual(issue, copy)).toBe(true);
    copy.comments[0].body = "y";
    expect(jsonEqual(issue, copy)).toBe(false);
    expect(jsonEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(jsonEqual([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(jsonEqual({ a: 1, issues: [1] }, { a: 1, issues: [2] }, "issues")).toBe(true);
  });
});

describe("the state shadow", () => {
  it("reports a changed comment, a new issue and a new token as entities, and nothing the second time", () => {
    const snapshot = aSnapshot([
      anIssue({ comments: [{ id: 7, body: "x", userId: 1000, createdAt: 0, updatedAt: 0 }] }),
    ]);
    const state = new EmulatorState(cloneJson(snapshot));
    const shadow = new StateShadow(cloneJson(snapshot));
    const repo = state.repoById(1001)!;
    repo.issues[0].comments[0].body = "edited";
    repo.issues.push(anIssue({ id: state.nextId(), number: 2, title: "b" }));
    state.addToken({ token: "ghp_x", kind: "user", userId: 1000, createdAt: 0 });

    const changes = shadow.diff(state, new Set([1001]));
    expect(changes?.issues?.map(({ issue }) => issue.number)).toEqual([1, 2]);
    expect(changes?.repos?.map((header) => header.issueCount)).toEqual([2]);
    expect(changes?.tokens?.map((token) => token.token)).toEqual(["ghp_x"]);
    expect(changes?.meta?.nextId).toBe(2001);
    expect(shadow.diff(state, "all")).toBeUndefined();
  });

  it("replays to the same state it was taken from", () => {
    const snapshot = aSnapshot([anIssue()]);
    const state = new EmulatorState(cloneJson(snapshot));
    const shadow = new StateShadow(cloneJson(snapshot));
    const repo = state.repoById(1001)!;
    repo.issues[0].labelIds.push(3);
    repo.issues.push(anIssue({ id: state.nextId(), number: 2 }));
    repo.labels.push({ id: 3, name: "red", color: "ff0000", description: null, isDefault: false });
    const first = { seq: 1, ...shadow.diff(state, new Set([1001])) };
    state.removeRepo(repo);
    const second = { seq: 2, ...shadow.diff(state, "all") };

    const afterFirst = replayJournal(cloneJson(snapshot), [first]);
    expect(
      new StateShadow(afterFirst).diff(new EmulatorState(replayJournal(cloneJson(snapshot), [first])), "all"),
    ).toBeUndefined();
    expect(afterFirst.repos[0].issues.map((issue) => issue.labelIds)).toEqual([[3], []]);
    expect(replayJournal(cloneJson(snapshot), [first, second]).repos).toEqual([]);
    // Lines the snapshot already holds are not applied again.
    expect(replayJournal({ ...cloneJson(snapshot), journalSeq: 2 }, [first, second]).repos).toHaveLength(1);
  });
  it("journals the OIDC issuer's keys when they change, and replays them", () => {
    const snapshot = aSnapshot();
    const state = new EmulatorState(cloneJson(snapshot));
    const shadow = new StateShadow(cloneJson(snapshot));
    expect(shadow.diff(state, "all")).toBeUndefined();
    const key = { kid: "k1", privateKeyPem: "-----BEGIN PRIVATE KEY-----", createdAt: 5 };
    state.oidcKeys = [key];
    const line = { seq: 1, ...shadow.diff(state, "all") };
    expect(line.oidcKeys).toEqual([key]);
    expect(shadow.diff(state, "all")).toBeUndefined();
    expect(replayJournal(cloneJson(snapshot), [line]).oidcKeys).toEqual([key]);
  });
});

describe("the journal file", () => {
  it("leaves out a torn last line and refuses a damaged line with good lines after it, naming file:line", () => {
    const good = `${JSON.stringify({ seq: 1 })}\n${JSON.stringify({ seq: 2 })}\n`;
    expect(parseJournal(`${good}{"seq":3,"iss`)).toMatchObject({
      records: [{ seq: 1 }, { seq: 2 }],
      tornBytes: 13,
    });
    expect(parseJournal(`${good}\u0000\u0000\u0000\n`).records).toHaveLength(2);
    let refused: unknown;
    try {
      parseJournal(`{"seq":1}\n{"seq":2,"x\n{"seq":3}\n`, "dir/state.journal");
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as Error).message).toContain("dir/state.journal:2:1");
  });
});

describe("the local GitHub's state dir", () => {
  let stateDir: string;
  let github: TestGitHub | undefined;

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), "local-github-journal-"));
  });
  afterEach(async () => {
    await github?.stop();
    github = undefined;
    await rm(stateDir, { recursive: true, force: true });
  });

  it("holds a write on disk by the time its response arrives, before any snapshot", async () => {
    github = await startTestGitHub(SEED, { stateDir });
    const octokit = github.client("ghp_alice_0001");
    const { data } = await octokit.rest.issues.create({
      owner: "alice",
      repo: "notes",
      title: "now",
      labels: ["kept"],
    });

    // Read the directory as a restart after kill -9 would, while the server still runs.
    const onDisk = await loadState(stateDir);
    const issue = onDisk?.repos.find((repo) => repo.name === "notes")?.issues[data.number - 1];
    expect(issue).toMatchObject({ title: "now", labelIds: [expect.any(Number)] });
    expect(onDisk?.nextId).toBeGreaterThan(data.id);
    expect((await stat(join(stateDir, "state.journal"))).size).toBeGreaterThan(0);
  });

  it("compacts a grown journal into the snapshot and starts again from both", async () => {
    github = await startTestGitHub(SEED, { stateDir, compactBytes: 2048 });
    const octokit = github.client("ghp_alice_0001");
    for (let index = 1; index <= 12; index += 1) {
      await octokit.rest.issues.create({
        owner: "alice",
        repo: "notes",
        title: `issue ${index} ${"x".repeat(200)}`,
      });
    }
    // The last write may have started a compaction; an admin write is answered once it is durable,
    // which is after that compaction, so the two files below are read at rest.
    await github.clearFaults();
    const snapshot = JSON.parse(await readFile(join(stateDir, "state.json"), "utf8")) as StateSnapshot;
    expect(snapshot.journalSeq).toBeGreaterThan(0);
    // The journal holds only what came after the snapshot.
    const journal = parseJournal(await readFile(join(stateDir, "state.journal"), "utf8"));
    for (const record of journal.records) expect(record.seq).toBeGreaterThan(snapshot.journalSeq!);
    const onDisk = await loadState(stateDir);
    expect(onDisk?.repos.find((repo) => repo.name === "notes")?.issues).toHaveLength(12);
  });

  it("starts after a crash cut the last journal line short, and appends after the good lines", async () => {
    github = await startTestGitHub(SEED, { stateDir });
    await github
      .client("ghp_alice_0001")
      .rest.issues.create({ owner: "alice", repo: "notes", title: "kept" });
    // What kill -9 in the middle of the next append leaves: the files as they are, plus half a line.
    const crashed = await mkdtemp(join(tmpdir(), "local-github-crashed-"));
    await cp(stateDir, crashed, { recursive: true });
    await appendFile(join(crashed, "state.journal"), '{"seq":999,"issues":[{"repo":1');
    await github.stop();
    github = undefined;
    await rm(stateDir, { recursive: true, force: true });
    stateDir = crashed;

    github = await startTestGitHub(undefined, { stateDir });
    const next = await github
      .client("ghp_alice_0001")
      .rest.issues.create({ owner: "alice", repo: "notes", title: "after" });
    expect(next.data.number).toBe(2);
    const onDisk = await loadState(stateDir);
    expect(onDisk?.repos.find((repo) => repo.name === "notes")?.issues.map((issue) => issue.title)).toEqual([
      "kept",
      "after",
    ]);
  });

  it("refuses to start on a journal damaged in the middle, naming the file and line", async () => {
    github = await startTestGitHub(SEED, { stateDir });
    await github.stop();
    github = undefined;
    await appendFile(join(stateDir, "state.journal"), '{"seq":1,"x\n{"seq":2}\n');
    await expect(startTestGitHub(undefined, { stateDir })).rejects.toThrow(/state\.journal:1:1/);
  });
});
