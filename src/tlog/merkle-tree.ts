import { EMPTY_ROOT, hashChildren, splitPoint } from "./merkle-hash.js";

/**
 * An RFC 6962 tree over known leaf hashes, for the side that holds every leaf (a verifier that has
 * recomputed them all). It caches each perfect, aligned subtree's hash level by level (about one
 * hash per leaf in all), so any root, inclusion proof or consistency proof costs O(log n) hashes
 * after an O(n) build. Pure.
 */
export class MerkleTree {
  /** levels[h][i] = hash of the perfect subtree of 2^h leaves starting at leaf i·2^h. */
  private readonly levels: Buffer[][];

  constructor(leafHashes: readonly Buffer[]) {
    this.levels = [[...leafHashes]];
    for (let below = this.levels[0]; below.length > 1;) {
      const level: Buffer[] = [];
      for (let i = 0; i + 1 < below.length; i += 2) level.push(hashChildren(below[i], below[i + 1]));
      this.levels.push(level);
      below = level;
    }
  }

  get size(): number {
    return this.levels[0].length;
  }

  /** MTH(D[0:size]) for any size up to the number of leaves. */
  rootAt(size: number): Buffer {
    this.checkSize(size, "size");
    return size === 0 ? EMPTY_ROOT : this.subtreeHash(0, size);
  }

  /** RFC 6962 §2.1.1 PATH(m, D[0:size]): the audit path of leaf `index` in the tree of `size` leaves. */
  inclusionProof(index: number, size: number): Buffer[] {
    this.checkSize(size, "size");
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
      throw new RangeError(`leaf index ${index} is not in a tree of ${size} leaves`);
    }
    return this.path(index, 0, size);
  }

  /** RFC 6962 §2.1.2 PROOF(m, D[0:n]): proves the tree of `size2` leaves extends the one of `size1`. */
  consistencyProof(size1: number, size2: number): Buffer[] {
    this.checkSize(size2, "size2");
    if (!Number.isSafeInteger(size1) || size1 < 0 || size1 > size2) {
      throw new RangeError(`size1 ${size1} must be between 0 and size2 ${size2}`);
    }
    if (size1 === 0 || size1 === size2) return [];
    return this.subproof(size1, 0, size2, true);
  }

  private path(m: number, start: number, n: number): Buffer[] {
    if (n <= 1) return [];
    const k = splitPoint(n);
    if (m < k) return [...this.path(m, start, k), this.subtreeHash(start + k, n - k)];
    return [...this.path(m - k, start + k, n - k), this.subtreeHash(start, k)];
  }

  private subproof(m: number, start: number, n: number, whole: boolean): Buffer[] {
    if (m === n) return whole ? [] : [this.subtreeHash(start, n)];
    const k = splitPoint(n);
    if (m <= k) return [...this.subproof(m, start, k, whole), this.subtreeHash(start + k, n - k)];
    return [...this.subproof(m - k, start + k, n - k, false), this.subtreeHash(start, k)];
  }

  /** MTH of the `n` leaves from `start`; RFC 6962 subtrees start aligned, so the cache answers most. */
  private subtreeHash(start: number, n: number): Buffer {
    let height = 0;
    while (2 ** height < n) height += 1;
    if (2 ** height === n && start % n === 0) return this.levels[height][start / n];
    const k = splitPoint(n);
    return hashChildren(this.subtreeHash(start, k), this.subtreeHash(start + k, n - k));
  }

  private checkSize(size: number, name: string): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size) {
      throw new RangeError(`${name} ${size} is not between 0 and ${this.size}`);
    }
  }
}
