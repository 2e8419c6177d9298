/**
 * What a run concludes, per category and per language (issue 13 "Reports that conclude"): one pure function over a
 * run's pairs that report.json, report.html, report.md, the app's Summary screen and the CLI all print from.
 *
 * - Latency is like for like: p50 / p95 of end-to-end time over the pairs where BOTH sides succeeded, and the
 *   speed-up is B p50 / A p50 (shared/speedup.ts's ratio).
 * - Verdict shares are shared/review-stats.ts's (latest verdict per reviewer, skips left out, bootstrap over pairs).
 * - Text pass rates appear only when a text check ran (issue 11's OCR): the caller passes `textOf`, which answers
 *   per pair and side pass (true), fail (false) or not checked (null). Without it every `text` is null.
 * - Language comes from the suite: a case tagged `chinese` / `zh` (or whose expected text holds CJK characters)
 *   counts as ZH, one tagged `english` / `en` (or with Latin expected text) as EN. A mixed EN + ZH sign counts as ZH:
 *   the Chinese glyphs are the part that breaks.
 */
import { CATEGORIES, type Category, type Verdict } from './model.ts';
import { mulberry32 } from './random.ts';
import { MIN_INTERVAL_PAIRS, reviewStats, type Judgement, type Share } from './review-stats.ts';
import { median, percentile } from './stats.ts';
import { COMPARED_STAGES } from './timing-breakdown.ts';

export type Language = 'en' | 'zh';
export const LANGUAGE_LABELS: Readonly<Record<Language, string>> = { en: 'EN', zh: 'ZH' };

export const CATEGORY_LABELS: Readonly<Record<Category, string>> = {
  'text-rendering': 'Text rendering',
  'style-transfer': 'Style transfer',
  'multi-turn': 'Multi-turn',
  edit: 'Edit',
  generation: 'Generation',
};

/** One side of a pair as the summary needs it (a report.json side fits). */
export interface SummarySideLike {
  status: string;
  timings: { e2eMs: number | null; stages: Readonly<Record<string, number>> };
}

/** A pair as the summary needs it: report.json's pairs fit structurally. */
export interface SummaryPairLike {
  category: Category;
  tags: readonly string[];
  turn: number;
  expectedText: readonly string[];
  A: SummarySideLike;
  B: SummarySideLike;
  diff: { ratio: number | null; ssim: number | null } | null;
  verdicts: readonly Verdict[];
}

/** Per side: did the rendered text pass the text check (true / false), or was it not checked (null). */
export interface PairTextResult {
  A: boolean | null;
  B: boolean | null;
}
/** The seam to issue 11's text check: per pair, its result, or null when the pair was not checked. */
export type TextResultOf<P> = (pair: P) => PairTextResult | null;

/** Passes over checks of one side. */
export interface TextPassCount {
  pass: number;
  total: number;
}

export interface LatencyCell {
  n: number;
  p50: number | null;
  p95: number | null;
}

export interface SummaryRow {
  /** Stable id: "all", "category:text-rendering", "category:text-rendering:zh", "category:multi-turn:turn-2", "language:zh". */
  key: string;
  /** Words for a table row: "Text rendering · ZH", "Multi-turn · turn 2", "All pairs", "ZH, every category". */
  label: string;
  kind: 'all' | 'category' | 'language' | 'turn';
  category: Category | null;
  language: Language | null;
  turn: number | null;
  pairs: number;
  bothOk: number;
  /** Over the pairs where both sides are ok (like for like). */
  e2eMs: { A: LatencyCell; B: LatencyCell };
  /** B p50 / A p50: how many times faster A is; null without such pairs. */
  speedup: number | null;
  /** Pairs with at least one judgement, and the verdict shares with their 95 % intervals. */
  judged: number;
  rates: Record<Judgement, Share>;
  /** Text check pass rate per side, with a 95 % interval; null when no pair of the row was checked. */
  text: { A: Share; B: Share } | null;
  /** Median share of changed pixels A↔B and median SSIM, over compared pairs. */
  diffMedian: number | null;
  ssimMedian: number | null;
  errors: { A: number; B: number };
}

