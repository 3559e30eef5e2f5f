import type { CommandTable } from "../command.js";
import { CONFIG_SCHEMA_URL } from "../../config/config-model.js";

export const commands: CommandTable = {
  validate: {
    summary: "check a .github/task-assistant.yml against config v1 (exit 0 valid, 2 invalid)",
    usage: `Usage: task-assistant config validate [FILE] [--json]

Checks a Task Assistant host configuration against config v1: YAML syntax, schema_version,
required and unknown keys, value types, colours (six hex digits, no '#'), exclusivity modes and
strategies, duplicate track ids, labels (case-insensitive) and milestone titles, and references
(phase_milestones and terminal states must name declared labels and milestones), and invisible or
bidirectional-control characters in names and titles. Every problem is printed as file:line:col,
its JSON pointer and how to fix it; after the first 50, a count of the rest.

Limits, checked before the work they bound (a config is read from pull-request heads, so its
author may be anyone who can open a pull request): at most 256 KiB, 50,000 YAML values (also once
aliases are expanded), 1,000 aliases and 64 levels of nesting.

Arguments:
  FILE      the file to check (default: .github/task-assistant.yml)

Options:
  --json    print { ok, file, errors: [{ path, message, file, line, col, hint }] } on stdout
            (the first 50 errors; errors_omitted counts the rest)

Inside GitHub Actions (GITHUB_ACTIONS=true) each problem is also an ::error annotation on the file,
and a table of problems is appended to the job summary ($GITHUB_STEP_SUMMARY).

Editors check and complete the file as you type with this first line:
  # yaml-language-server: $schema=${CONFIG_SCHEMA_URL}

Exit codes: 0 valid · 2 invalid, or the file cannot be read
`,
    load: () => import("../config/validate.js"),
  },
};
