/**
 * Known-answer tests against published vectors (data only, copied from the sources named):
 *  - RFC 6962 tree over 8 leaves: leaf inputs, node hashes, roots for every size, and inclusion and
 *    consistency proofs, from github.com/transparency-dev/merkle `testonly/constants.go` and
 *    `proof/verify_test.go` (commit 02194e9afb6c1d95b5381350007963aa70fff472). Their inclusion
 *    vectors number leaves from 1; here they are converted to 0-based indices.
 *  - Signed note: the PeterNeumann key pair, text and signature of golang.org/x/mod/sumdb/note
 *    `note_test.go` (also the example of https://c2sp.org/signed-note).
 */
import { describe, expect, it } from "vitest";
import { formatCheckpoint, parseCheckpoint } from "./checkpoint.js";
import { appendLeaf, EMPTY_FRONTIER, frontierRoot, type MerkleFrontier } from "./merkle-frontier.js";
import { EMPTY_ROOT, hashLeaf } from "./merkle-hash.js";
import { MerkleTree } from "./merkle-tree.js";
import {
  NoteFormatError,
  generateNoteKeys,
  openNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
} from "./signed-note.js";
import { checkConsistency, checkInclusion } from "./verify-proofs.js";

const h = (hex: string) => Buffer.from(hex, "hex");
const LEAVES = [
  "",
  "00",
  "10",
  "2021",
  "3031",
  "40414243",
  "5051525354555657",
  "606162636465666768696a6b6c6d6e6f",
].map(h);
const LEAF_HASHES = [
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
  "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
  "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
  "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
  "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
  "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
  "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
];
/** Roots indexed by tree size, from the empty tree. */
const ROOTS = [
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];
/** Node hashes: [level][index]. */
const NODES = [
  LEAF_HASHES,
  [
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
  ],
  [
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
  ],
  ["5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"],
];
/** The compact (frontier) form of every tree size, from the same source. */
const FRONTIERS: string[][] = [
  [],
  [NODES[0][0]],
  [NODES[1][0]],
  [NODES[1][0], NODES[0][2]],
  [NODES[2][0]],
  [NODES[2][0], NODES[0][4]],
  [NODES[2][0], NODES[1][2]],
  [NODES[2][0], NODES[1][2], NODES[0][6]],
  [NODES[3][0]],
];
const INCLUSION: Array<{ index: number; size: number; proof: string[] }> = [
  { index: 0, size: 1, proof: [] },
  { index: 0, size: 8, proof: [LEAF_HASHES[1], NODES[1][1], NODES[2][1]] },
  { index: 5, size: 8, proof: [LEAF_HASHES[4], NODES[1][3], NODES[2][0]] },
  { index: 2, size: 3, proof: [NODES[1][0]] },
  { index: 1, size: 5, proof: [LEAF_HASHES[0], NODES[1][1], LEAF_HASHES[4]] },
];
const CONSISTENCY: Array<{ size1: number; size2: number; proof: string[] }> = [
  { size1: 1, size2: 1, proof: [] },
  { size1: 1, size2: 8, proof: [LEAF_HASHES[1], NODES[1][1], NODES[2][1]] },
  { size1: 6, size2: 8, proof: [NODES[1][2], NODES[1][3], NODES[2][0]] },
  { size1: 2, size2: 5, proof: [NODES[1][1], LEAF_HASHES[4]] },
  { size1: 6, size2: 7, proof: [NODES[1][2], LEAF_HASHES[6], NODES[2][0]] },
];

const hex = (buffers: readonly Buffer[]) => buffers.map((b) => b.toString("hex"));

describe("RFC 6962 hashing", () => {
  it("hashes each test leaf to the published leaf hash", () => {
    expect(hex(LEAVES.map(hashLeaf))).toEqual(LEAF_HASHES);
    expect(EMPTY_ROOT.toString("hex")).toBe(ROOTS[0]);
  });

  it("gives the published root and compact frontier for every size as leaves are appended", () => {
    let frontier: MerkleFrontier = EMPTY_FRONTIER;
    expect(frontierRoot(frontier).toString("hex")).toBe(ROOTS[0]);
    for (const [i, leaf] of LEAVES.entries()) {
      frontier = appendLeaf(frontier, hashLeaf(leaf));
      expect(hex([...frontier.hashes])).toEqual(FRONTIERS[i + 1]);
      expect(frontierRoot(frontier).toString("hex")).toBe(ROOTS[i + 1]);
    }
  });

  it("gives the published roots from the full tree", () => {
    const tree = new MerkleTree(LEAVES.map(hashLeaf));
    for (let size = 0; size <= 8; size += 1) expect(tree.rootAt(size).toString("hex")).toBe(ROOTS[size]);
  });
});

