/**
 * Text-rendering metrics (issue 11): the one normalisation, CER, NED, word / character accuracy, bag-of-words
 * recall, a per-character alignment for highlighting, pass/fail and the per-side `text.*` tag suggestions.
 * Pure and isomorphic: the run, the CLI `text-check`, the reports and the UI all score text here, so a number
 * means the same everywhere. docs/text-check.md states the rules in words; keep the two in step.
 *
 * Definitions follow the benchmarks in review-anchors §3: CER = (S+D+I)/N (Levenshtein on characters), NED
 * similarity = 1 − Lev/max(|p|,|g|) (CVTG-2K, TextEdit, OneIG), word accuracy = share of expected words found
 * (CVTG-2K), bag-of-words recall = |multiset(gt) ∩ multiset(ocr)| / |gt| with English words and Chinese
 * characters as the bag items (LongText-Bench).
 */

export type TextLanguage = 'zh' | 'en' | 'mixed';

/** Suggested failure tags, per side. `text.source_kept`: an edit left the source text in place. */
export const TEXT_TAGS = ['text.missing', 'text.misspelled', 'text.extra', 'text.garbled', 'text.source_kept'] as const;
export type TextTag = (typeof TEXT_TAGS)[number];

/**
 * One comparable character after normalisation, with where it came from in the original string (UTF-16
 * offsets), so the UI can highlight the original text rather than the normalised one.
 */
export interface TextUnit {
  ch: string;
  start: number;
  end: number;
  /** Index of the word the character belongs to; every CJK character is a word of its own. */
  word: number;
  cjk: boolean;
}

// Han, kana and Hangul are written without spaces; each character is its own "word" (LongText-Bench's ZH bag).
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const KEEP = /[\p{L}\p{N}]/u;
const SPACE = /\s/u;

/** Expected text longer than this (in normalised characters) is scored on its first MAX_UNITS characters. */
export const MAX_UNITS = 2000;

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The normalisation, per grapheme: NFKC (full-width → half-width, compatibility forms like ① → 1), lower case,
 * letters and digits kept, punctuation and symbols dropped (they join: "don't" → "dont", as LongText-Bench),
 * whitespace separates words, CJK characters are words of their own so spacing between them does not count
 * (Tesseract writes "新 年 快乐").
 */
export function textUnits(text: string): TextUnit[] {
  const units: TextUnit[] = [];
  let word = 0;
  let wordOpen = false;
  for (const seg of segmenter.segment(text)) {
    const start = seg.index;
    const end = start + seg.segment.length;
    const norm = seg.segment.normalize('NFKC').toLowerCase();
    for (const ch of norm) {
      if (SPACE.test(ch)) {
        if (wordOpen) word += 1;
        wordOpen = false;
        continue;
      }
      if (!KEEP.test(ch)) continue;
      const cjk = CJK.test(ch);
      if (cjk) {
        if (wordOpen) word += 1;
        units.push({ ch, start, end, word, cjk });
        word += 1;
        wordOpen = false;
      } else {
        units.push({ ch, start, end, word, cjk });
        wordOpen = true;
      }
    }
  }
  return units;
}

/** The normalised string: Latin words separated by one space, no spaces around CJK characters. */
export function normalizeText(text: string): string {
  return joinUnits(textUnits(text));
}

function joinUnits(units: readonly TextUnit[]): string {
  let out = '';
  for (let i = 0; i < units.length; i++) {
    const u = units[i]!;
    const prev = units[i - 1];
    if (prev && prev.word !== u.word && !prev.cjk && !u.cjk) out += ' ';
    out += u.ch;
  }
  return out;
}

/** Bag items: Latin words (letters and digits joined within a word) and single CJK characters. */
export function textTokens(text: string): string[] {
  return tokensOf(textUnits(text));
}

function tokensOf(units: readonly TextUnit[]): string[] {
  const tokens: string[] = [];
  let current = '';
  let currentWord = -1;
  for (const u of units) {
    if (u.word !== currentWord && current) {
      tokens.push(current);
      current = '';
    }
    currentWord = u.word;
    current += u.ch;
  }
  if (current) tokens.push(current);
  return tokens;
}

/**
 * Language of the expected text: 'zh' when its letters are CJK only, 'en' when they have no CJK, 'mixed'
 * otherwise. Digits count for neither. Text with no letters at all reads as 'en'.
 */
