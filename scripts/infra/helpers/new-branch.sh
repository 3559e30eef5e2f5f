#!/usr/bin/env bash
# Creates and switches to a feature branch for an infra change (refuses a dirty tree, a detached HEAD, an existing branch).
# Usage: new-branch.sh NAME   (= task-assistant infra branch; see --help)
set -euo pipefail
# shellcheck source=../lib/task-assistant.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/task-assistant.sh"
task_assistant infra branch "$@"