describe("inclusion proofs", () => {
  const tree = new MerkleTree(LEAVES.map(hashLeaf));
  it.each(INCLUSION)(
    "leaf $index of $size: generates and verifies the published proof",
    ({ index, size, proof }) => {
      expect(hex(tree.inclusionProof(index, size))).toEqual(proof);
      expect(
        checkInclusion(index, size, h(LEAF_HASHES[index]), proof.map(h), h(ROOTS[size])),
      ).toBeUndefined();
    },
  );

  it("refuses a wrong index, size, leaf, root and every single flipped bit", () => {
    const { index, size, proof } = INCLUSION[2];
    const leaf = h(LEAF_HASHES[index]);
    const root = h(ROOTS[size]);
    const good = proof.map(h);
    expect(checkInclusion(index + 1, size, leaf, good, root)).toBeDefined();
    expect(checkInclusion(index - 1, size, leaf, good, root)).toBeDefined();
    expect(checkInclusion(index, size * 2, leaf, good, root)).toBeDefined();
    expect(checkInclusion(index, size / 2, leaf, good, root)).toBeDefined();
    expect(checkInclusion(index, size, h(LEAF_HASHES[0]), good, root)).toBeDefined();
    expect(checkInclusion(index, size, leaf, good, EMPTY_ROOT)).toBeDefined();
    expect(checkInclusion(index, size, leaf, [...good, root], root)).toBeDefined();
    expect(checkInclusion(index, size, leaf, good.slice(0, -1), root)).toBeDefined();
    for (let i = 0; i < good.length; i += 1) {
      const bad = good.map((p) => Buffer.from(p));
      bad[i][0] ^= 8;
      expect(checkInclusion(index, size, leaf, bad, root)).toBeDefined();
    }
  });
});

describe("consistency proofs", () => {
  const tree = new MerkleTree(LEAVES.map(hashLeaf));
  it.each(CONSISTENCY)(
    "$size1 → $size2: generates and verifies the published proof",
    ({ size1, size2, proof }) => {
      expect(hex(tree.consistencyProof(size1, size2))).toEqual(proof);
      expect(checkConsistency(size1, size2, proof.map(h), h(ROOTS[size1]), h(ROOTS[size2]))).toBeUndefined();
    },
  );

  it("verifies a generated proof between every pair of sizes", () => {
    for (let size2 = 0; size2 <= 8; size2 += 1) {
      for (let size1 = 0; size1 <= size2; size1 += 1) {
        const proof = tree.consistencyProof(size1, size2);
        expect(checkConsistency(size1, size2, proof, h(ROOTS[size1]), h(ROOTS[size2]))).toBeUndefined();
      }
    }
  });

  it("refuses wrong sizes, swapped or wrong roots, truncated, padded and bit-flipped proofs", () => {
    const { size1, size2, proof } = CONSISTENCY[2];
    const r1 = h(ROOTS[size1]);
    const r2 = h(ROOTS[size2]);
    const good = proof.map(h);
    expect(checkConsistency(size1 - 1, size2, good, r1, r2)).toBeDefined();
    expect(checkConsistency(size1 + 1, size2, good, r1, r2)).toBeDefined();
    expect(checkConsistency(size1, size2 * 2, good, r1, r2)).toBeDefined();
    expect(checkConsistency(size1, size2 / 2, good, r1, r2)).toBeDefined();
    expect(checkConsistency(size1, size2, good, r2, r1)).toBeDefined();
    expect(checkConsistency(size1, size2, good, EMPTY_ROOT, r2)).toBeDefined();
    expect(checkConsistency(size1, size2, [], r1, r2)).toBeDefined();
    expect(checkConsistency(size1, size2, [...good, r1], r1, r2)).toBeDefined();
    expect(checkConsistency(size1, size2, [r2, ...good], r1, r2)).toBeDefined();
    expect(checkConsistency(size1, size2, good.slice(0, -1), r1, r2)).toBeDefined();
    expect(checkConsistency(size2, size1, good, r2, r1)).toBeDefined();
    for (let i = 0; i < good.length; i += 1) {
      const bad = good.map((p) => Buffer.from(p));
      bad[i][0] ^= 16;
      expect(checkConsistency(size1, size2, bad, r1, r2)).toBeDefined();
    }
  });
});

