/**
 * The candidate closest to `word` when it is plausibly a typo of it (same text ignoring case,
 * dashes and spaces, or a few edits away for its length), for "did you mean ...?" hints.
 *
 * @example didYouMean("trakcs", ["tracks", "labels"]) === "tracks"
 */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const loose = (text: string) => text.toLowerCase().replace(/[\s\-–—_]/g, "");
  const exactish = candidates.find((candidate) => loose(candidate) === loose(word));
  if (exactish !== undefined) return exactish;
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    // Two edits turn "newest" into "lowest": only count edits that are few for the word's length.
    if (distance <= 2 && distance * 3 < word.length && (best === undefined || distance < best.distance))
      best = { candidate, distance };
  }
  return best?.candidate;
}

/** Edit distance counting a swap of two neighbouring letters as one edit (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 0; j <= b.length; j += 1) d[0][j] = j;
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}
