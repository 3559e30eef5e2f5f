/**
 * Parses what a step wrote to `GITHUB_OUTPUT` or `GITHUB_ENV`: `name=value` lines and multi-line
 * values as `name<<DELIMITER` ... `DELIMITER`, as the Actions runner reads them. A later value of a
 * name replaces an earlier one.
 *
 * @example parseFileCommand("a=1\nb<<EOF\nx\ny\nEOF\n") // { a: "1", b: "x\ny" }
 */
export function parseFileCommand(text: string, file = "GITHUB_OUTPUT"): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index];
    if (line === "") continue;
    const equals = line.indexOf("=");
    const heredoc = line.indexOf("<<");
    if (equals !== -1 && (heredoc === -1 || equals < heredoc)) {
      const name = line.slice(0, equals);
      if (name === "") throw new Error(`${file} line ${index + 1}: a value without a name`);
      values[name] = line.slice(equals + 1);
      continue;
    }
    if (heredoc === -1) throw new Error(`${file} line ${index + 1}: expected name=value or name<<DELIMITER`);
    const name = line.slice(0, heredoc);
    const delimiter = line.slice(heredoc + 2);
    if (name === "" || delimiter === "")
      throw new Error(`${file} line ${index + 1}: name<<DELIMITER needs both parts`);
    const body: string[] = [];
    let closed = false;
    for (index += 1; index < lines.length; index += 1) {
      if (lines[index] === delimiter) {
        closed = true;
        break;
      }
      body.push(lines[index]);
    }
    if (!closed) throw new Error(`${file}: the value of ${name} is not closed by ${delimiter}`);
    values[name] = body.join("\n");
  }
  return values;
}
