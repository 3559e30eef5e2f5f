/**
 * The command line a `run:` step executes, as GitHub's Linux runner builds it from `shell:`:
 * unspecified → `bash -e {0}`, `bash` → `bash --noprofile --norc -eo pipefail {0}`, `sh` → `sh -e {0}`,
 * `python` → `python {0}`, `node` isn't a shell; anything else must contain `{0}` for the script path.
 */
export function shellCommand(
  shell: string | undefined,
  scriptPath: string,
): { command: string; args: string[] } {
  const template =
    shell === undefined || shell === ""
      ? "bash -e {0}"
      : shell === "bash"
        ? "bash --noprofile --norc -eo pipefail {0}"
        : shell === "sh"
          ? "sh -e {0}"
          : shell === "python"
            ? "python {0}"
            : shell;
  if (!template.includes("{0}")) {
    throw new Error(
      `shell ${shell}: a custom shell must contain {0} where the script path goes (e.g. "perl {0}")`,
    );
  }
  const [command, ...args] = template
    .trim()
    .split(/\s+/)
    .map((part) => part.replace("{0}", scriptPath));
  return { command: command, args };
}

/** The script file extension GitHub uses for a shell (python needs `.py`). */
export function scriptExtension(shell: string | undefined): string {
  return shell === "python" ? ".py" : ".sh";
}
