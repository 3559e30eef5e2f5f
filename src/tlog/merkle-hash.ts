import { createHash } from "node:crypto";

/**
 * RFC 6962 §2.1 / RFC 9162 §2.1.1 hashing with SHA-256: a leaf is `SHA-256(0x00 ‖ data)`, an inner
 * node `SHA-256(0x01 ‖ left ‖ right)`, and the empty tree's root `SHA-256("")`. The prefixes keep a
 * leaf from ever being read as a node (second-preimage resistance). Pure.
 */

export const HASH_SIZE = 32;
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** `SHA-256("")`, the root of a tree with no leaves. */
export const EMPTY_ROOT: Buffer = createHash("sha256").digest();

/** @example hashLeaf(Buffer.alloc(0)).toString("hex").startsWith("6e340b9c") */
export function hashLeaf(data: Uint8Array): Buffer {
  return createHash("sha256").update(LEAF_PREFIX).update(data).digest();
}

export function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash("sha256").update(NODE_PREFIX).update(left).update(right).digest();
}

/** The largest power of two strictly smaller than `n` (n ≥ 2): RFC 6962's split point `k`. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
