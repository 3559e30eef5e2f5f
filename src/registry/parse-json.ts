/**
 * A strict RFC 8259 JSON parser that, unlike `JSON.parse`, says *where* things are: the offset of a
 * syntax error, every duplicated object key (which `JSON.parse` silently resolves to the last one:
 * a registry must never be read with a guessed entry), and, on request, the offset of every key and
 * value by JSON pointer. Pure: no I/O.
 */

export interface JsonSyntaxError {
  /** 0-based offset into the text (UTF-16 code units). */
  offset: number;
  message: string;
  hint: string;
}

export interface DuplicateKey {
  /** JSON pointer of the repeated member. */
  pointer: string;
  /** Offset of the repeated key's opening quote. */
  keyOffset: number;
}

export type ParsedJson =
  { ok: true; value: unknown; duplicateKeys: DuplicateKey[] } | { ok: false; error: JsonSyntaxError };

/** Where one member or element sits: its key (object members only) and its value. */
export interface JsonLocation {
  keyOffset?: number;
  valueOffset: number;
}

/** Deeper nesting is refused rather than risking the call stack on a hostile file. */
export const MAX_JSON_DEPTH = 256;

/** Escapes one reference token of a JSON pointer (RFC 6901). */
export function escapePointerToken(token: string): string {
  return token.includes("~") || token.includes("/") ? token.replace(/~/g, "~0").replace(/\//g, "~1") : token;
}

/** Builds a JSON pointer from its unescaped tokens. */
export function jsonPointer(tokens: readonly (string | number)[]): string {
  let pointer = "";
  for (const token of tokens) pointer += `/${escapePointerToken(String(token))}`;
  return pointer;
}

class SyntaxFailure extends Error {
  constructor(
    readonly offset: number,
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

type Visitor = (path: readonly (string | number)[], location: JsonLocation) => void;

/** The parser state for one text; `visit`, when given, sees every value with its path. */
class Parser {
  pos = 0;
  readonly path: (string | number)[] = [];
  readonly duplicates: DuplicateKey[] = [];

  constructor(
    readonly text: string,
    readonly visit: Visitor | undefined,
  ) {}

  fail(offset: number, message: string, hint = "fix the JSON syntax at this position"): never {
    throw new SyntaxFailure(offset, message, hint);
  }

  skipWhitespace(): void {
    const text = this.text;
    let pos = this.pos;
    for (;;) {
      const code = text.charCodeAt(pos);
      if (code === 32 || code === 10 || code === 13 || code === 9) pos++;
      else break;
    }
    this.pos = pos;
  }

  describeAt(offset: number): string {
    if (offset >= this.text.length) return "the end of the file";
    const char = this.text[offset];
    return /[\x20-\x7e]/.test(char) ? `"${char}"` : `U+${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
  }

  parseDocument(): unknown {
    if (this.text.charCodeAt(0) === 0xfeff) {
      this.fail(0, "the file starts with a byte order mark", "save the file as UTF-8 without a BOM");
    }
    this.skipWhitespace();
    const value = this.parseValue(0, undefined);
    this.skipWhitespace();
    if (this.pos < this.text.length) {
      this.fail(this.pos, `unexpected ${this.describeAt(this.pos)} after the end of the JSON value`);
    }
    return value;
  }

  parseValue(depth: number, keyOffset: number | undefined): unknown {
    const start = this.pos;
    if (this.visit)
      this.visit(
        this.path,
        keyOffset === undefined ? { valueOffset: start } : { keyOffset, valueOffset: start },
      );
    const code = this.text.charCodeAt(start);
    switch (code) {
      case 123 /* { */:
        return this.parseObject(depth + 1);
      case 91 /* [ */:
        return this.parseArray(depth + 1);
      case 34 /* " */:
        return this.parseString();
      case 116 /* t */:
        return this.parseLiteral("true", true);
      case 102 /* f */:
        return this.parseLiteral("false", false);
      case 110 /* n */:
        return this.parseLiteral("null", null);
      default:
        if (code === 45 || (code >= 48 && code <= 57)) return this.parseNumber();
        if (start >= this.text.length)
          return this.fail(start, "unexpected end of the file: a value is missing");
        return this.fail(start, `unexpected ${this.describeAt(start)}: expected a JSON value`);
    }
  }

  parseLiteral<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) {
      this.fail(this.pos, `unexpected ${this.describeAt(this.pos)}: expected a JSON value`);
    }
    this.pos += word.length;
    return value;
  }

  parseNumber(): number {
    const text = this.text;
    const start = this.pos;
    let pos = start;
    if (text.charCodeAt(pos) === 45) pos++;
    const firstDigit = text.charCodeAt(pos);
    if (firstDigit === 48) {
      pos++;
      const next = text.charCodeAt(pos);
      if (next >= 48 && next <= 57) this.fail(start, "numbers must not have leading zeros");
    } else if (firstDigit >= 49 && firstDigit <= 57) {
      while (isDigit(text.charCodeAt(pos))) pos++;
    } else {
      this.fail(pos, "a minus sign must be followed by digits");
    }
    if (text.charCodeAt(pos) === 46 /* . */) {
      pos++;
      if (!isDigit(text.charCodeAt(pos))) this.fail(pos, "a decimal point must be followed by digits");
      while (isDigit(text.charCodeAt(pos))) pos++;
    }
    const exponent = text.charCodeAt(pos);
    if (exponent === 101 || exponent === 69) {
      pos++;
      const sign = text.charCodeAt(pos);
      if (sign === 43 || sign === 45) pos++;
      if (!isDigit(text.charCodeAt(pos))) this.fail(pos, "an exponent must have digits");
      while (isDigit(text.charCodeAt(pos))) pos++;
    }
    this.pos = pos;
    return Number(text.slice(start, pos));
  }

  parseString(): string {
    const text = this.text;
    const start = this.pos + 1;
    let pos = start;
    for (;;) {
      const code = text.charCodeAt(pos);
      if (code === 34) {
        this.pos = pos + 1;
        return text.slice(start, pos);
      }
      if (code === 92) return this.parseEscapedString(start, pos);
      if (code < 32 || Number.isNaN(code)) this.failInString(pos);
      pos++;
    }
  }

  failInString(pos: number): never {
    if (pos >= this.text.length) return this.fail(this.pos, "unterminated string", 'close the string with "');
    return this.fail(
      pos,
      `control character ${this.describeAt(pos)} inside a string`,
      "escape it (\\n, \\t, \\u0000...) or close the string",
    );
  }

  parseEscapedString(start: number, firstEscape: number): string {
    const text = this.text;
    let out = text.slice(start, firstEscape);
    let pos = firstEscape;
    for (;;) {
      const code = text.charCodeAt(pos);
      if (code === 34) {
        this.pos = pos + 1;
        return out;
      }
      if (code === 92) {
        const escape = text[pos + 1];
        switch (escape) {
          case '"':
          case "\\":
          case "/":
            out += escape;
            break;
          case "b":
            out += "\b";
            break;
          case "f":
            out += "\f";
            break;
          case "n":
            out += "\n";
            break;
          case "r":
            out += "\r";
            break;
          case "t":
            out += "\t";
            break;
          case "u": {
            const hex = text.slice(pos + 2, pos + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail(pos, "\\u must be followed by four hex digits");
            out += String.fromCharCode(parseInt(hex, 16));
            pos += 4;
            break;
          }
          default:
            if (pos + 1 >= text.length) this.fail(this.pos, "unterminated string", 'close the string with "');
            this.fail(
              pos,
              `invalid escape \\${escape}`,
              'valid escapes are \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX',
            );
        }
        pos += 2;
        continue;
      }
      if (code < 32 || Number.isNaN(code)) this.failInString(pos);
      out += text[pos];
      pos++;
    }
  }

  parseArray(depth: number): unknown[] {
    if (depth > MAX_JSON_DEPTH)
      this.fail(this.pos, `nesting deeper than ${MAX_JSON_DEPTH} levels`, "flatten the document");
    const result: unknown[] = [];
    this.pos++;
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === 93) {
      this.pos++;
      return result;
    }
    for (;;) {
      this.path.push(result.length);
      result.push(this.parseValue(depth, undefined));
      this.path.pop();
      this.skipWhitespace();
      const code = this.text.charCodeAt(this.pos);
      if (code === 44) {
        this.pos++;
        this.skipWhitespace();
        if (this.text.charCodeAt(this.pos) === 93)
          this.fail(this.pos - 1, "trailing comma in an array", "remove the comma");
        continue;
      }
      if (code === 93) {
        this.pos++;
        return result;
      }
      this.fail(this.pos, `unexpected ${this.describeAt(this.pos)} in an array: expected "," or "]"`);
    }
  }

  parseObject(depth: number): Record<string, unknown> {
    if (depth > MAX_JSON_DEPTH)
      this.fail(this.pos, `nesting deeper than ${MAX_JSON_DEPTH} levels`, "flatten the document");
    const result: Record<string, unknown> = {};
    this.pos++;
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === 125) {
      this.pos++;
      return result;
    }
    for (;;) {
      const keyOffset = this.pos;
      if (this.text.charCodeAt(keyOffset) !== 34) {
        if (this.text.charCodeAt(keyOffset) === 125)
          this.fail(keyOffset, "trailing comma in an object", "remove the comma before }");
        this.fail(
          keyOffset,
          `unexpected ${this.describeAt(keyOffset)}: expected a member name in double quotes`,
        );
      }
      const key = this.parseString();
      this.skipWhitespace();
      if (this.text.charCodeAt(this.pos) !== 58)
        this.fail(this.pos, `unexpected ${this.describeAt(this.pos)}: expected ":" after the member name`);
      this.pos++;
      this.skipWhitespace();
      this.path.push(key);
      const value = this.parseValue(depth, keyOffset);
      if (Object.prototype.hasOwnProperty.call(result, key)) {
        this.duplicates.push({ pointer: jsonPointer(this.path), keyOffset });
      }
      // A "__proto__" member must stay data: plain assignment would replace the prototype.
      if (key === "__proto__")
        Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
      else result[key] = value;
      this.path.pop();
      this.skipWhitespace();
      const code = this.text.charCodeAt(this.pos);
      if (code === 44) {
        this.pos++;
        this.skipWhitespace();
        continue;
      }
      if (code === 125) {
        this.pos++;
        return result;
      }
      this.fail(this.pos, `unexpected ${this.describeAt(this.pos)} in an object: expected "," or "}"`);
    }
  }
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * Parses JSON text strictly, returning the value and any duplicated keys, or the position of the
 * first syntax error.
 *
 * @example parseJson('{"a":1,"a":2}') // { ok: true, value: { a: 2 }, duplicateKeys: [{ pointer: "/a", keyOffset: 7 }] }
 */
export function parseJson(text: string): ParsedJson {
  const parser = new Parser(text, undefined);
  try {
    const value = parser.parseDocument();
    return { ok: true, value, duplicateKeys: parser.duplicates };
  } catch (error) {
    if (error instanceof SyntaxFailure) {
      return { ok: false, error: { offset: error.offset, message: error.message, hint: error.hint } };
    }
    throw error;
  }
}

/**
 * Parses text that is exactly `JSON.stringify(value, null, indent)` (plus the trailing newline
 * canonical files have, when `newline`), using the engine's native parser and serializer, and
 * returns undefined for anything else. Such text has no syntax error and no duplicated key (a
 * repeated member would be missing from the re-serialized text), so it needs none of
 * `parseJson`'s positions; every other text goes through `parseJson`. This keeps reading the
 * files the CLI writes fast even in a cold process.
 */
export function parseSerializedJson(
  text: string,
  indent: 0 | 2,
  newline: boolean,
): { value: unknown } | undefined {
  try {
    const value: unknown = JSON.parse(text);
    const serialized = indent === 0 ? JSON.stringify(value) : JSON.stringify(value, null, indent);
    return (newline ? `${serialized}\n` : serialized) === text ? { value } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The location of every key and value in a JSON text, by JSON pointer (a repeated key keeps its
 * first location). Used only when problems need positions, so valid documents never pay for it.
 * Returns an empty map for text that does not parse.
 */
export function locateJson(text: string): Map<string, JsonLocation> {
  const locations = new Map<string, JsonLocation>();
  const parser = new Parser(text, (path, location) => {
    const pointer = jsonPointer(path);
    if (!locations.has(pointer)) locations.set(pointer, location);
  });
  try {
    parser.parseDocument();
  } catch (error) {
    if (!(error instanceof SyntaxFailure)) throw error;
  }
  return locations;
}

/** Turns offsets into 1-based `line:col` (columns in UTF-16 code units, as editors count them). */
export function lineIndex(text: string): (offset: number) => { line: number; col: number } {
  const starts = [0];
  for (let index = text.indexOf("\n"); index !== -1; index = text.indexOf("\n", index + 1))
    starts.push(index + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, col: offset - starts[low] + 1 };
  };
}
