/**
 * Fault profiles: parse "typo=0.3,5xx=0.1", describe them, and decide per request whether a fault fires.
 *
 * The decision is a pure function of (request identity, the attempt number the server has seen for that identity,
 * fault name, backend kind): a retry of the same request is a new attempt, so it can succeed, and two runs of the
 * same suite against fresh simulators misbehave identically.
 */
import { FAULT_NAMES, type FaultName, type FaultProfile } from './types.ts';
import { hashUnit } from './hash.ts';

const FAULT_SET = new Set<string>(FAULT_NAMES);

function isFaultName(name: string): name is FaultName {
  return FAULT_SET.has(name);
}

/** What each fault does, for help texts and error messages. */
export const FAULT_DESCRIPTIONS: Readonly<Record<FaultName, string>> = {
  typo: 'rendered text is misspelled, missing, has extra words or is garbled; an edit of text the simulator drew keeps the old text',
  'wrong-size': 'the output image is not the requested size',
  blank: 'the output image is one flat colour',
  '5xx': 'HTTP 503 in the protocol error shape',
  timeout: 'the request is never answered',
  'malformed-json': 'HTTP 200 with a truncated JSON body',
  'slow-body': 'headers at once, the body trickled over a few seconds',
};

/**
 * Parse a fault spec: comma-separated `name=probability`, probability in 0..1 or a percentage ("30%").
 * Empty, "none" and "off" mean no faults. Throws an Error a person can act on (bad name → the valid names).
 */
export function parseFaultSpec(spec: string): FaultProfile {
  const trimmed = spec.trim();
  if (trimmed === '' || trimmed === 'none' || trimmed === 'off') return {};
  const profile: FaultProfile = {};
  const valid = FAULT_NAMES.join(', ');
  for (const rawItem of trimmed.split(',')) {
    const item = rawItem.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq === -1) {
      throw new Error(`fault spec "${spec}": "${item}" must look like name=probability, e.g. typo=0.3 (valid names: ${valid})`);
    }
    const name = item.slice(0, eq).trim().toLowerCase();
    const value = item.slice(eq + 1).trim();
    if (!isFaultName(name)) {
      throw new Error(`fault spec "${spec}": unknown fault "${name}" (valid names: ${valid})`);
    }
    if (profile[name] !== undefined) {
      throw new Error(`fault spec "${spec}": fault "${name}" is given twice`);
    }
    profile[name] = parseProbability(spec, name, value);
  }
  return profile;
}

function parseProbability(spec: string, name: string, value: string): number {
  const isPercent = value.endsWith('%');
  const numberText = isPercent ? value.slice(0, -1).trim() : value;
  // Number('') is 0 and Number(' ') too: insist on digits so "typo=" is an error, not "never".
  const p = /^[0-9]*\.?[0-9]+(e-?[0-9]+)?$/i.test(numberText) ? Number(numberText) / (isPercent ? 100 : 1) : Number.NaN;
  if (!Number.isFinite(p) || p < 0 || p > 1) {
    throw new Error(
      `fault spec "${spec}": probability of "${name}" must be a number from 0 to 1 or a percentage like 30%, got "${value}"`,
    );
  }
  return p;
}

/** One line for logs and reports: "typo 30 %, 5xx 10 %" or "no faults". Stable order (FAULT_NAMES). */
export function describeFaults(profile: FaultProfile): string {
  const parts: string[] = [];
  for (const name of FAULT_NAMES) {
    const p = profile[name];
    if (p === undefined || p <= 0) continue;
    parts.push(`${name} ${formatPercent(p)}`);
  }
  return parts.length === 0 ? 'no faults' : parts.join(', ');
}

function formatPercent(p: number): string {
  const pct = p * 100;
  return `${Number.isInteger(pct) ? pct : Number(pct.toPrecision(3))} %`;
}

