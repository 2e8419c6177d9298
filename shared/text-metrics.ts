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

import { Converter } from 'opencc-js/t2cn';

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
const HAN = /\p{Script=Han}/u;
const SPACE = /\s/u;

// Traditional → Simplified, one character at a time (OpenCC's character table, not its phrase rules), applied to
// both expected and recognised text: a variant form (歲/岁) is not a rendering error, and PP-OCRv4's Chinese model
// mostly answers in Simplified. Per character so each unit keeps its own offsets; the fold is the same on both
// sides, so a context-dependent pick (乾 → 干 in 乾坤) cannot create a difference.
let toSimplified: ((s: string) => string) | undefined;
const simplifiedCache = new Map<string, string>();
function simplified(ch: string): string {
  const cached = simplifiedCache.get(ch);
  if (cached !== undefined) return cached;
  const convert = (toSimplified ??= Converter({ from: 't', to: 'cn' }));
  const conv: string = convert(ch);
  const out = [...conv].length === 1 ? conv : ch;
  simplifiedCache.set(ch, out);
  return out;
}

/** Expected text longer than this (in normalised characters) is scored on its first MAX_UNITS characters. */
export const MAX_UNITS = 2000;

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The normalisation, per grapheme: NFKC (full-width → half-width, compatibility forms like ① → 1), lower case,
 * letters and digits kept, punctuation and symbols dropped (they join: "don't" → "dont", as LongText-Bench),
 * whitespace separates words, CJK characters are words of their own so spacing between them does not count
 * (Tesseract writes "新 年 快乐"), and Han characters are folded from Traditional to Simplified (歲 → 岁).
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
        units.push({ ch: HAN.test(ch) ? simplified(ch) : ch, start, end, word, cjk });
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

// Alignment costs in integer units: an edit costs EDIT, and each run of missing or extra characters costs a gap
// opening more: GAP_AT_WORD when the run starts at a word boundary of the expected text, GAP_IN_WORD otherwise.
// GAP_IN_WORD × (2 × MAX_UNITS) < EDIT, so the alignment always has the fewest edits (their count is the
// Levenshtein distance) and, among those, the fewest runs, placed at word boundaries where that costs nothing:
// an inserted word shows as one run ("FRESH [HOT] COFFEE", not "FRES[H]H[OT] COFFEE") and a dropped word as
// the whole word ("Apple [Pie]", not "Appl[e Pi]e").
const EDIT = 16384;
const GAP_AT_WORD = 1;
const GAP_IN_WORD = 2;
const INF = 0x3fffffff;

