import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from "node:crypto";

/**
 * C2SP signed-note (https://c2sp.org/signed-note) with Ed25519 keys, the format of Go's
 * golang.org/x/mod/sumdb/note: a UTF-8 text ending in a newline, a blank line, then signature lines
 * `— <key name> <base64(key id ‖ signature)>`. Keys are written
 * `<name>+<hex key id>+<base64(0x01 ‖ key)>` (public) and `PRIVATE+KEY+<name>+<hex id>+<base64(0x01 ‖ seed)>`
 * (private); the key id is the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key). Pure apart
 * from `generateNoteKeys`, which draws randomness.
 */

export const ALG_ED25519 = 0x01;
const MAX_SIGNATURES = 100;
const SIG_PREFIX = "— ";
const PKCS8_ED25519 = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_ED25519 = Buffer.from("302a300506032b6570032100", "hex");

/** A note could not be read, or a key is malformed. `field` names what was wrong. */
export class NoteFormatError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "NoteFormatError";
  }
}

export interface NoteVerifier {
  name: string;
  keyId: number;
  publicKey: Buffer;
  /** The key as written (`name+hex+base64`). */
  text: string;
}

export interface NoteSigner extends NoteVerifier {
  privateKey: KeyObject;
}

/** Key id: the first 4 bytes (big-endian) of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key). */
export function noteKeyId(name: string, publicKey: Uint8Array): number {
  const digest = createHash("sha256")
    .update(name, "utf8")
    .update(Buffer.from([0x0a, ALG_ED25519]))
    .update(publicKey)
    .digest();
  return digest.readUInt32BE(0);
}

/** A key name: non-empty UTF-8 with no space, no `+` and no control character. */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+\p{Cc}]/u.test(name);
}

/** Reads a verifier key `name+hex8+base64(0x01 ‖ key)`; throws `NoteFormatError` naming the part. */
export function parseVerifierKey(text: string): NoteVerifier {
  const parts = splitPlus(text.trim(), 3);
  if (parts.length !== 3) {
    throw new NoteFormatError("key", "a public key reads <name>+<8 hex digits>+<base64 key>");
  }
  const [name, hex, encoded] = parts;
  const key = decodeKey(name, hex, encoded, "public key");
  if (noteKeyId(name, key) !== parseInt(hex, 16)) {
    throw new NoteFormatError("key", `the key id ${hex} does not belong to this name and key`);
  }
  return { name, keyId: parseInt(hex, 16), publicKey: key, text: `${name}+${hex}+${encoded}` };
}

/** Reads a signer key `PRIVATE+KEY+name+hex8+base64(0x01 ‖ seed)`. */
export function parseSignerKey(text: string): NoteSigner {
  const parts = splitPlus(text.trim(), 5);
  if (parts.length !== 5 || parts[0] !== "PRIVATE" || parts[1] !== "KEY") {
    throw new NoteFormatError("key", "a private key reads PRIVATE+KEY+<name>+<8 hex digits>+<base64 key>");
  }
  const [, , name, hex, encoded] = parts;
  const seed = decodeKey(name, hex, encoded, "private key");
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519, seed]),
    format: "der",
    type: "pkcs8",
  });
  const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  const publicKey = Buffer.from(spki.subarray(spki.length - 32));
  if (noteKeyId(name, publicKey) !== parseInt(hex, 16)) {
    throw new NoteFormatError("key", `the key id ${hex} does not belong to this name and key`);
  }
  return { name, keyId: parseInt(hex, 16), publicKey, privateKey, text: verifierKeyText(name, publicKey) };
}

/** A fresh Ed25519 key pair in note format. */
export function generateNoteKeys(name: string): { signerKey: string; verifierKey: string } {
  if (!isValidKeyName(name)) {
    throw new NoteFormatError("name", "a key name must be non-empty with no space, '+' or control character");
  }
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const pkcs8 = privateKey.export({ format: "der", type: "pkcs8" });
  const spki = publicKey.export({ format: "der", type: "spki" });
  const seed = pkcs8.subarray(pkcs8.length - 32);
  const pub = spki.subarray(spki.length - 32);
  const id = hex8(noteKeyId(name, pub));
  return {
    signerKey: `PRIVATE+KEY+${name}+${id}+${Buffer.concat([Buffer.from([ALG_ED25519]), seed]).toString("base64")}`,
    verifierKey: verifierKeyText(name, pub),
  };
}

