import type { WorkflowJob, WorkflowTemplate } from "@actions/workflow-parser/model/workflow-template";
import type { MappingToken } from "@actions/workflow-parser/templates/tokens/mapping-token";
import type { TemplateToken } from "@actions/workflow-parser/templates/tokens/template-token";
import type { FileReference } from "@actions/workflow-parser/workflows/file-reference";
import { formatProblem, ValidationError, type Problem } from "../errors.js";
import { findOutputReferences } from "./find-output-references.js";
import { loadActionsToolkit, type ActionsToolkit } from "./load-actions-toolkit.js";
import type { WorkflowFile, WorkflowFiles } from "./workflow-files.js";

/** GitHub.com connects at most ten levels of workflows: the caller and nine reusable ones. */
export const MAX_WORKFLOW_LEVELS = 10;

/** A workflow parsed and converted by GitHub's parser, with what the runner needs beside it. */
export interface LoadedWorkflow {
  file: WorkflowFile;
  /** The display name used in problems and logs: the path, or `owner/repo/path@ref` when remote. */
  displayName: string;
  template: WorkflowTemplate;
  root: MappingToken;
  /** Each job's mapping as written, for keys the converted model leaves out (permissions, timeout-minutes, step `with`). */
  rawJobs: ReadonlyMap<string, MappingToken>;
  /** For each job that calls a reusable workflow: that workflow's file as read. */
  callees: ReadonlyMap<string, WorkflowFile>;
  /** 1 for the workflow an event started, 2 for a workflow it calls, ... */
  level: number;
  toolkit: ActionsToolkit;
}

/** A reference `uses:` names: `./path` in the caller's repository, or `owner/repo/path@ref`. */
export function resolveWorkflowReference(
  caller: WorkflowFile,
  uses: string,
): { repository: string; path: string; ref: string } {
  if (uses.startsWith("./")) return { repository: caller.repository, path: uses.slice(2), ref: caller.sha };
  const match = /^([^/@]+)\/([^/@]+)\/([^@]+)@(.+)$/.exec(uses);
  if (!match) throw new Error(`cannot read the reusable workflow reference ${uses}`);
  const [, owner, repo, path, ref] = match as unknown as [string, string, string, string, string];
  return { repository: `${owner}/${repo}`, path, ref };
}

function displayNameOf(file: WorkflowFile, root: WorkflowFile | undefined): string {
  return root === undefined || file.repository === root.repository
    ? file.path
    : `${file.repository}/${file.path}@${file.ref.replace(/^refs\/(heads|tags)\//, "")}`;
}

function problemAt(file: string, token: TemplateToken | undefined, message: string): Problem {
  return { path: "", file, line: token?.range?.start.line, col: token?.range?.start.column, message };
}

function mappingKeys(mapping: TemplateToken | undefined, toolkit: ActionsToolkit): Set<string> {
  const keys = new Set<string>();
  if (mapping === undefined || !toolkit.parser.isMapping(mapping)) return keys;
  for (const { key } of mapping) if (toolkit.parser.isString(key)) keys.add(key.value.toLowerCase());
  return keys;
}

function* expressionsIn(
  token: TemplateToken,
  toolkit: ActionsToolkit,
): Generator<{ token: TemplateToken; expression: string }> {
  const { parser } = toolkit;
  if (parser.isBasicExpression(token)) {
    yield { token, expression: token.expression };
  } else if (parser.isMapping(token)) {
    for (const { key, value } of token) {
      yield* expressionsIn(key, toolkit);
      yield* expressionsIn(value, toolkit);
    }
  } else if (parser.isSequence(token)) {
    for (const item of token) yield* expressionsIn(item, toolkit);
  }
}

/**
 * The wiring the parser does not check: every `needs.<job>.outputs.<name>` names an output that job
 * declares (for a reusable workflow, in its `on.workflow_call.outputs`), and every
 * `jobs.<job>.outputs.<name>` in a reusable workflow's outputs names an output of one of its jobs.
 */
function checkOutputWiring(workflow: LoadedWorkflow): Problem[] {
  const { toolkit } = workflow;
  const problems: Problem[] = [];
  const jobs = new Map<string, WorkflowJob>(workflow.template.jobs.map((job) => [job.id.value, job]));
  const declared = (job: WorkflowJob): Set<string> => mappingKeys(job.outputs, toolkit);
  const check = (token: TemplateToken, context: "needs" | "jobs"): void => {
    for (const { token: at, expression } of expressionsIn(token, toolkit)) {
      for (const reference of findOutputReferences(expression)) {
        if (reference.context !== context) continue;
        const job = jobs.get(reference.job);
        if (job === undefined) {
          problems.push(
            problemAt(workflow.displayName, at, `${context}.${reference.job} names no job of this workflow`),
          );
          continue;
        }
        if (
          job.type === "reusableWorkflowJob" &&
          job.outputs === undefined &&
          !workflow.callees.has(job.id.value)
        )
          continue;
        if (!declared(job).has(reference.output.toLowerCase())) {
          const where =
            job.type === "reusableWorkflowJob"
              ? `the reusable workflow ${job.ref.value} does not declare output ${reference.output} in on.workflow_call.outputs`
              : `job ${reference.job} does not declare output ${reference.output} in its outputs`;
          problems.push(
            problemAt(
              workflow.displayName,
              at,
              `${context}.${reference.job}.outputs.${reference.output}: ${where}`,
            ),
          );
        }
      }
    }
  };
  for (const { key, value } of workflow.root) {
    if (toolkit.parser.isString(key) && key.value === "jobs") check(value, "needs");
  }
  const on = workflow.root.find("on");
  const call = on !== undefined && toolkit.parser.isMapping(on) ? on.find("workflow_call") : undefined;
  const outputs = call !== undefined && toolkit.parser.isMapping(call) ? call.find("outputs") : undefined;
  if (outputs !== undefined) check(outputs, "jobs");
  return problems;
}

