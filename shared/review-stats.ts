/**
 * Aggregates over reviewer verdicts (DESIGN "Review model"): win / tie / both-bad rates with bootstrap
 * intervals, position bias under blind mode, and agreement between reviewers (Cohen's and Fleiss' κ).
 * Pure and isomorphic: the report (core) and the review screen (renderer) must show the same numbers.
 *
 * What counts: each reviewer's *latest* verdict per pair (re-judging a pair adds a verdict, it does not
 * overwrite history), and `skip` is not a judgement, so it is left out of every rate and of agreement.
 */
import { mulberry32 } from './random.ts';
import type { Verdict, VerdictValue } from './model.ts';

export const JUDGEMENTS = ['A_better', 'B_better', 'tie', 'both_bad'] as const;
export type Judgement = (typeof JUDGEMENTS)[number];
/** Row labels of the shares table, in the report and the review screen alike. */
export const JUDGEMENT_LABELS: Record<Judgement, string> = { A_better: 'A better', B_better: 'B better', tie: 'tie', both_bad: 'both bad' };

/**
 * A share of `n` with a 95 % interval. rate is null when n is 0; the bounds are null below
 * MIN_INTERVAL_PAIRS pairs, where a resampled interval would claim a certainty (100–100 %) it does not have.
 */
export interface Share {
  k: number;
  n: number;
  rate: number | null;
  lo: number | null;
  hi: number | null;
}

export interface CohenKappa {
  reviewers: [string, string];
  /** Pairs both reviewers judged (skip excluded). */
  n: number;
  observed: number | null;
  kappa: number | null;
}

export interface ReviewStats {
  /** Pairs with at least one judgement. */
  pairsJudged: number;
  /** Latest non-skip verdicts counted (one per reviewer per pair). */
  judgements: number;
  reviewers: string[];
  /** Share of judgements per outcome, intervals from a bootstrap over pairs. */
  rates: Record<Judgement, Share>;
  /**
   * Blind verdicts that picked a side (A_better / B_better): how often the side shown on the *left* won.
   * 0.5 means no position bias; an interval that excludes 0.5 means the layout, not the image, is deciding.
   */
  leftWins: Share;
  agreement: {
    /** Pairs judged by two or more reviewers. */
    pairs: number;
    /** Mean pairwise observed agreement over those pairs. */
    observed: number | null;
    /** Fleiss' κ over those pairs (raters per pair may vary); null below 2 pairs or when chance agreement is 1. */
    fleissKappa: number | null;
    /** Cohen's κ for every two reviewers who judged at least one pair in common. */
    cohen: CohenKappa[];
  };
  /** How the intervals were made, so a reader can reproduce them. */
  bootstrap: { resamples: number; seed: number; level: 0.95 };
}

/** A pair's verdict history (a report pair or a UI pair view both fit). */
export interface PairVerdicts {
  verdicts: readonly Verdict[];
}

export interface ReviewStatsOptions {
  resamples?: number;
  seed?: number;
}

/** Fewest pairs (bootstrap clusters) for an interval. */
export const MIN_INTERVAL_PAIRS = 5;
const DEFAULT_RESAMPLES = 2000;
const DEFAULT_SEED = 20261123;

function isJudgement(v: VerdictValue): v is Judgement {
  return v !== 'skip';
}

/** Each reviewer's latest verdict on one pair (by createdAt, then by position for equal stamps). */
export function latestByReviewer(verdicts: readonly Verdict[]): Verdict[] {
  const latest = new Map<string, Verdict>();
  for (const v of verdicts) {
    const seen = latest.get(v.reviewer);
    if (!seen || v.createdAt >= seen.createdAt) latest.set(v.reviewer, v);
  }
  return [...latest.values()];
}

/** Landis & Koch's words for a κ, the scale reviewers' papers use. */
export function kappaLabel(kappa: number | null): string {
  if (kappa === null) return 'n/a';
  if (kappa < 0) return 'poor';
  if (kappa <= 0.2) return 'slight';
  if (kappa <= 0.4) return 'fair';
  if (kappa <= 0.6) return 'moderate';
  if (kappa <= 0.8) return 'substantial';
  return 'almost perfect';
}

/**
 * Cohen's κ for two raters over the same items: (p_o − p_e) / (1 − p_e), p_e from each rater's own marginals.
 * Null without items, or when p_e is 1 (both raters always gave one same answer: κ is undefined, not 1).
 */
