/** Crockford's base32: no I, L, O or U, so ids survive being read aloud or retyped. */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * A ULID (26 characters: 48-bit millisecond time, then 80 random bits), the correlation id of a local
 * run. Ids sort by time, which keeps a repo's telemetry directory listing in run order. Pure: the
 * time and the random bytes are passed in.
 *
 * @example encodeUlid(0, new Uint8Array(10)) === "00000000000000000000000000"
 */
export function encodeUlid(timeMs: number, random: Uint8Array): string {
  if (!Number.isInteger(timeMs) || timeMs < 0 || timeMs > 2 ** 48 - 1)
    throw new RangeError(`ULID time must be a 48-bit millisecond count, got ${timeMs}`);
  if (random.length !== 10) throw new RangeError(`ULID needs 10 random bytes, got ${random.length}`);
  let time = "";
  let rest = timeMs;
  for (let index = 0; index < 10; index += 1) {
    time = ALPHABET[rest % 32] + time;
    rest = Math.floor(rest / 32);
  }
  let bits = 0n;
  for (const byte of random) bits = (bits << 8n) | BigInt(byte);
  let randomPart = "";
  for (let index = 0; index < 16; index += 1) {
    randomPart = ALPHABET[Number(bits & 31n)] + randomPart;
    bits >>= 5n;
  }
  return time + randomPart;
}
