#!/usr/bin/env bash
# The infra registry's mutation interface: `infra.sh <subcommand> [options]` runs
# `task-assistant infra <subcommand> [options]` (register, enable, disable, unregister, validate,
# resolve, list, branch, finalize, pr create, pr merge, abort, init). Run it inside a checkout of
# the infra repository; `infra.sh <subcommand> --help` explains each subcommand.
set -euo pipefail
# shellcheck source=lib/task-assistant.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/task-assistant.sh"
task_assistant infra "$@"
