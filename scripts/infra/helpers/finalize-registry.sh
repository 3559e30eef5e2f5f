#!/usr/bin/env bash
# Validates the registry change against main and stages the registry and changelog.
# Usage: finalize-registry.sh   (= task-assistant infra finalize; see --help)
set -euo pipefail
# shellcheck source=../lib/task-assistant.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/task-assistant.sh"
task_assistant infra finalize "$@"