export function detectLanguage(text: string): TextLanguage {
  let cjk = 0;
  let latin = 0;
  for (const u of textUnits(text)) {
    if (u.cjk) cjk += 1;
    else if (/\p{L}/u.test(u.ch)) latin += 1;
  }
  if (cjk > 0 && latin === 0) return 'zh';
  if (cjk > 0) return 'mixed';
  return 'en';
}

// ---------------------------------------------------------------------------------------------------------
// Edit distance and alignment
// ---------------------------------------------------------------------------------------------------------

/** Levenshtein distance on sequences (unit costs). Two rows; O(|a|·|b|) time. */
export function levenshtein(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    const ai = a[i - 1];
    for (let j = 1; j <= b.length; j++) {
      const sub = prev[j - 1]! + (ai === b[j - 1] ? 0 : 1);
      const del = prev[j]! + 1;
      const ins = cur[j - 1]! + 1;
      cur[j] = sub < del ? (sub < ins ? sub : ins) : del < ins ? del : ins;
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

export type AlignOpKind = 'match' | 'wrong' | 'missing' | 'extra';

/**
 * One step of the alignment of expected against recognised text. Offsets are UTF-16 offsets into the ORIGINAL
 * strings (before normalisation), so a UI can mark `expected.slice(expectedStart, expectedEnd)`. An `extra`
 * step has no expected range; `expectedAt` says where in the expected text it would be inserted.
 */
export interface AlignOp {
  op: AlignOpKind;
  expected?: string;
  recognized?: string;
  expectedStart?: number;
  expectedEnd?: number;
  recognizedStart?: number;
  recognizedEnd?: number;
  /** For `extra`: the expected-text offset the extra character sits at. */
  expectedAt?: number;
}

interface RawOp {
  op: AlignOpKind;
  i: number; // index into expected units (−1 for extra)
  j: number; // index into recognised units (−1 for missing)
}

/** Full-matrix Levenshtein with back-trace; ties prefer match/wrong, then missing, then extra. */
function alignUnits(exp: readonly TextUnit[], rec: readonly TextUnit[]): RawOp[] {
  const n = exp.length;
  const m = rec.length;
  const w = m + 1;
  const d = new Uint32Array((n + 1) * w);
  for (let j = 0; j <= m; j++) d[j] = j;
  for (let i = 1; i <= n; i++) {
    d[i * w] = i;
    const ei = exp[i - 1]!.ch;
    for (let j = 1; j <= m; j++) {
      const sub = d[(i - 1) * w + j - 1]! + (ei === rec[j - 1]!.ch ? 0 : 1);
      const del = d[(i - 1) * w + j]! + 1;
      const ins = d[i * w + j - 1]! + 1;
      d[i * w + j] = Math.min(sub, del, ins);
    }
  }
  const ops: RawOp[] = [];
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    const here = d[i * w + j]!;
    if (i > 0 && j > 0) {
      const same = exp[i - 1]!.ch === rec[j - 1]!.ch;
      if (d[(i - 1) * w + j - 1]! + (same ? 0 : 1) === here) {
        ops.push({ op: same ? 'match' : 'wrong', i: i - 1, j: j - 1 });
        i -= 1;
        j -= 1;
        continue;
      }
    }
    if (i > 0 && d[(i - 1) * w + j]! + 1 === here) {
      ops.push({ op: 'missing', i: i - 1, j: -1 });
      i -= 1;
      continue;
    }
    ops.push({ op: 'extra', i: -1, j: j - 1 });
    j -= 1;
  }
  return ops.reverse();
}

function toAlignOps(raw: readonly RawOp[], exp: readonly TextUnit[], rec: readonly TextUnit[], expectedLength: number): AlignOp[] {
  const out: AlignOp[] = [];
  // Where an extra character would be inserted: the start of the next expected character, or the end.
  let nextExpectedStart = expectedLength;
  const atFor: number[] = new Array<number>(raw.length);
  for (let k = raw.length - 1; k >= 0; k--) {
    const r = raw[k]!;
    if (r.i >= 0) nextExpectedStart = exp[r.i]!.start;
    atFor[k] = nextExpectedStart;
  }
  raw.forEach((r, k) => {
    const op: AlignOp = { op: r.op };
    if (r.i >= 0) {
      const u = exp[r.i]!;
      op.expected = u.ch;
      op.expectedStart = u.start;
      op.expectedEnd = u.end;
    }
    if (r.j >= 0) {
      const u = rec[r.j]!;
      op.recognized = u.ch;
      op.recognizedStart = u.start;
      op.recognizedEnd = u.end;
    }
    if (r.op === 'extra') op.expectedAt = atFor[k]!;
    out.push(op);
  });
  return out;
}

/** Per-character alignment of expected against recognised text (both normalised as in textUnits). */
export function alignText(expected: string, recognized: string): AlignOp[] {
  const exp = textUnits(expected).slice(0, MAX_UNITS);
  const rec = textUnits(recognized).slice(0, MAX_UNITS);
  return toAlignOps(alignUnits(exp, rec), exp, rec, expected.length);
}

// ---------------------------------------------------------------------------------------------------------
// Scores
// ---------------------------------------------------------------------------------------------------------

function chars(text: string): string[] {
  return textUnits(text)
    .slice(0, MAX_UNITS)
    .map((u) => u.ch);
}

/**
 * Character error rate: (S + D + I) / N over normalised characters (spaces do not count). Can exceed 1.
 * With no expected characters: 0 when nothing was recognised either, else 1.
 */
export function characterErrorRate(expected: string, recognized: string): number {
  const e = chars(expected);
  const r = chars(recognized);
  if (e.length === 0) return r.length === 0 ? 0 : 1;
  return levenshtein(e, r) / e.length;
}

/** NED similarity 1 − Lev/max(|p|,|g|) over normalised characters; 1 when both are empty. Higher is better. */
export function nedSimilarity(expected: string, recognized: string): number {
  return nedOf(chars(expected), chars(recognized));
}

function nedOf(e: readonly string[], r: readonly string[]): number {
  const max = Math.max(e.length, r.length);
  if (max === 0) return 1;
  return 1 - levenshtein(e, r) / max;
}

function multisetRecall(gt: readonly string[], found: readonly string[]): number {
  if (gt.length === 0) return 1;
  const bag = new Map<string, number>();
  for (const t of found) bag.set(t, (bag.get(t) ?? 0) + 1);
  let matched = 0;
  for (const t of gt) {
    const left = bag.get(t) ?? 0;
    if (left > 0) {
      matched += 1;
      bag.set(t, left - 1);
    }
  }
  return matched / gt.length;
}

/**
 * Word accuracy (CVTG-2K / OneIG): the share of the expected Latin words found exactly in the recognised
 * text (each recognised word used once). `null` when the expected text has no Latin words (pure Chinese).
 */
export function wordAccuracy(expected: string, recognized: string): number | null {
  const latin = (units: TextUnit[]): string[] => tokensOf(units.filter((u) => !u.cjk));
  const gt = latin(textUnits(expected));
  if (gt.length === 0) return null;
  return multisetRecall(gt, latin(textUnits(recognized)));
}

/**
 * Character accuracy (Chinese): the share of expected CJK characters that the alignment matches exactly,
 * 1 − (S + D)/N on those characters. `null` when the expected text has no CJK characters.
 */
export function characterAccuracy(expected: string, recognized: string): number | null {
  const exp = textUnits(expected).slice(0, MAX_UNITS);
  const rec = textUnits(recognized).slice(0, MAX_UNITS);
  return cjkAccuracy(alignUnits(exp, rec), exp);
}

function cjkAccuracy(raw: readonly RawOp[], exp: readonly TextUnit[]): number | null {
  const total = exp.filter((u) => u.cjk).length;
  if (total === 0) return null;
  let matched = 0;
  for (const r of raw) if (r.op === 'match' && exp[r.i]!.cjk) matched += 1;
  return matched / total;
}

/** LongText-Bench bag-of-words recall: English words and Chinese characters as bag items, order ignored. */
export function bagOfWordsRecall(expected: string, recognized: string): number {
  return multisetRecall(textTokens(expected), textTokens(recognized));
}

// ---------------------------------------------------------------------------------------------------------
// The check: relevant lines, scores, pass/fail, tag suggestions
// ---------------------------------------------------------------------------------------------------------

/** One line of OCR output (the engine's lines; only the text is used here). */
export interface RecognizedLine {
  text: string;
  confidence?: number;
}

export interface TextThresholds {
  /** Fail when CER is above this. */
  maxCer: number;
  /**
   * Fail when bag-of-words recall is below this. 0 (off) by default: its English items are words, and OCR that
   * drops a space between words ("FRESHCOFFEE") loses both words while CER counts nothing wrong.
   */
  minBagRecall: number;
  /**
   * Recognised text of which less than this share of characters match the expected text reads as garbled
   * rather than misspelled (a partial but correct reading is missing text, not garbage).
   */
  garbledBelowPrecision: number;
  /** A line counts toward the expected text when it fits somewhere in it with at least this NED similarity. */
  minLineOverlap: number;
  /** The source text counts as kept when it is found with at least this NED similarity. */
  sourceKeptMinNed: number;
}

/** Defaults chosen on the tuning half of the labelled set (docs/text-check.md, "Thresholds"). */
export const DEFAULT_TEXT_THRESHOLDS: TextThresholds = {
  maxCer: 0,
  minBagRecall: 0,
  garbledBelowPrecision: 0.5,
  minLineOverlap: 0.6,
  sourceKeptMinNed: 0.8,
};

export interface TextCounts {
  /** Normalised characters in the expected / recognised (relevant) text. */
  expected: number;
  recognized: number;
  match: number;
  wrong: number;
  missing: number;
  extra: number;
}

export interface TextScores {
  lang: TextLanguage;
  expectedNormalized: string;
  recognizedNormalized: string;
  cer: number;
  ned: number;
  wordAccuracy: number | null;
  charAccuracy: number | null;
  bagOfWordsRecall: number;
  counts: TextCounts;
}

/** Scores of one expected text against one recognised text. */
export function scoreText(expected: string, recognized: string): TextScores & { alignment: AlignOp[] } {
  const exp = textUnits(expected).slice(0, MAX_UNITS);
  const rec = textUnits(recognized).slice(0, MAX_UNITS);
  const raw = alignUnits(exp, rec);
  return { ...scoresOf(expected, recognized, exp, rec, raw), alignment: toAlignOps(raw, exp, rec, expected.length) };
}

function scoresOf(expected: string, recognized: string, exp: TextUnit[], rec: TextUnit[], raw: RawOp[]): TextScores {
  const counts: TextCounts = { expected: exp.length, recognized: rec.length, match: 0, wrong: 0, missing: 0, extra: 0 };
  for (const r of raw) counts[r.op] += 1;
  const lev = counts.wrong + counts.missing + counts.extra;
  const cer = exp.length === 0 ? (rec.length === 0 ? 0 : 1) : lev / exp.length;
  const max = Math.max(exp.length, rec.length);
  return {
    lang: detectLanguage(expected),
    expectedNormalized: joinUnits(exp),
    recognizedNormalized: joinUnits(rec),
    cer,
    ned: max === 0 ? 1 : 1 - lev / max,
    wordAccuracy: wordAccuracy(expected, recognized),
    charAccuracy: cjkAccuracy(raw, exp),
    bagOfWordsRecall: multisetRecall(tokensOf(exp), tokensOf(rec)),
    counts,
  };
}

/**
 * Which OCR lines carry the expected text: those that fit somewhere in it with an NED similarity of at least
 * `minLineOverlap` (bestSubstringSimilarity). Other text in the picture (a shop sign in the photo) is left out of
 * the scores. When no line qualifies every line is kept, so garbled text still reads as garbled, not absent.
 * Returned in the order their text best fits the expected text, so line order in the image does not count.
 */
export function selectRelevantLines(expected: string, lines: readonly RecognizedLine[], minLineOverlap: number): number[] {
  const expUnits = textUnits(expected);
  const kept: number[] = [];
  lines.forEach((line, index) => {
    if (textUnits(line.text).length === 0) return;
    if (bestSubstringSimilarity(line.text, expected) >= minLineOverlap) kept.push(index);
  });
  const chosen = kept.length > 0 ? kept : lines.map((_, i) => i).filter((i) => textUnits(lines[i]!.text).length > 0);
  if (chosen.length < 2) return chosen;
  const expChars = expUnits.map((u) => u.ch);
  const position = new Map(chosen.map((i) => [i, bestFitOffset(expChars, chars(lines[i]!.text))]));
  return [...chosen].sort((a, b) => position.get(a)! - position.get(b)! || a - b);
}

/** Where `needle` best fits inside `hay` (semi-global alignment: free gaps at both ends of `hay`). */
function bestFitOffset(hay: readonly string[], needle: readonly string[]): number {
  if (needle.length === 0 || hay.length === 0) return 0;
  // d[j] = cost of aligning needle[0..i) ending at hay[j]; start[j] = where that alignment began in hay.
  let prev = new Array<number>(hay.length + 1).fill(0);
  let prevStart = Array.from({ length: hay.length + 1 }, (_, j) => j);
  for (let i = 1; i <= needle.length; i++) {
    const cur = new Array<number>(hay.length + 1);
    const curStart = new Array<number>(hay.length + 1);
    cur[0] = i;
    curStart[0] = 0;
    for (let j = 1; j <= hay.length; j++) {
      const sub = prev[j - 1]! + (needle[i - 1] === hay[j - 1] ? 0 : 1);
      const del = prev[j]! + 1;
      const ins = cur[j - 1]! + 1;
      if (sub <= del && sub <= ins) {
        cur[j] = sub;
        curStart[j] = prevStart[j - 1]!;
      } else if (del <= ins) {
        cur[j] = del;
        curStart[j] = prevStart[j]!;
      } else {
        cur[j] = ins;
        curStart[j] = curStart[j - 1]!;
      }
    }
    prev = cur;
    prevStart = curStart;
  }
  let best = 0;
  for (let j = 1; j <= hay.length; j++) if (prev[j]! < prev[best]!) best = j;
  return prevStart[best]!;
}

/** Best NED similarity of `needle` against any contiguous stretch of `hay` (free gaps at both ends of hay). */
export function bestSubstringSimilarity(needle: string, hay: string): number {
  const n = chars(needle);
  const h = chars(hay);
  if (n.length === 0) return 1;
  if (h.length === 0) return 0;
  let prev = new Array<number>(h.length + 1).fill(0);
  for (let i = 1; i <= n.length; i++) {
    const cur = new Array<number>(h.length + 1);
    cur[0] = i;
    for (let j = 1; j <= h.length; j++) {
      cur[j] = Math.min(prev[j - 1]! + (n[i - 1] === h[j - 1] ? 0 : 1), prev[j]! + 1, cur[j - 1]! + 1);
    }
    prev = cur;
  }
  return 1 - Math.min(...prev) / n.length;
}

export interface TextCheckInput {
  /** Expected text (spans joined by a space when several). */
  expected: string;
  /** OCR lines of the output image. */
  lines: readonly RecognizedLine[];
  /** For edits: the text the source image showed, to detect an edit that left it in place. */
  sourceText?: string;
  thresholds?: Partial<TextThresholds>;
}

export interface TextCheckResult extends TextScores {
  /** The recognised text the scores use: the relevant lines joined by a space. */
  recognized: string;
  /** Indexes of the OCR lines that carry the expected text, in expected-text order. */
  usedLines: number[];
  /** Every OCR line's text joined (for display; includes text unrelated to the expected text). */
  recognizedAll: string;
  alignment: AlignOp[];
  pass: boolean;
  /** Suggested tags; empty when the check passes. */
  tags: TextTag[];
}

/** Score one output against its expected text and suggest tags. */
export function checkText(input: TextCheckInput): TextCheckResult {
  const t: TextThresholds = { ...DEFAULT_TEXT_THRESHOLDS, ...input.thresholds };
  const usedLines = selectRelevantLines(input.expected, input.lines, t.minLineOverlap);
  const recognized = usedLines.map((i) => input.lines[i]!.text).join(' ');
  const recognizedAll = input.lines.map((l) => l.text).join(' ');
  const scored = scoreText(input.expected, recognized);
  const pass = scored.cer <= t.maxCer + 1e-9 && scored.bagOfWordsRecall >= t.minBagRecall - 1e-9;
  const tags = pass ? [] : suggestTags(input.expected, recognized, recognizedAll, scored, t, input.sourceText);
  return { ...scored, recognized, usedLines, recognizedAll, pass, tags };
}

/**
 * Tags from the alignment, per the kinds of error (docs/text-check.md "Tags"):
 * - missing: nothing recognised, or a whole expected word (a Latin word, or a CJK character) absent;
 * - extra: a whole recognised word (a Latin word, or a CJK character) that the expected text lacks;
 * - misspelled: a word read differently (letters wrong, dropped or added inside it; a wrong CJK character);
 * words are aligned as words (alignTokens), so OCR that joins or splits words does not read as missing;
 * - garbled: something was recognised but less than `garbledBelowPrecision` of it matches (replaces the others);
 * - source_kept: the source text is still there and reads closer than the expected text.
 */
export function suggestTags(
  expected: string,
  recognized: string,
  recognizedAll: string,
  scored: TextScores & { alignment: AlignOp[] },
  t: TextThresholds,
  sourceText?: string,
): TextTag[] {
  const tags = new Set<TextTag>();
  const exp = textUnits(expected).slice(0, MAX_UNITS);
  const rec = textUnits(recognized).slice(0, MAX_UNITS);
  if (sourceText && normalizeText(sourceText) !== normalizeText(expected)) {
    const keptSim = bestSubstringSimilarity(sourceText, recognizedAll);
    if (keptSim >= t.sourceKeptMinNed && keptSim > bestSubstringSimilarity(expected, recognizedAll)) tags.add('text.source_kept');
  }
  if (rec.length === 0) {
    if (exp.length > 0) tags.add('text.missing');
    return order(tags);
  }
  if (scored.counts.match / rec.length < t.garbledBelowPrecision) {
    tags.add('text.garbled');
    return order(tags);
  }
  const ops = alignTokens(tokensOf(exp), tokensOf(rec));
  if (ops.includes('missing')) tags.add('text.missing');
  if (ops.includes('extra')) tags.add('text.extra');
  if (ops.includes('wrong')) tags.add('text.misspelled');
  return order(tags);
}

const MAX_TOKENS = 500;
// A merge or split (OCR joined or broke words) costs a hair more than a plain match, so it is only taken when
// it explains the spacing.
const REGROUP_COST = 0.01;

/** Joined or split words only when they read nearly the same; otherwise a dropped word would hide in a join. */
function regroupCost(a: string, b: string): number {
  const dist = tokenDistance(a, b);
  return dist <= MAX_REGROUP_DISTANCE ? dist + REGROUP_COST : Infinity;
}
const MAX_REGROUP_DISTANCE = 0.25;

function tokenDistance(a: string, b: string): number {
  if (a === b) return 0;
  const ac = [...a];
  const bc = [...b];
  return levenshtein(ac, bc) / Math.max(ac.length, bc.length);
}

/**
 * Word-level alignment for the tags: a word's substitution costs its normalised character distance (0–1),
 * a whole missing or extra word costs 1, and two words read as one (or one as two) cost their distance, so
 * OCR spacing does not read as a missing word. Returns the kinds of the non-matching steps.
 */
function alignTokens(e: readonly string[], r: readonly string[]): AlignOpKind[] {
  const E = e.slice(0, MAX_TOKENS);
  const R = r.slice(0, MAX_TOKENS);
  const n = E.length;
  const m = R.length;
  const w = m + 1;
  const d = new Float64Array((n + 1) * w);
  const from = new Uint8Array((n + 1) * w); // 1 sub, 2 del, 3 ins, 4 merge, 5 split
  for (let i = 0; i <= n; i++) {
    for (let j = 0; j <= m; j++) {
      if (i === 0 && j === 0) continue;
      let best = Infinity;
      let how = 0;
      const consider = (cost: number, kind: number): void => {
        if (cost < best - 1e-12) {
          best = cost;
          how = kind;
        }
      };
      if (i > 0 && j > 0) consider(d[(i - 1) * w + j - 1]! + tokenDistance(E[i - 1]!, R[j - 1]!), 1);
      if (i > 1 && j > 0) consider(d[(i - 2) * w + j - 1]! + regroupCost(E[i - 2]! + E[i - 1]!, R[j - 1]!), 4);
      if (i > 0 && j > 1) consider(d[(i - 1) * w + j - 2]! + regroupCost(E[i - 1]!, R[j - 2]! + R[j - 1]!), 5);
      if (i > 0) consider(d[(i - 1) * w + j]! + 1, 2);
      if (j > 0) consider(d[i * w + j - 1]! + 1, 3);
      d[i * w + j] = best;
      from[i * w + j] = how;
    }
  }
  const kinds: AlignOpKind[] = [];
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    const how = from[i * w + j];
    if (how === 1 || how === 4 || how === 5) {
      const ei = how === 4 ? 2 : 1;
      const rj = how === 5 ? 2 : 1;
      const a = how === 4 ? E[i - 2]! + E[i - 1]! : E[i - 1]!;
      const b = how === 5 ? R[j - 2]! + R[j - 1]! : R[j - 1]!;
      kinds.push(a === b ? 'match' : 'wrong');
      i -= ei;
      j -= rj;
    } else if (how === 2) {
      kinds.push('missing');
      i -= 1;
    } else {
      kinds.push('extra');
      j -= 1;
    }
  }
  return kinds.reverse();
}

function order(tags: Set<TextTag>): TextTag[] {
  return TEXT_TAGS.filter((t) => tags.has(t));
}