/** The canonical spec string of a profile (round-trips through parseFaultSpec). */
export function formatFaultSpec(profile: FaultProfile): string {
  return FAULT_NAMES.filter((n) => (profile[n] ?? 0) > 0)
    .map((n) => `${n}=${profile[n]}`)
    .join(',');
}

/** Whether fault `name` fires for this attempt of this request. Probability 1 always fires, 0 never. */
export function faultFires(probability: number | undefined, name: FaultName, identity: string, attempt: number, kind: string): boolean {
  if (probability === undefined || probability <= 0) return false;
  if (probability >= 1) return true;
  return hashUnit('fault', kind, identity, attempt, name) < probability;
}

export function decideFaults(profile: FaultProfile, identity: string, attempt: number, kind: string): Set<FaultName> {
  const fired = new Set<FaultName>();
  for (const name of FAULT_NAMES) {
    if (faultFires(profile[name], name, identity, attempt, kind)) fired.add(name);
  }
  return fired;
}

/** Common CJK characters a "typo" may substitute (all present in the bundled CJK font). */
const CJK_SUBSTITUTES = '的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话';

function isCjk(ch: string): boolean {
  return /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(ch);
}

const LOWER = 'abcdefghijklmnopqrstuvwxyz';

/**
 * The text a "typo" fault draws instead of `text`: one character wrong, two adjacent characters swapped, or one
 * dropped; a CJK character is replaced by a different CJK character. Always differs from `text` (unless empty).
 */
export function applyTypo(text: string, rand: () => number): string {
  const chars = [...text];
  const letters = chars.map((c, i) => ({ c, i })).filter(({ c }) => /\S/u.test(c));
  if (letters.length === 0) return text;
  const pick = letters[Math.floor(rand() * letters.length)] ?? letters[0]!;
  if (isCjk(pick.c)) {
    const pool = [...CJK_SUBSTITUTES].filter((c) => c !== pick.c);
    chars[pick.i] = pool[Math.floor(rand() * pool.length)] ?? '错';
    return chars.join('');
  }
  const op = Math.floor(rand() * 3);
  if (op === 1) {
    // Swap with the next character when it is visible and different (swapping "ll" would change nothing).
    const next = chars[pick.i + 1];
    if (next !== undefined && /\S/u.test(next) && next !== pick.c) {
      chars[pick.i] = next;
      chars[pick.i + 1] = pick.c;
      return chars.join('');
    }
  }
  if (op === 2 && letters.length > 1) {
    chars.splice(pick.i, 1);
    return chars.join('');
  }
  chars[pick.i] = wrongCharacter(pick.c, rand);
  return chars.join('');
}

/**
 * The kinds of text failure a "typo" fault draws (issue 11's tags without the `text.` prefix). `source_kept` only
 * for an edit whose input shows other text (keepsSourceText), the others from applyTextFault.
 */
export const TEXT_FAULT_KINDS = ['misspelled', 'missing', 'extra', 'garbled', 'source_kept'] as const;
export type TextFaultKind = (typeof TEXT_FAULT_KINDS)[number];

/** Of the "typo" faults on an edit whose input shows other text, the share that leave that text in place. */
export const SOURCE_KEPT_SHARE = 0.4;

/**
 * Whether a "typo" fault on this request leaves the input's text in place instead of drawing the new text: only
 * when the input shows text (`sourceText`, what the simulator drew there itself) that reads differently from the
 * text asked for, and then for SOURCE_KEPT_SHARE of identities. Drawn from its own hash, so the kind every other
 * request draws (applyTextFault, seeded by the identity) is the same as before this kind existed.
 */
export function keepsSourceText(sourceText: readonly string[] | undefined, spans: readonly string[], identity: string): boolean {
  if (!sourceText || sourceText.length === 0 || sourceText.join(' ') === spans.join(' ')) return false;
  return hashUnit('typo-source-kept', identity) < SOURCE_KEPT_SHARE;
}

