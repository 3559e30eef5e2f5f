#!/usr/bin/env bash
# Abandons the feature branch
# Usage:  discards its registry change, switches to main, deletes the branch.:abort.sh   (= task-assistant infra abort; see --help)
set -euo pipefail
# shellcheck source=../lib/task-assistant.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/task-assistant.sh"
task_assistant infra abort "$@"