describe("signed notes", () => {
  const VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
  const SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
  const TEXT =
    "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
  const NOTE = `${TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

  it("signs the reference text byte for byte as the reference implementation does", () => {
    const signer = parseSignerKey(SKEY);
    expect(signer.text).toBe(VKEY);
    expect(signNote(TEXT, signer)).toBe(NOTE);
  });

  it("opens the reference note with the reference public key", () => {
    expect(openNote(NOTE, parseVerifierKey(VKEY)).text).toBe(TEXT);
  });

  it("refuses a changed text, a changed signature and a note signed by another key", () => {
    const verifier = parseVerifierKey(VKEY);
    expect(() => openNote(NOTE.replace("cryptography", "cryptographY"), verifier)).toThrow(/does not verify/);
    expect(() => openNote(NOTE.replace("tiFupLL", "tiFupLM"), verifier)).toThrow(/does not verify/);
    const other = parseSignerKey(generateNoteKeys("PeterNeumann").signerKey);
    expect(() => openNote(signNote(TEXT, other), verifier)).toThrow(/no signature by PeterNeumann\+c74f20a3/);
  });

  it("keeps other keys' signatures unverified beside the verifier's", () => {
    const other = parseSignerKey(generateNoteKeys("Witness").signerKey);
    const cosigned = `${NOTE}${signNote(TEXT, other).slice(TEXT.length + 1)}`;
    expect(openNote(cosigned, parseVerifierKey(VKEY)).otherSignatures).toHaveLength(1);
  });

  it("refuses mangled keys with an error naming the key", () => {
    for (const bad of [
      "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
      "PeterNeumann+c74f20a3+AhpC2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
      "PeterNeumann+c74f20a3",
      "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
      VKEY.slice(0, -1),
    ]) {
      expect(() => parseVerifierKey(bad)).toThrow(NoteFormatError);
    }
  });

  it("refuses malformed notes", () => {
    const verifier = parseVerifierKey(VKEY);
    expect(() => openNote(TEXT, verifier)).toThrow(NoteFormatError);
    expect(() => openNote(`${TEXT}\n- PeterNeumann abc=\n`, verifier)).toThrow(/signature line 1/);
    expect(() => openNote(NOTE.slice(0, -1), verifier)).toThrow(NoteFormatError);
  });

  it("makes key pairs that sign and verify", () => {
    const keys = generateNoteKeys("operator.example/telemetry");
    const note = signNote("hello\n", parseSignerKey(keys.signerKey));
    expect(openNote(note, parseVerifierKey(keys.verifierKey)).text).toBe("hello\n");
  });
});

describe("checkpoint bodies", () => {
  const body = `example.com/log\n8\n${h(ROOTS[8]).toString("base64")}\n`;

  it("reads and writes the C2SP tlog-checkpoint body", () => {
    const parsed = parseCheckpoint(body);
    expect(parsed).toEqual({ origin: "example.com/log", size: 8, root: h(ROOTS[8]), extensions: [] });
    expect(formatCheckpoint(parsed)).toBe(body);
    const extended = `${body}time 2026-12-01T00:00:00Z\n`;
    expect(formatCheckpoint(parseCheckpoint(extended))).toBe(extended);
  });

  it.each([
    ["no final newline", body.slice(0, -1), /ends with a newline/],
    ["a leading zero in the size", body.replace("\n8\n", "\n08\n"), /tree size/],
    ["a negative size", body.replace("\n8\n", "\n-8\n"), /tree size/],
    ["a short root", body.replace(/\n[^\n]+\n$/, `\n${Buffer.alloc(31).toString("base64")}\n`), /root hash/],
    ["an empty origin", body.replace("example.com/log", ""), /origin/],
    ["an empty extension line", `${body}\n`, /extension/],
    ["too few lines", "example.com/log\n8\n", /origin, a size and a root/],
  ])("refuses %s", (_name, text, message) => {
    expect(() => parseCheckpoint(text)).toThrow(message);
  });
});