/** Words an "extra" fault inserts into Latin text. */
const EXTRA_WORDS = ['NEW', 'BIG', 'THE', 'BEST', 'HOT', 'NOW', 'FREE'];

/**
 * What a "typo" fault draws instead of `text`, and which kind of failure that is: misspelled (applyTypo, 40 %),
 * missing (a word or CJK character dropped, or the whole line when it has one word; 20 %), extra (a word or
 * CJK character added; 20 %), garbled (every letter replaced, word shapes kept; 20 %). Seeded by `rand`, so a
 * request's identity always gives the same failure; text without visible characters is left alone.
 */
export function applyTextFault(text: string, rand: () => number): { text: string; kind: Exclude<TextFaultKind, 'source_kept'> } {
  const chars = [...text];
  const visible = chars.map((c, i) => ({ c, i })).filter(({ c }) => /\S/u.test(c));
  if (visible.length === 0) return { text, kind: 'misspelled' };
  const roll = rand();
  if (roll < 0.4) return { text: applyTypo(text, rand), kind: 'misspelled' };
  const cjk = visible.some(({ c }) => isCjk(c));
  const words = text.split(/(\s+)/u); // keeps the separators at odd indexes
  const wordIdx = words.map((w, i) => (i % 2 === 0 && w !== '' ? i : -1)).filter((i) => i >= 0);
  if (roll < 0.6) {
    // Missing: Latin drops a word (the whole text when it has one), CJK drops one character (or all of one).
    if (cjk) {
      if (visible.length === 1) return { text: '', kind: 'missing' };
      const drop = visible[Math.floor(rand() * visible.length)]!;
      chars.splice(drop.i, 1);
      return { text: chars.join(''), kind: 'missing' };
    }
    if (wordIdx.length < 2) return { text: '', kind: 'missing' };
    const drop = wordIdx[Math.floor(rand() * wordIdx.length)]!;
    const kept = words.filter((_, i) => i !== drop && i !== drop + (drop + 1 < words.length ? 1 : -1));
    return { text: kept.join(''), kind: 'missing' };
  }
  if (roll < 0.8) {
    // Extra: Latin gains a word, CJK a character.
    if (cjk) {
      const at = visible[Math.floor(rand() * visible.length)]!.i;
      chars.splice(at, 0, CJK_SUBSTITUTES[Math.floor(rand() * CJK_SUBSTITUTES.length)]!);
      return { text: chars.join(''), kind: 'extra' };
    }
    const first = words[wordIdx[0]!]!;
    const upper = first === first.toUpperCase();
    const word = EXTRA_WORDS[Math.floor(rand() * EXTRA_WORDS.length)]!;
    const insert = upper ? word : word.charAt(0) + word.slice(1).toLowerCase();
    const at = wordIdx[Math.floor(rand() * wordIdx.length)]!;
    words.splice(at, 0, insert, ' ');
    return { text: words.join(''), kind: 'extra' };
  }
  // Garbled: every visible character replaced (CJK by other CJK, letters by letters, digits by digits).
  const garbled = chars.map((c) => {
    if (!/\S/u.test(c)) return c;
    if (isCjk(c)) return CJK_SUBSTITUTES[Math.floor(rand() * CJK_SUBSTITUTES.length)]!;
    if (/\p{L}|\p{N}/u.test(c)) return wrongCharacter(c, rand);
    return c;
  });
  return { text: garbled.join(''), kind: 'garbled' };
}

function wrongCharacter(c: string, rand: () => number): string {
  const lower = c.toLowerCase();
  if (/^\p{Nd}$/u.test(c)) return String((Number(c) + 1 + Math.floor(rand() * 8)) % 10);
  const pool = [...LOWER].filter((l) => l !== lower);
  const replacement = pool[Math.floor(rand() * pool.length)] ?? 'x';
  const isUpper = c !== lower;
  return isUpper ? replacement.toUpperCase() : replacement;
}