const CJK = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]/u;
const LATIN = /[A-Za-z]/;

/** The case's language (see the module comment), or null when neither tags nor expected text say. */
export function languageOf(pair: Pick<SummaryPairLike, 'tags' | 'expectedText'>): Language | null {
  const tags = new Set(pair.tags.map((t) => t.toLowerCase()));
  if (tags.has('chinese') || tags.has('zh')) return 'zh';
  const text = pair.expectedText.join(' ');
  if (CJK.test(text)) return 'zh';
  if (tags.has('english') || tags.has('en')) return 'en';
  if (LATIN.test(text)) return 'en';
  return null;
}

function ok(side: SummarySideLike): boolean {
  return side.status === 'ok' && side.timings.e2eMs !== null && Number.isFinite(side.timings.e2eMs);
}

function latency(values: number[]): LatencyCell {
  return { n: values.length, p50: percentile(values, 50), p95: percentile(values, 95) };
}

function ratio(a: number | null, b: number | null): number | null {
  return a !== null && b !== null && a > 0 && b > 0 ? b / a : null;
}

/** A 95 % Wilson score interval for k of n independent checks (one per pair): sound at 0 %, 100 % and small n. */
export function wilsonShare(k: number, n: number): Share {
  if (n <= 0) return { k, n, rate: null, lo: null, hi: null };
  const z = 1.959963984540054;
  const p = k / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return { k, n, rate: p, lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}

/** Per side passes over checked pairs, or null when nothing was checked. */
export function textCounts<P>(pairs: readonly P[], textOf: TextResultOf<P> | undefined): { A: TextPassCount; B: TextPassCount } | null {
  if (!textOf) return null;
  const out = { A: { pass: 0, total: 0 }, B: { pass: 0, total: 0 } };
  for (const p of pairs) {
    const r = textOf(p);
    if (!r) continue;
    for (const s of ['A', 'B'] as const) {
      const v = r[s];
      if (v === null) continue;
      out[s].total++;
      if (v) out[s].pass++;
    }
  }
  return out.A.total + out.B.total === 0 ? null : out;
}

function row<P extends SummaryPairLike>(
  base: Pick<SummaryRow, 'key' | 'label' | 'kind' | 'category' | 'language' | 'turn'>,
  pairs: readonly P[],
  textOf: TextResultOf<P> | undefined,
): SummaryRow {
  const both = pairs.filter((p) => ok(p.A) && ok(p.B));
  const e2e = (s: 'A' | 'B') => latency(both.map((p) => p[s].timings.e2eMs as number));
  const A = e2e('A');
  const B = e2e('B');
  const stats = reviewStats(pairs);
  const counts = textCounts(pairs, textOf);
  const diffs = pairs.map((p) => p.diff).filter((d) => d !== null);
  return {
    ...base,
    pairs: pairs.length,
    bothOk: both.length,
    e2eMs: { A, B },
    speedup: ratio(A.p50, B.p50),
    judged: stats.pairsJudged,
    rates: stats.rates,
    text: counts ? { A: wilsonShare(counts.A.pass, counts.A.total), B: wilsonShare(counts.B.pass, counts.B.total) } : null,
    diffMedian: median(diffs.map((d) => d.ratio).filter((v): v is number => v !== null)),
    ssimMedian: median(diffs.map((d) => d.ssim).filter((v): v is number => v !== null)),
    errors: { A: pairs.filter((p) => p.A.status === 'error').length, B: pairs.filter((p) => p.B.status === 'error').length },
  };
}

/**
 * The table: all pairs; each category present (in the suite format's order), with a row per language for text
 * rendering and generation and a row per turn for multi-turn; then each language over every category.
 */
export function summaryRows<P extends SummaryPairLike>(pairs: readonly P[], textOf?: TextResultOf<P>): SummaryRow[] {
  const rows: SummaryRow[] = [row({ key: 'all', label: 'All pairs', kind: 'all', category: null, language: null, turn: null }, pairs, textOf)];
  const languages: Language[] = ['en', 'zh'];
  for (const category of CATEGORIES) {
    const inCat = pairs.filter((p) => p.category === category);
    if (inCat.length === 0) continue;
    const label = CATEGORY_LABELS[category];
    rows.push(row({ key: `category:${category}`, label, kind: 'category', category, language: null, turn: null }, inCat, textOf));
    if (category === 'multi-turn') {
      const turns = [...new Set(inCat.map((p) => p.turn))].sort((a, b) => a - b);
      for (const turn of turns) {
        rows.push(
          row(
            { key: `category:${category}:turn-${turn}`, label: `${label} · turn ${turn}`, kind: 'turn', category, language: null, turn },
            inCat.filter((p) => p.turn === turn),
            textOf,
          ),
        );
      }
    } else if (category === 'text-rendering' || category === 'generation') {
      for (const language of languages) {
        const inLang = inCat.filter((p) => languageOf(p) === language);
        if (inLang.length === 0) continue;
        rows.push(
          row(
            { key: `category:${category}:${language}`, label: `${label} · ${LANGUAGE_LABELS[language]}`, kind: 'category', category, language, turn: null },
            inLang,
            textOf,
          ),
        );
      }
    }
  }
  for (const language of languages) {
    const inLang = pairs.filter((p) => languageOf(p) === language);
    if (inLang.length === 0) continue;
    rows.push(
      row({ key: `language:${language}`, label: `${LANGUAGE_LABELS[language]}, every category`, kind: 'language', category: null, language, turn: null }, inLang, textOf),
    );
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------
// The data behind the headline
// ---------------------------------------------------------------------------------------------------------

/** An interval without a point (a ratio's or a difference's). */
export interface Interval {
  lo: number;
  hi: number;
}

export interface HeadlineSpeed {
  /** Pairs where both sides are ok. */
  n: number;
  p50: { A: number | null; B: number | null };
  /** 95 % bootstrap interval of B p50 / A p50 over pairs; null below MIN_INTERVAL_PAIRS pairs. */
  ratioInterval: Interval | null;
  /** The compared server stage whose p50 ratio is furthest from 1 (both sides report it), or null. */
  stage: { name: string; A: number; B: number } | null;
}

export interface HeadlineReview {
  /** Pairs with at least one judgement. */
  judged: number;
  rates: Record<Judgement, Share>;
  /** 95 % bootstrap interval of (A better share − B better share) over pairs; null below MIN_INTERVAL_PAIRS. */
  preference: Interval | null;
}

export interface HeadlineInput {
  speed: HeadlineSpeed;
  review: HeadlineReview;
  /** Per-side text check results (issue 11); absent when no text check ran. */
  text?: { A: TextPassCount; B: TextPassCount };
}

const SEED = 20261123;
const RESAMPLES = 2000;
const RATIO_RESAMPLES = 1000;

function quantiles(sorted: Float64Array, kept: number): Interval {
  const at = (q: number) => sorted[Math.min(kept - 1, Math.max(0, Math.round(q * (kept - 1))))] as number;
  return { lo: at(0.025), hi: at(0.975) };
}

/** The median of an ascending typed array (R-7, as shared/stats.ts percentile at 50). */
function sortedMedian(sorted: Float64Array): number {
  const mid = (sorted.length - 1) / 2;
  const lo = sorted[Math.floor(mid)] as number;
  return lo + ((sorted[Math.ceil(mid)] as number) - lo) * (mid - Math.floor(mid));
}

/**
 * Percentile bootstrap over pairs of B p50 / A p50 (pairs resampled whole: A and B of a pair stay together).
 * 1,000 resamples by default (two sorts each): enough for a 95 % percentile interval, and ~0.2 s for 2,000 pairs.
 */
export function speedRatioInterval(paired: ReadonlyArray<readonly [number, number]>, resamples = RATIO_RESAMPLES, seed = SEED): Interval | null {
  const m = paired.length;
  if (m < MIN_INTERVAL_PAIRS) return null;
  const random = mulberry32(seed);
  const out = new Float64Array(resamples);
  const a = new Float64Array(m);
  const b = new Float64Array(m);
  let kept = 0;
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < m; i++) {
      const pick = paired[Math.floor(random() * m)] as readonly [number, number];
      a[i] = pick[0];
      b[i] = pick[1];
    }
    const pa = sortedMedian(a.sort());
    const pb = sortedMedian(b.sort());
    if (!(pa > 0)) continue;
    out[kept++] = pb / pa;
  }
  if (kept === 0) return null;
  return quantiles(out.subarray(0, kept).sort(), kept);
}

/** Percentile bootstrap over pairs of (A better − B better) / judgements: does the preference exclude zero? */
export function preferenceInterval(pairs: readonly { verdicts: readonly Verdict[] }[], resamples = RESAMPLES, seed = SEED): Interval | null {
  const clusters = pairs
    .map((p) => {
      const latest = new Map<string, Verdict>();
      for (const v of p.verdicts) {
        const seen = latest.get(v.reviewer);
        if (!seen || v.createdAt >= seen.createdAt) latest.set(v.reviewer, v);
      }
      const judged = [...latest.values()].filter((v) => v.verdict !== 'skip');
      return { d: judged.filter((v) => v.verdict === 'A_better').length - judged.filter((v) => v.verdict === 'B_better').length, n: judged.length };
    })
    .filter((c) => c.n > 0);
  const m = clusters.length;
  if (m < MIN_INTERVAL_PAIRS) return null;
  const random = mulberry32(seed);
  const out = new Float64Array(resamples);
  let kept = 0;
  for (let r = 0; r < resamples; r++) {
    let d = 0;
    let n = 0;
    for (let i = 0; i < m; i++) {
      const c = clusters[Math.floor(random() * m)] as { d: number; n: number };
      d += c.d;
      n += c.n;
    }
    if (n > 0) out[kept++] = d / n;
  }
  return quantiles(out.subarray(0, kept).sort(), kept);
}

/** The numbers the headline speaks from, over a run's pairs (text results through the same seam as the table). */
export function headlineInput<P extends SummaryPairLike>(pairs: readonly P[], textOf?: TextResultOf<P>): HeadlineInput {
  const both = pairs.filter((p) => ok(p.A) && ok(p.B));
  const paired = both.map((p) => [p.A.timings.e2eMs as number, p.B.timings.e2eMs as number] as const);
  let stage: HeadlineSpeed['stage'] = null;
  let furthest = 0;
  for (const name of COMPARED_STAGES) {
    const withStage = both.filter((p) => p.A.timings.stages[name] !== undefined && p.B.timings.stages[name] !== undefined);
    if (withStage.length === 0) continue;
    const a = median(withStage.map((p) => p.A.timings.stages[name] as number));
    const b = median(withStage.map((p) => p.B.timings.stages[name] as number));
    if (a === null || b === null || a <= 0 || b <= 0) continue;
    const distance = Math.abs(Math.log(b / a));
    if (distance > furthest) {
      furthest = distance;
      stage = { name, A: a, B: b };
    }
  }
  const stats = reviewStats(pairs);
  const counts = textCounts(pairs, textOf);
  return {
    speed: {
      n: both.length,
      p50: { A: median(paired.map(([a]) => a)), B: median(paired.map(([, b]) => b)) },
      ratioInterval: speedRatioInterval(paired),
      stage,
    },
    review: { judged: stats.pairsJudged, rates: stats.rates, preference: preferenceInterval(pairs) },
    ...(counts ? { text: counts } : {}),
  };
}
