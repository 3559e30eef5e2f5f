# Sourced by the infra wrappers: runs the task-assistant CLI, preferring the build of the
# checkout these scripts belong to (dist/cli/bin.js), else `task-assistant` on PATH.
# Arguments are passed through untouched; the working directory is left as the caller's
# (the CLI finds the infra checkout from it).

task_assistant() {
  local scripts_dir repo_root bin
  scripts_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  repo_root="$(cd "$scripts_dir/../.." && pwd)"
  bin="$repo_root/dist/cli/bin.js"
  if [ -f "$bin" ]; then
    exec node "$bin" "$@"
  elif command -v task-assistant >/dev/null 2>&1; then
    exec task-assistant "$@"
  fi
  echo "error: the task-assistant CLI was not found (no $bin and no task-assistant on PATH)" >&2
  echo "hint: run \`npm run build\` in $repo_root, or install the task-assistant package" >&2
  exit 3
}