/** Levenshtein alignment with back-trace, fewest edits first, then fewest gap runs (Gotoh's three states). */
function alignUnits(exp: readonly TextUnit[], rec: readonly TextUnit[]): RawOp[] {
  const n = exp.length;
  const m = rec.length;
  const w = m + 1;
  const size = (n + 1) * w;
  // openMissing[i]: opening a run of missing characters at exp[i-1]; openExtra[i]: opening a run of extra
  // characters after exp[i-1] (i = 0: before the first).
  const openMissing = new Int32Array(n + 1);
  const openExtra = new Int32Array(n + 1);
  for (let i = 0; i <= n; i++) {
    const startsWord = i >= 1 && (i === 1 || exp[i - 2]!.word !== exp[i - 1]!.word);
    openMissing[i] = startsWord ? GAP_AT_WORD : GAP_IN_WORD;
    const endsWord = i === 0 || i === n || exp[i - 1]!.word !== exp[i]!.word;
    openExtra[i] = endsWord ? GAP_AT_WORD : GAP_IN_WORD;
  }
  const M = new Int32Array(size).fill(INF); // ends with exp[i-1] against rec[j-1]
  const X = new Int32Array(size).fill(INF); // ends with exp[i-1] missing
  const Y = new Int32Array(size).fill(INF); // ends with rec[j-1] extra
  M[0] = 0;
  for (let i = 1; i <= n; i++) X[i * w] = openMissing[1]! + i * EDIT;
  for (let j = 1; j <= m; j++) Y[j] = openExtra[0]! + j * EDIT;
  for (let i = 1; i <= n; i++) {
    const ei = exp[i - 1]!.ch;
    const om = openMissing[i]!;
    const oe = openExtra[i]!;
    for (let j = 1; j <= m; j++) {
      const k = i * w + j;
      const d = (i - 1) * w + j - 1;
      M[k] = Math.min(M[d]!, X[d]!, Y[d]!) + (ei === rec[j - 1]!.ch ? 0 : EDIT);
      const u = (i - 1) * w + j;
      X[k] = Math.min(M[u]! + om, X[u]!, Y[u]! + om) + EDIT;
      const l = i * w + j - 1;
      Y[k] = Math.min(M[l]! + oe, Y[l]!, X[l]! + oe) + EDIT;
    }
  }
  const ops: RawOp[] = [];
  let i = n;
  let j = m;
  const at = (arr: Int32Array): number => arr[i * w + j]!;
  // Start in the cheapest state (ties: aligned, then missing, then extra).
  let state: 'M' | 'X' | 'Y' = at(M) <= at(X) && at(M) <= at(Y) ? 'M' : at(X) <= at(Y) ? 'X' : 'Y';
  while (i > 0 || j > 0) {
    if (state === 'M') {
      const same = exp[i - 1]!.ch === rec[j - 1]!.ch;
      ops.push({ op: same ? 'match' : 'wrong', i: i - 1, j: j - 1 });
      const prev = M[i * w + j]! - (same ? 0 : EDIT);
      i -= 1;
      j -= 1;
      state = at(M) === prev ? 'M' : at(X) === prev ? 'X' : 'Y';
    } else if (state === 'X') {
      ops.push({ op: 'missing', i: i - 1, j: -1 });
      const here = X[i * w + j]! - EDIT;
      const open = openMissing[i]!;
      i -= 1;
      state = at(X) === here ? 'X' : at(M) + open === here ? 'M' : 'Y';
    } else {
      ops.push({ op: 'extra', i: -1, j: j - 1 });
      const here = Y[i * w + j]! - EDIT;
      const open = openExtra[i]!;
      j -= 1;
      state = at(Y) === here ? 'Y' : at(M) + open === here ? 'M' : 'X';
    }
    if (i === 0 && j > 0) state = 'Y';
    if (j === 0 && i > 0) state = 'X';
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
  return relevantLines(expected, lines, minLineOverlap).indexes;
}

/** selectRelevantLines, and whether no line fitted (so every line was kept). */
function relevantLines(expected: string, lines: readonly RecognizedLine[], minLineOverlap: number): { indexes: number[]; noneFit: boolean } {
  const expUnits = textUnits(expected);
  const kept: number[] = [];
  lines.forEach((line, index) => {
    if (textUnits(line.text).length === 0) return;
    if (bestSubstringSimilarity(line.text, expected) >= minLineOverlap) kept.push(index);
  });
  const noneFit = kept.length === 0;
  const chosen = noneFit ? lines.map((_, i) => i).filter((i) => textUnits(lines[i]!.text).length > 0) : kept;
  if (chosen.length < 2) return { indexes: chosen, noneFit };
  const expChars = expUnits.map((u) => u.ch);
  const position = new Map(chosen.map((i) => [i, bestFitOffset(expChars, chars(lines[i]!.text))]));
  return { indexes: [...chosen].sort((a, b) => position.get(a)! - position.get(b)! || a - b), noneFit };
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
  const { indexes: usedLines, noneFit } = relevantLines(input.expected, input.lines, t.minLineOverlap);
  const recognized = usedLines.map((i) => input.lines[i]!.text).join(' ');
  const recognizedAll = input.lines.map((l) => l.text).join(' ');
  const scored = scoreText(input.expected, recognized);
  const pass = scored.cer <= t.maxCer + 1e-9 && scored.bagOfWordsRecall >= t.minBagRecall - 1e-9;
  const tags = pass ? [] : suggestTags(input.expected, recognized, recognizedAll, scored, t, input.sourceText, noneFit);
  return { ...scored, recognized, usedLines, recognizedAll, pass, tags };
}

/**
 * Tags from the alignment, per the kinds of error (docs/text-check.md "Tags"):
 * - missing: nothing recognised, or every character of an expected word (a Latin word, or a CJK character) absent;
 * - extra: added CJK characters, or two or more added Latin letters standing between expected words;
 * - misspelled: any other difference (letters wrong, dropped or added inside a word; a wrong CJK character);
 * all read from the character alignment, which ignores spaces, so OCR that joins or splits words changes nothing;
 * - garbled: something was recognised but less than `garbledBelowPrecision` of it matches (replaces the others;
 *   not said when that something is the kept source text);
 *   when nothing read fits the expected text and it is much shorter or of another script, it is other text in
 *   the picture and the expected text is missing instead;
 * - source_kept: the source text is still there and reads closer than the expected text.
 */
export function suggestTags(
  expected: string,
  recognized: string,
  recognizedAll: string,
  scored: TextScores & { alignment: AlignOp[] },
  t: TextThresholds,
  sourceText?: string,
  noneFit = false,
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
  if (noneFit && unrelated(exp, rec)) {
    // Nothing read fits the expected text, and what was read cannot be a failed attempt at it (other script,
    // or much shorter): other text in the picture, so the expected text is missing.
    tags.add('text.missing');
    return order(tags);
  }
  if (scored.counts.match / rec.length < t.garbledBelowPrecision) {
    // Legible source text where the new text should be is a kept source, not garbage: one tag says what happened.
    if (!tags.has('text.source_kept')) tags.add('text.garbled');
    return order(tags);
  }
  const raw = alignUnits(exp, rec);
  // Expected words every character of which is missing are missing words; the rest of the missing ones are
  // letters dropped inside a word (a misspelling).
  const wordSize = new Map<number, number>();
  const wordMissing = new Map<number, number>();
  for (const u of exp) wordSize.set(u.word, (wordSize.get(u.word) ?? 0) + 1);
  for (const r of raw) if (r.op === 'missing') wordMissing.set(exp[r.i]!.word, (wordMissing.get(exp[r.i]!.word) ?? 0) + 1);
  let misspelled = raw.some((r) => r.op === 'wrong');
  for (const [word, missingCount] of wordMissing) {
    if (missingCount === wordSize.get(word)) tags.add('text.missing');
    else misspelled = true;
  }
  // Runs of extra characters: a whole added word when the run is CJK, or at least two Latin letters standing
  // between expected words (OCR may join the added word to its neighbours: "HOTFRESH COFFEE").
  for (let k = 0; k < raw.length; k++) {
    if (raw[k]!.op !== 'extra') continue;
    let end = k;
    while (end + 1 < raw.length && raw[end + 1]!.op === 'extra') end += 1;
    const run = raw.slice(k, end + 1).map((r) => rec[r.j]!);
    const before = lastExpected(raw, k - 1);
    const after = nextExpected(raw, end + 1);
    const atBoundary = (before < 0 || exp[before]!.word !== exp[before + 1]?.word) && (after < 0 || after === 0 || exp[after]!.word !== exp[after - 1]!.word);
    if (run.every((u) => u.cjk) || (run.length >= 2 && atBoundary)) tags.add('text.extra');
    else misspelled = true;
    k = end;
  }
  if (misspelled) tags.add('text.misspelled');
  return order(tags);
}

/** Recognised text that cannot be a garbled rendering of the expected text: under half its length, or no shared script. */
function unrelated(exp: readonly TextUnit[], rec: readonly TextUnit[]): boolean {
  if (rec.length < exp.length / 2) return true;
  const expCjk = exp.some((u) => u.cjk);
  const expLatin = exp.some((u) => !u.cjk && /\p{L}/u.test(u.ch));
  const recCjk = rec.some((u) => u.cjk);
  const recLatin = rec.some((u) => !u.cjk && /\p{L}/u.test(u.ch));
  return !((expCjk && recCjk) || (expLatin && recLatin));
}

/** Index into the expected units of the nearest expected character at or before op k (−1 if none). */
function lastExpected(raw: readonly RawOp[], k: number): number {
  for (let q = k; q >= 0; q--) if (raw[q]!.i >= 0) return raw[q]!.i;
  return -1;
}

/** Index into the expected units of the nearest expected character at or after op k (−1 if none). */
function nextExpected(raw: readonly RawOp[], k: number): number {
  for (let q = k; q < raw.length; q++) if (raw[q]!.i >= 0) return raw[q]!.i;
  return -1;
}

function order(tags: Set<TextTag>): TextTag[] {
  return TEXT_TAGS.filter((t) => tags.has(t));
}
