/**
 * Where a text stops being JSON: the 0-based offset of the first character that breaks RFC 8259
 * (the text's length when it ends too early), or undefined when the text is valid JSON. Pure.
 *
 * It exists so an error can point at the problem (`result.json:3:7`) without quoting the input:
 * the platform's `JSON.parse` messages include the text near the error, which can be a secret.
 *
 * @example jsonErrorOffset('{"a": tru}') // → 9
 */
export function jsonErrorOffset(text: string): number | undefined {
  let at = 0;
  const fail = (): never => {
    throw new BadJsonAt(at);
  };
  const space = () => {
    while (at < text.length && " \t\n\r".includes(text[at])) at += 1;
  };
  const literal = (word: string) => {
    for (const char of word) {
      if (text[at] !== char) fail();
      at += 1;
    }
  };
  const digits = (atLeastOne: boolean) => {
    const start = at;
    while (at < text.length && text[at] >= "0" && text[at] <= "9") at += 1;
    if (atLeastOne && at === start) fail();
  };
  const number = () => {
    if (text[at] === "-") at += 1;
    if (text[at] === "0") at += 1;
    else digits(true);
    if (text[at] === ".") {
      at += 1;
      digits(true);
    }
    if (text[at] === "e" || text[at] === "E") {
      at += 1;
      if (text[at] === "+" || text[at] === "-") at += 1;
      digits(true);
    }
  };
  const string = () => {
    at += 1;
    for (;;) {
      if (at >= text.length) fail();
      const char = text[at];
      if (char === '"') {
        at += 1;
        return;
      }
      if (char < " ") fail();
      if (char === "\\") {
        at += 1;
        if (text[at] === "u") {
          at += 1;
          for (let i = 0; i < 4; i += 1) {
            if (!/[0-9a-fA-F]/.test(text[at] ?? "")) fail();
            at += 1;
          }
          continue;
        }
        if (!'"\\/bfnrt'.includes(text[at] ?? "x")) fail();
      }
      at += 1;
    }
  };
  // Containers are tracked on an explicit stack, so deeply nested input cannot overflow the call stack.
  const value = () => {
    const stack: Array<"}" | "]"> = [];
    for (;;) {
      space();
      const char = text[at];
      if (char === "{" || char === "[") {
        at += 1;
        space();
        if (text[at] === (char === "{" ? "}" : "]")) {
          at += 1;
        } else {
          stack.push(char === "{" ? "}" : "]");
          if (char === "{") key();
          continue;
        }
      } else if (char === '"') string();
      else if (char === "t") literal("true");
      else if (char === "f") literal("false");
      else if (char === "n") literal("null");
      else if (char === "-" || (char >= "0" && char <= "9")) number();
      else fail();
      // After a value: close containers or move to the next member.
      for (;;) {
        if (stack.length === 0) return;
        space();
        const close = stack[stack.length - 1];
        if (text[at] === ",") {
          at += 1;
          if (close === "}") key();
          break;
        }
        if (text[at] !== close) fail();
        at += 1;
        stack.pop();
      }
    }
  };
  const key = () => {
    space();
    if (text[at] !== '"') fail();
    string();
    space();
    if (text[at] !== ":") fail();
    at += 1;
  };
  try {
    value();
    space();
    if (at < text.length) fail();
    return undefined;
  } catch (error) {
    if (error instanceof BadJsonAt) return Math.min(error.offset, text.length);
    throw error;
  }
}

class BadJsonAt extends Error {
  constructor(readonly offset: number) {
    super(`not JSON at ${offset}`);
  }
}

/** 1-based line and column of a 0-based offset in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (
    let index = text.indexOf("\n");
    index !== -1 && index < offset;
    index = text.indexOf("\n", index + 1)
  ) {
    line += 1;
    start = index + 1;
  }
  return { line, col: offset - start + 1 };
}
