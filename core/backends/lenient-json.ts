/**
 * JSON as Python writes it. `json.dumps` emits bare `NaN`, `Infinity` and `-Infinity` by default (allow_nan=True),
 * which JSON.parse refuses: one NaN timing made a whole response "not valid JSON" and its good image was lost.
 * parseLenientJson reads such a body with those tokens as `null` (the fields that held them are then dropped and
 * noted by the number checks in shared/server-numbers.ts). Strings are never touched: "NaN" inside quotes stays.
 */

const rewrittenCounts = new WeakMap<object, number>();

/** How many bare NaN/Infinity tokens were read as null to parse `value` (0 for anything parsed as is). */
export function nonFiniteTokensIn(value: unknown): number {
  return typeof value === 'object' && value !== null ? (rewrittenCounts.get(value) ?? 0) : 0;
}

/** JSON.parse, or, when that fails, a second try with bare NaN/Infinity/-Infinity outside strings read as null. */
export function parseLenientJson(text: string): { value: unknown; nonFinite: number } {
  try {
    return { value: JSON.parse(text), nonFinite: 0 };
  } catch (error) {
    const rewritten = nonFiniteToNull(text);
    if (rewritten.count === 0) throw error;
    // Throws the parser's own error if the body is broken in some other way too.
    const value: unknown = JSON.parse(rewritten.text);
    if (typeof value === 'object' && value !== null) rewrittenCounts.set(value, rewritten.count);
    return { value, nonFinite: rewritten.count };
  }
}

const TOKENS = ['-Infinity', 'Infinity', 'NaN'] as const;

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_$.+-]/.test(c);
}

/**
 * Replace the tokens NaN, Infinity and -Infinity that stand outside string literals with null. One pass, linear in
 * the length; a token must stand alone (not part of a longer word such as NaNa or a number such as 1Infinity).
 */
export function nonFiniteToNull(text: string): { text: string; count: number } {
  const parts: string[] = [];
  let count = 0;
  let copiedUpTo = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++; // skip the escaped character (\" or \\ included)
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      continue;
    }
    if (c !== 'N' && c !== 'I' && c !== '-') continue;
    const token = TOKENS.find((t) => text.startsWith(t, i));
    if (!token) continue;
    const end = i + token.length;
    if (isWordChar(text[i - 1]) || isWordChar(text[end])) continue;
    parts.push(text.slice(copiedUpTo, i), 'null');
    copiedUpTo = end;
    count++;
    i = end - 1;
  }
  if (count === 0) return { text, count: 0 };
  parts.push(text.slice(copiedUpTo));
  return { text: parts.join(''), count };
}
