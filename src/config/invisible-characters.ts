/**
 * Characters that do not show, or that reorder what is shown: `phase-\u200b1` looks like `phase-1`
 * but is another label, so it would slip past exclusivity beside it. Names and titles may not hold
 * them. A zero-width joiner between two emoji (👩‍💻) is how emoji are written, and is allowed.
 */
const NAMES: ReadonlyMap<number, string> = new Map([
  [0x00ad, "SOFT HYPHEN"],
  [0x034f, "COMBINING GRAPHEME JOINER"],
  [0x061c, "ARABIC LETTER MARK"],
  [0x115f, "HANGUL CHOSEONG FILLER"],
  [0x1160, "HANGUL JUNGSEONG FILLER"],
  [0x17b4, "KHMER VOWEL INHERENT AQ"],
  [0x17b5, "KHMER VOWEL INHERENT AA"],
  [0x180e, "MONGOLIAN VOWEL SEPARATOR"],
  [0x200b, "ZERO WIDTH SPACE"],
  [0x200c, "ZERO WIDTH NON-JOINER"],
  [0x200d, "ZERO WIDTH JOINER"],
  [0x200e, "LEFT-TO-RIGHT MARK"],
  [0x200f, "RIGHT-TO-LEFT MARK"],
  [0x202a, "LEFT-TO-RIGHT EMBEDDING"],
  [0x202b, "RIGHT-TO-LEFT EMBEDDING"],
  [0x202c, "POP DIRECTIONAL FORMATTING"],
  [0x202d, "LEFT-TO-RIGHT OVERRIDE"],
  [0x202e, "RIGHT-TO-LEFT OVERRIDE"],
  [0x2060, "WORD JOINER"],
  [0x2061, "FUNCTION APPLICATION"],
  [0x2062, "INVISIBLE TIMES"],
  [0x2063, "INVISIBLE SEPARATOR"],
  [0x2064, "INVISIBLE PLUS"],
  [0x2066, "LEFT-TO-RIGHT ISOLATE"],
  [0x2067, "RIGHT-TO-LEFT ISOLATE"],
  [0x2068, "FIRST STRONG ISOLATE"],
  [0x2069, "POP DIRECTIONAL ISOLATE"],
  [0x3164, "HANGUL FILLER"],
  [0xfeff, "ZERO WIDTH NO-BREAK SPACE"],
  [0xffa0, "HALFWIDTH HANGUL FILLER"],
]);

const EMOJI = /^(?:\p{Extended_Pictographic}|[\u{1F3FB}-\u{1F3FF}]|\uFE0F)$/u;

export interface InvisibleCharacter {
  /** 1-based position among the text's characters (code points). */
  position: number;
  /** `U+200B ZERO WIDTH SPACE`. */
  description: string;
}

/**
 * The first invisible or bidirectional-control character in `text`, if any.
 *
 * @example findInvisibleCharacter("phase-\u200b1") // { position: 7, description: "U+200B ZERO WIDTH SPACE" }
 */
export function findInvisibleCharacter(text: string): InvisibleCharacter | undefined {
  const chars = [...text];
  for (let i = 0; i < chars.length; i += 1) {
    const code = chars[i].codePointAt(0)!;
    const isTag = code >= 0xe0000 && code <= 0xe007f;
    const name = isTag ? "TAG CHARACTER" : NAMES.get(code);
    if (name === undefined) continue;
    if (code === 0x200d && i > 0 && EMOJI.test(chars[i - 1]) && EMOJI.test(chars[i + 1] ?? "")) continue;
    return { position: i + 1, description: `U+${code.toString(16).toUpperCase().padStart(4, "0")} ${name}` };
  }
  return undefined;
}

/** The text with each invisible character written as `\u200b`, so a reader can see it. */
export function revealInvisible(text: string): string {
  return [...text]
    .map((char) => {
      const code = char.codePointAt(0)!;
      return NAMES.has(code) || (code >= 0xe0000 && code <= 0xe007f)
        ? `\\u{${code.toString(16)}}`.replace(/^\\u\{([0-9a-f]{4})\}$/, "\\u$1")
        : char;
    })
    .join("");
}
