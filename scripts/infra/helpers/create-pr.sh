#!/usr/bin/env bash
# Pushes the feature branch and opens its pull request against main (GH_TOKEN or GITHUB_TOKEN).
# Usage: create-pr.sh   (= task-assistant infra pr create; see --help)
set -euo pipefail
# shellcheck source=../lib/task-assistant.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/task-assistant.sh"
task_assistant infra pr create "$@"
