/**
 * "Did you mean …?" for suite keys and enum values. Pure, so the thresholds are unit-tested rather than guessed.
 */

/** Levenshtein distance with adjacent transpositions counted as one edit (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    const row = d[i] as number[];
    const prev = d[i - 1] as number[];
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (d[i - 2] as number[])[j - 2] as number + 1);
      }
      row[j] = best;
    }
  }
  return (d[rows - 1] as number[])[cols - 1] as number;
}

/** negativePrompt / Negative-Prompt / negative prompt → negative_prompt: the spellings people type for our keys. */
function normalizeKey(word: string): string {
  return word
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[\s-]+/g, '_')
    .toLowerCase();
}

/**
 * The candidate closest to `word`, or undefined when nothing is close enough to be a plausible typo.
 * Allows roughly one edit per four characters (at least one, at most three), so `negativ_prompt` finds
 * `negative_prompt` but `colour` does not turn into `category`; failing that, the one candidate that starts
 * with `word` (at least 3 characters). Case, camelCase and hyphens are ignored.
 */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  const w = normalizeKey(word);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const c = normalizeKey(candidate);
    if (c === w) return candidate;
    const distance = editDistance(w, c);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const allowed = Math.min(3, Math.max(1, Math.floor(w.length / 4)));
  if (bestDistance <= allowed) return best;
  // A truncation ("text" for "text-rendering", "neg" for "negative_prompt"), when only one candidate starts so.
  if (w.length >= 3) {
    const starts = candidates.filter((c) => normalizeKey(c).startsWith(w));
    if (starts.length === 1) return starts[0];
  }
  return undefined;
}