/**
 * Reads, parses and converts a workflow with `@actions/workflow-parser`, reading the reusable
 * workflows its jobs call so that the parser checks their inputs and secrets, then checks the
 * output wiring. Throws a `ValidationError` listing every problem with `file:line:col`.
 *
 * @example const workflow = await loadWorkflow(files, await files.read("acme/app", ".github/workflows/ci.yml", "main"));
 */
export async function loadWorkflow(
  files: WorkflowFiles,
  file: WorkflowFile,
  options: { level?: number; root?: WorkflowFile; maxLevels?: number } = {},
): Promise<LoadedWorkflow> {
  const toolkit = await loadActionsToolkit();
  const level = options.level ?? 1;
  const maxLevels = options.maxLevels ?? MAX_WORKFLOW_LEVELS;
  const displayName = displayNameOf(file, options.root ?? file);
  const callees = new Map<string, WorkflowFile>();
  const readByUses = new Map<string, WorkflowFile>();
  const parsed = toolkit.parser.parseWorkflow(
    { name: displayName, content: file.content },
    new toolkit.parser.NoOperationTraceWriter(),
  );
  const fileProvider = {
    async getFileContent(reference: FileReference) {
      const uses =
        "repository" in reference
          ? `${reference.owner}/${reference.repository}/${reference.path}@${reference.version}`
          : `./${reference.path}`;
      const target = resolveWorkflowReference(file, uses);
      const read = await files.read(target.repository, target.path, target.ref);
      // A workflow of the same repository runs at the caller's commit and is named by the caller's ref.
      const callee = uses.startsWith("./") ? { ...read, ref: file.ref, sha: file.sha } : read;
      readByUses.set(uses, callee);
      return { name: displayNameOf(callee, options.root ?? file), content: callee.content };
    },
  };
  const problems: Problem[] = [];
  let template: WorkflowTemplate | undefined;
  if (parsed.value !== undefined) {
    template = await toolkit.parser.convertWorkflowTemplate(parsed.context, parsed.value, fileProvider, {
      fetchReusableWorkflowDepth: level < maxLevels ? 1 : 0,
      maxReusableWorkflowDepth: level < maxLevels ? maxLevels - level : 0,
    });
  }
  for (const error of parsed.context.errors.getErrors()) {
    const match = /^(.*?) \(Line: (\d+), Col: (\d+)\)$/.exec(error.prefix ?? "");
    problems.push({
      path: "",
      file: match ? match[1] : error.prefix || displayName,
      line: match ? Number(match[2]) : error.range?.start.line,
      col: match ? Number(match[3]) : error.range?.start.column,
      message: error.rawMessage,
    });
  }
  if (template === undefined || parsed.value === undefined || problems.length > 0) {
    throw new ValidationError(
      `${displayName} is not a valid workflow:\n${problems.map(formatProblem).join("\n")}`,
      problems,
      {
        hint: "fix the workflow file at the positions listed",
      },
    );
  }
  const root = parsed.value.assertMapping("workflow root");
  const rawJobs = new Map<string, MappingToken>();
  const jobsToken = root.find("jobs");
  if (jobsToken !== undefined && toolkit.parser.isMapping(jobsToken)) {
    for (const { key, value } of jobsToken) {
      if (toolkit.parser.isString(key) && toolkit.parser.isMapping(value)) rawJobs.set(key.value, value);
    }
  }
  for (const job of template.jobs ?? []) {
    if (job.type !== "reusableWorkflowJob") continue;
    const callee = readByUses.get(job.ref.value);
    if (callee !== undefined) callees.set(job.id.value, callee);
  }
  const workflow: LoadedWorkflow = { file, displayName, template, root, rawJobs, callees, level, toolkit };
  const wiring = checkOutputWiring(workflow);
  if (wiring.length > 0) {
    throw new ValidationError(
      `${displayName} is not wired correctly:\n${wiring.map(formatProblem).join("\n")}`,
      wiring,
      {
        hint: "declare the output where it is produced, or read one that exists",
      },
    );
  }
  return workflow;
}
