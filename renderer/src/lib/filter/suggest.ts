/** "did you mean …?" for a mistyped filter key or value: the closest candidate by edit distance. */

function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** "; did you mean X?" when one candidate is close (at most a third of the word off), else "". */
export function suggest(input: string, candidates: readonly string[], display: readonly string[] = candidates): string {
  let best = -1;
  let bestDistance = Infinity;
  candidates.forEach((c, i) => {
    const d = levenshtein(input, c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = i;
    }
  });
  if (best < 0 || bestDistance > Math.max(1, Math.floor(input.length / 3))) return '';
  return `; did you mean ${display[best]}?`;
}
