/**
 * What the runner's `actions/setup-node` with `cache: npm` may substitute for `npm ci`: an
 * installation made beforehand (the project's own `node_modules` and built `dist`), valid for a
 * checkout whose build inputs are byte-identical to the ones it was made from.
 */
export interface PreparedInstall {
  /** The directory holding `node_modules` and `dist` (and the inputs they were made from). */
  directory: string;
  /** Paths, relative to both directories, that must be identical: files or whole directories. */
  inputs: readonly string[];
  /** Outputs of the install that are linked into the checkout, e.g. `["node_modules", "dist"]`. */
  outputs: readonly string[];
}

function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The bash text of the `npm` that the runner's setup-node puts first on PATH (pure). `npm ci` in a
 * directory whose every input equals the prepared installation's (`diff -r`, both ways) links that
 * installation's outputs into it instead of downloading and building; anything else (another
 * command, or a checkout that differs in any input) runs the real npm, so a changed lock file or
 * source is installed and built for real. The step itself still runs as the workflow wrote it.
 *
 * @example npmInstallShim(prepared, "/usr/bin/npm")
 */
export function npmInstallShim(prepared: PreparedInstall, realNpm: string): string {
  const inputs = prepared.inputs.map(quote).join(" ");
  const outputs = prepared.outputs.map(quote).join(" ");
  return `#!/usr/bin/env bash
# npm as the local runner's actions/setup-node (cache: npm) provides it: \`npm ci\` reuses the
# installation prepared in ${prepared.directory} when every input is identical; else the real npm runs.
set -u
prepared=${quote(prepared.directory)}
if [ "\${1:-}" = "ci" ]; then
  differs=""
  for input in ${inputs}; do
    if ! diff -rq -- "$input" "$prepared/$input" >/dev/null 2>&1; then differs="$input"; break; fi
  done
  if [ -z "$differs" ]; then
    for output in ${outputs}; do
      rm -rf -- "$output"
      ln -s -- "$prepared/$output" "$output"
    done
    echo "[runner] npm ci: ${prepared.inputs.join(", ")} are identical to the prepared installation; linked ${prepared.outputs.join(", ")} from it"
    exit 0
  fi
  echo "[runner] npm ci: $differs differs from the prepared installation; running npm ci"
fi
exec ${quote(realNpm)} "$@"
`;
}