/** Signs `text` (which must end in a newline) and returns the whole note. */
export function signNote(text: string, signer: NoteSigner): string {
  checkText(text);
  const signature = sign(null, Buffer.from(text, "utf8"), signer.privateKey);
  const blob = Buffer.alloc(4 + signature.length);
  blob.writeUInt32BE(signer.keyId, 0);
  signature.copy(blob, 4);
  return `${text}\n${SIG_PREFIX}${signer.name} ${blob.toString("base64")}\n`;
}

export interface OpenedNote {
  text: string;
  /** The signature lines from keys other than the verifier's, kept as read. */
  otherSignatures: string[];
}

/**
 * Splits a signed note and checks its signature by `verifier`. Throws `NoteFormatError` (field
 * `note`) for a malformed note, and (field `signature`) when the verifier's signature is missing or
 * does not verify. Signatures by other keys are allowed and returned unverified, as the spec says.
 */
export function openNote(note: string, verifier: NoteVerifier): OpenedNote {
  const split = note.lastIndexOf("\n\n");
  if (split < 0 || !note.endsWith("\n")) {
    throw new NoteFormatError(
      "note",
      "a signed note is text, a blank line, then signature lines, ending in a newline",
    );
  }
  const text = note.slice(0, split + 1);
  checkText(text);
  const lines = note.slice(split + 2, -1).split("\n");
  if (lines.length > MAX_SIGNATURES)
    throw new NoteFormatError("note", `more than ${MAX_SIGNATURES} signatures`);
  const others: string[] = [];
  let verified = false;
  for (const [i, line] of lines.entries()) {
    const match = /^— (\S+) ([A-Za-z0-9+/]+={0,2})$/.exec(line);
    if (match === null || !isValidKeyName(match[1])) {
      throw new NoteFormatError("note", `signature line ${i + 1} is not "— <key name> <base64 signature>"`);
    }
    const blob = Buffer.from(match[2], "base64");
    if (blob.toString("base64") !== match[2] || blob.length < 5) {
      throw new NoteFormatError("note", `signature line ${i + 1} has malformed base64`);
    }
    if (match[1] !== verifier.name || blob.readUInt32BE(0) !== verifier.keyId) {
      others.push(line);
      continue;
    }
    const publicKey = createPublicKey({
      key: Buffer.concat([SPKI_ED25519, verifier.publicKey]),
      format: "der",
      type: "spki",
    });
    if (blob.length !== 4 + 64 || !verify(null, Buffer.from(text, "utf8"), publicKey, blob.subarray(4))) {
      throw new NoteFormatError(
        "signature",
        `the signature by ${verifier.name}+${hex8(verifier.keyId)} does not verify`,
      );
    }
    verified = true;
  }
  if (!verified) {
    throw new NoteFormatError(
      "signature",
      `the note has no signature by ${verifier.name}+${hex8(verifier.keyId)}`,
    );
  }
  return { text, otherSignatures: others };
}

export function verifierKeyText(name: string, publicKey: Uint8Array): string {
  const encoded = Buffer.concat([Buffer.from([ALG_ED25519]), publicKey]).toString("base64");
  return `${name}+${hex8(noteKeyId(name, publicKey))}+${encoded}`;
}

function decodeKey(name: string, hex: string, encoded: string, what: string): Buffer {
  if (!isValidKeyName(name))
    throw new NoteFormatError("key", `the ${what}'s name ${JSON.stringify(name)} is not a key name`);
  if (!/^[0-9a-f]{8}$/.test(hex))
    throw new NoteFormatError("key", `the ${what}'s id ${JSON.stringify(hex)} is not 8 lowercase hex digits`);
  const raw = Buffer.from(encoded, "base64");
  if (raw.toString("base64") !== encoded || raw.length !== 33 || raw[0] !== ALG_ED25519) {
    throw new NoteFormatError("key", `the ${what} is not base64 of 0x01 and a 32-byte Ed25519 key`);
  }
  return raw.subarray(1);
}

function checkText(text: string): void {
  if (!text.endsWith("\n")) throw new NoteFormatError("note", "the note's text must end with a newline");
  // Control characters other than newline are refused, as in the reference implementation.
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x0a) || code === 0x7f) {
      throw new NoteFormatError("note", "the note's text holds a control character");
    }
  }
}

/** Splits at the first `count - 1` plus signs: base64 key material may itself hold `+`. */
function splitPlus(text: string, count: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (parts.length < count - 1) {
    const at = rest.indexOf("+");
    if (at < 0) break;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  parts.push(rest);
  return parts;
}

function hex8(id: number): string {
  return id.toString(16).padStart(8, "0");
}
