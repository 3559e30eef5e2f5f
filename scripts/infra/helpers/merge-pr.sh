#!/usr/bin/env bash
# Re-validates the pull request's head through the API, squash-merges it, deletes the branch, updates main.
# Usage: merge-pr.sh [N]   (= task-assistant infra pr merge; see --help)
set -euo pipefail
# shellcheck source=../lib/task-assistant.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/task-assistant.sh"
task_assistant infra pr merge "$@"
