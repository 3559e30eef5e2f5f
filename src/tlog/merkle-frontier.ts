import { EMPTY_ROOT, HASH_SIZE, hashChildren } from "./merkle-hash.js";

/**
 * The right edge of an RFC 6962 tree: the roots of its perfect subtrees, largest (leftmost) first,
 * one per set bit of `size`. It is all a log writer needs to keep: appending is O(log n) and the
 * root is O(log n), so a checkpointer never holds the whole tree. Values are immutable; every
 * operation returns a new frontier. Pure.
 */
export interface MerkleFrontier {
  readonly size: number;
  readonly hashes: readonly Buffer[];
}

export const EMPTY_FRONTIER: MerkleFrontier = Object.freeze({ size: 0, hashes: Object.freeze([]) });

/** Appends one leaf hash: merges equal-sized subtrees as a binary counter carries. */
export function appendLeaf(frontier: MerkleFrontier, leafHash: Buffer): MerkleFrontier {
  const hashes = [...frontier.hashes];
  let carry = leafHash;
  for (let n = frontier.size; n % 2 === 1; n = Math.floor(n / 2)) {
    carry = hashChildren(hashes.pop()!, carry);
  }
  hashes.push(carry);
  return { size: frontier.size + 1, hashes };
}

/** The tree's root hash (RFC 6962 MTH): the frontier folded from the right. */
export function frontierRoot(frontier: MerkleFrontier): Buffer {
  const { hashes } = frontier;
  if (hashes.length === 0) return EMPTY_ROOT;
  let root = hashes[hashes.length - 1];
  for (let i = hashes.length - 2; i >= 0; i -= 1) root = hashChildren(hashes[i], root);
  return root;
}

/** Is this a frontier some tree could have (one 32-byte hash per set bit of `size`)? */
export function isWellFormedFrontier(frontier: MerkleFrontier): boolean {
  if (!Number.isSafeInteger(frontier.size) || frontier.size < 0) return false;
  return (
    frontier.hashes.length === popCount(frontier.size) &&
    frontier.hashes.every((hash) => hash.length === HASH_SIZE)
  );
}

function popCount(n: number): number {
  let count = 0;
  for (let rest = n; rest > 0; rest = Math.floor(rest / 2)) count += rest % 2;
  return count;
}