export function cohenKappa<C extends string>(pairs: ReadonlyArray<readonly [C, C]>): { observed: number | null; kappa: number | null } {
  const n = pairs.length;
  if (n === 0) return { observed: null, kappa: null };
  const first = new Map<C, number>();
  const second = new Map<C, number>();
  let agree = 0;
  for (const [a, b] of pairs) {
    if (a === b) agree++;
    first.set(a, (first.get(a) ?? 0) + 1);
    second.set(b, (second.get(b) ?? 0) + 1);
  }
  const observed = agree / n;
  let expected = 0;
  for (const [c, k] of first) expected += (k / n) * ((second.get(c) ?? 0) / n);
  return { observed, kappa: expected >= 1 ? null : (observed - expected) / (1 - expected) };
}

/**
 * Fleiss' κ over items each judged by two or more raters, in the form that allows the number of raters to
 * vary per item (each item's agreement is over its own rater pairs; category shares are over all ratings).
 * With the same number of raters everywhere it is exactly Fleiss (1971). Items with fewer than 2 ratings are
 * ignored; null below 2 items or when chance agreement is 1.
 */
export function fleissKappa<C extends string>(items: ReadonlyArray<readonly C[]>): { observed: number | null; kappa: number | null } {
  const rated = items.filter((ratings) => ratings.length >= 2);
  if (rated.length < 2) return { observed: rated.length === 1 ? itemAgreement(rated[0] as readonly C[]) : null, kappa: null };
  const totals = new Map<C, number>();
  let ratings = 0;
  let agreementSum = 0;
  for (const item of rated) {
    agreementSum += itemAgreement(item);
    for (const c of item) totals.set(c, (totals.get(c) ?? 0) + 1);
    ratings += item.length;
  }
  const observed = agreementSum / rated.length;
  let expected = 0;
  for (const k of totals.values()) expected += (k / ratings) ** 2;
  return { observed, kappa: expected >= 1 ? null : (observed - expected) / (1 - expected) };
}

/** The share of an item's rater pairs that agree: Σ n_c (n_c − 1) / (n (n − 1)). */
function itemAgreement<C extends string>(item: readonly C[]): number {
  const counts = new Map<C, number>();
  for (const c of item) counts.set(c, (counts.get(c) ?? 0) + 1);
  let same = 0;
  for (const k of counts.values()) same += k * (k - 1);
  return same / (item.length * (item.length - 1));
}

/**
 * Percentile-bootstrap interval for a ratio of sums over clusters (pairs): resample the clusters with
 * replacement, so several reviewers of one pair (or a chain's turns judged in one go) are not counted as
 * independent evidence. Deterministic for a seed.
 */
export function bootstrapShare(
  clusters: ReadonlyArray<readonly [number, number]>,
  resamples: number,
  random: () => number,
): Share {
  return bootstrapShares(
    clusters.map(([k, n]) => ({ hits: [k], n })),
    1,
    resamples,
    random,
  )[0] as Share;
}

/**
 * bootstrapShare for several shares of the same totals (the four verdicts), from one set of resamples: each
 * share gets exactly the interval bootstrapShare would give it with the same seed, for one pass of draws
 * instead of one per share. `width` shares, each cluster has `width` hits.
 */
export function bootstrapShares(
  clusters: ReadonlyArray<{ hits: readonly number[]; n: number }>,
  width: number,
  resamples: number,
  random: () => number,
): Share[] {
  const k = new Array<number>(width).fill(0);
  let n = 0;
  for (const c of clusters) {
    for (let s = 0; s < width; s++) k[s] = (k[s] as number) + (c.hits[s] as number);
    n += c.n;
  }
  const m = clusters.length;
  const point = (ks: number, lo: number | null, hi: number | null): Share => ({ k: ks, n, rate: n === 0 ? null : ks / n, lo, hi });
  if (n === 0 || m < MIN_INTERVAL_PAIRS) return k.map((ks) => point(ks, null, null));
  const rates = k.map(() => new Float64Array(resamples));
  const sums = new Float64Array(width);
  let kept = 0;
  for (let r = 0; r < resamples; r++) {
    sums.fill(0);
    let rn = 0;
    for (let i = 0; i < m; i++) {
      const c = clusters[Math.floor(random() * m)] as { hits: readonly number[]; n: number };
      for (let s = 0; s < width; s++) sums[s] = (sums[s] as number) + (c.hits[s] as number);
      rn += c.n;
    }
    if (rn === 0) continue;
    for (let s = 0; s < width; s++) (rates[s] as Float64Array)[kept] = (sums[s] as number) / rn;
    kept++;
  }
  return k.map((ks, s) => {
    const sorted = (rates[s] as Float64Array).subarray(0, kept).sort();
    const at = (q: number) => sorted[Math.min(kept - 1, Math.max(0, Math.round(q * (kept - 1))))] as number;
    return point(ks, at(0.025), at(0.975));
  });
}

