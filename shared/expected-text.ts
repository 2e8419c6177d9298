/**
 * Expected text defaults to the quoted spans of the prompt (DESIGN "Review model"), the convention of
 * text-rendering benchmarks (LongCat-Image, CVTG-2K): "…", “…”, ‘…’, 「…」, 『…』, and '…' when the single
 * quotes stand at word boundaries (so "don't" and "Rock 'n' roll" are not spans).
 */
const PAIRED: ReadonlyArray<RegExp> = [
  /"([^"\n]+)"/gu,
  /“([^”\n]+)”/gu,
  /‘([^’\n]+)’/gu,
  /「([^」\n]+)」/gu,
  /『([^』\n]+)』/gu,
  /(?<![\p{L}\p{N}])'([^'\n]{2,}?)'(?![\p{L}\p{N}])/gu,
];

export function quotedSpans(prompt: string): string[] {
  const found: Array<{ index: number; text: string }> = [];
  for (const re of PAIRED) {
    for (const m of prompt.matchAll(re)) {
      const text = (m[1] ?? '').trim();
      if (text) found.push({ index: m.index ?? 0, text });
    }
  }
  found.sort((a, b) => a.index - b.index);
  return found.map((f) => f.text);
}
