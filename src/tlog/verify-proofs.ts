import { HASH_SIZE, hashChildren } from "./merkle-hash.js";

/**
 * Proof checks of RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency), for the side that holds
 * only roots. Each returns a reason when the proof fails and `undefined` when it holds. Pure.
 */

/** Checks that `leafHash` is leaf `index` of the tree of `size` leaves whose root is `root`. */
export function checkInclusion(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): string | undefined {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    return `leaf index ${index} is not in a tree of ${size} leaves`;
  }
  if (
    leafHash.length !== HASH_SIZE ||
    root.length !== HASH_SIZE ||
    proof.some((p) => p.length !== HASH_SIZE)
  ) {
    return "a hash is not 32 bytes";
  }
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = leafHash;
  for (const p of proof) {
    if (sn === 0) return "the proof is longer than the tree is deep";
    if (fn % 2 === 1 || fn === sn) {
      r = hashChildren(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) return "the proof is shorter than the tree is deep";
  return Buffer.from(r).equals(Buffer.from(root)) ? undefined : "the proof leads to a different root";
}

/** Checks that the tree (`size2`, `root2`) extends the tree (`size1`, `root1`): same first size1 leaves. */
export function checkConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): string | undefined {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 0 || size2 < size1) {
    return `a tree of ${size2} leaves cannot extend one of ${size1}`;
  }
  if (proof.some((p) => p.length !== HASH_SIZE)) return "a proof hash is not 32 bytes";
  const equal = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
  if (size1 === size2) {
    if (proof.length !== 0) return "a proof between equal sizes must be empty";
    return equal(root1, root2) ? undefined : "the two roots of the same size differ";
  }
  if (size1 === 0) return proof.length === 0 ? undefined : "a proof from the empty tree must be empty";
  if (proof.length === 0) return "the proof is empty";
  if (root1.length !== HASH_SIZE || root2.length !== HASH_SIZE) return "a root is not 32 bytes";
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Uint8Array = path[0];
  let sr: Uint8Array = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return "the proof is longer than the trees are deep";
    if (fn % 2 === 1 || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) return "the proof is shorter than the trees are deep";
  if (!equal(fr, root1)) return "the proof does not lead to the first root";
  if (!equal(sr, root2)) return "the proof does not lead to the second root";
  return undefined;
}

function isPowerOfTwo(n: number): boolean {
  let m = n;
  while (m > 1 && m % 2 === 0) m /= 2;
  return m === 1;
}