export function reviewStats(pairs: readonly PairVerdicts[], options: ReviewStatsOptions = {}): ReviewStats {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const seed = options.seed ?? DEFAULT_SEED;
  const judged = pairs
    .map((p) => ({ verdicts: latestByReviewer(p.verdicts).filter((v) => isJudgement(v.verdict)) }))
    .filter((p) => p.verdicts.length > 0);

  const reviewers = [...new Set(judged.flatMap((p) => p.verdicts.map((v) => v.reviewer)))].sort();
  // One generator per statistic, each from the same seed: adding a statistic never shifts another's interval.
  const shares = bootstrapShares(
    judged.map((p) => ({ hits: JUDGEMENTS.map((j) => p.verdicts.filter((v) => v.verdict === j).length), n: p.verdicts.length })),
    JUDGEMENTS.length,
    resamples,
    mulberry32(seed),
  );
  const rates = Object.fromEntries(JUDGEMENTS.map((j, i) => [j, shares[i]])) as Record<Judgement, Share>;

  const decisiveBlind = judged.map((p) => {
    const picked = p.verdicts.filter((v) => v.blind && (v.verdict === 'A_better' || v.verdict === 'B_better'));
    // swapped = B was on the left, so the left side won when (A won, not swapped) or (B won, swapped).
    const left = picked.filter((v) => (v.verdict === 'A_better') !== v.swapped).length;
    return [left, picked.length] as const;
  });
  const leftWins = bootstrapShare(
    decisiveBlind.filter(([, n]) => n > 0),
    resamples,
    mulberry32(seed),
  );

  const multi = judged.filter((p) => p.verdicts.length >= 2);
  const fleiss = fleissKappa(multi.map((p) => p.verdicts.map((v) => v.verdict as Judgement)));
  const cohen: CohenKappa[] = [];
  for (let i = 0; i < reviewers.length; i++) {
    for (let j = i + 1; j < reviewers.length; j++) {
      const a = reviewers[i] as string;
      const b = reviewers[j] as string;
      const both: Array<readonly [Judgement, Judgement]> = [];
      for (const p of multi) {
        const va = p.verdicts.find((v) => v.reviewer === a);
        const vb = p.verdicts.find((v) => v.reviewer === b);
        if (va && vb) both.push([va.verdict as Judgement, vb.verdict as Judgement]);
      }
      if (both.length > 0) cohen.push({ reviewers: [a, b], n: both.length, ...cohenKappa(both) });
    }
  }

  return {
    pairsJudged: judged.length,
    judgements: judged.reduce((sum, p) => sum + p.verdicts.length, 0),
    reviewers,
    rates,
    leftWins,
    agreement: { pairs: multi.length, observed: fleiss.observed, fleissKappa: fleiss.kappa, cohen },
    bootstrap: { resamples, seed, level: 0.95 },
  };
}

/**
 * "62 % (95 % CI 48–75 %)"; "100 % (too few pairs for a CI)" below MIN_INTERVAL_PAIRS; "—" without data.
 * One wording for the report and the review screen.
 */
export function formatShare(share: Share): string {
  if (share.rate === null) return '—';
  return `${percentText(share.rate)} (${share.lo === null ? formatInterval(share) : `95 % CI ${formatInterval(share)}`})`;
}

/** The rate alone: "62 %", or "—" without data. */
export function formatRate(share: Share): string {
  return share.rate === null ? '—' : percentText(share.rate);
}

/** The interval alone, for tables with a column of their own: "48–75 %", "too few pairs for a CI", "—". */
export function formatInterval(share: Share): string {
  if (share.rate === null) return '—';
  if (share.lo === null || share.hi === null) return 'too few pairs for a CI';
  return `${Math.round(share.lo * 100)}–${percentText(share.hi)}`;
}

function percentText(ratio: number): string {
  return `${Math.round(ratio * 100)} %`;
}

/** True when a blind-verdict interval excludes 50 %: the side's position, not the image, may be deciding. */
export function positionBiasSuspected(leftWins: Share): boolean {
  return leftWins.lo !== null && leftWins.hi !== null && (leftWins.lo > 0.5 || leftWins.hi < 0.5);
}

/** "κ 0.42, moderate" or "κ n/a". */
export function formatKappa(kappa: number | null): string {
  return kappa === null ? 'κ n/a' : `κ ${kappa.toFixed(2)}, ${kappaLabel(kappa)}`;
}
