/** Query tokens: whitespace-split with double-quoted runs kept whole, and the bucket chips' token toggling. */

export interface Token {
  raw: string;
  start: number;
  end: number;
}

/** Split on whitespace, keeping double-quoted runs ("grand opening", tag:"a b") inside one token. */
export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    while (i < input.length && /\s/.test(input[i]!)) i++;
    if (i >= input.length) break;
    const start = i;
    let quoted = false;
    while (i < input.length && (quoted || !/\s/.test(input[i]!))) {
      if (input[i] === '"') quoted = !quoted;
      i++;
    }
    tokens.push({ raw: input.slice(start, i), start, end: i });
  }
  return tokens;
}

export function unquote(s: string): string {
  return s.replace(/"/g, '');
}

/** True when the query holds `token` as a whole token (bucket chips show themselves active with it). */
export function hasToken(query: string, token: string): boolean {
  return tokenize(query).some((t) => t.raw === token);
}

/**
 * Toggle a bucket's token in the query. Buckets of one group are exclusive (two verdict buckets ANDed would
 * match nothing), so adding one removes the others of its group; every other token the user typed stays.
 */
export function toggleToken(query: string, token: string, exclusiveWith: readonly string[]): string {
  const tokens = tokenize(query).map((t) => t.raw);
  const present = tokens.includes(token);
  const kept = tokens.filter((t) => t !== token && !exclusiveWith.includes(t));
  if (!present) kept.push(token);
  return kept.join(' ');
}
