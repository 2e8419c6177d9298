/**
 * Text rendering over a run (issue 11), from the per-side text checks of its pairs (shared/ocr-view.ts): per side
 * and per language, the pass rate and the mean CER with 95 % intervals; how often A and B pass or fail together;
 * and the plain per-side pass counts issue 13's headline takes (`textPassCounts`).
 *
 * Intervals are percentile bootstraps over outputs (shared/review-stats.ts's bootstrapShare: the mean CER is the
 * same "ratio of sums" with each output's CER as its hits and 1 as its weight), seeded, so a report is
 * reproducible. Fewer than MIN_INTERVAL_PAIRS outputs give no interval.
 *
 * Isomorphic: no node:*, no DOM.
 */
import { z } from 'zod';
import type { Side } from './model.ts';
import type { SideTextCheck } from './ocr-view.ts';
import { mulberry32 } from './random.ts';
import { bootstrapShare } from './review-stats.ts';

/** What the summary reads of a pair: each side's text check, null when that output was not read. */
export interface PairTextChecks {
  A: { text?: SideTextCheck | null | undefined };
  B: { text?: SideTextCheck | null | undefined };
}

export const TEXT_LANGS = ['en', 'zh', 'mixed'] as const;
const SIDE_KEYS = ['A', 'B'] as const;

const IntervalValueSchema = z.object({ value: z.number().nullable(), lo: z.number().nullable(), hi: z.number().nullable() }).strict();
export type IntervalValue = z.infer<typeof IntervalValueSchema>;

export const TextGroupSummarySchema = z
  .object({
    /** Outputs read. */
    n: z.number().int(),
    pass: z.number().int(),
    passRate: IntervalValueSchema,
    meanCer: IntervalValueSchema,
  })
  .strict();
export type TextGroupSummary = z.infer<typeof TextGroupSummarySchema>;

const SideSummarySchema = z
  .object({ all: TextGroupSummarySchema, byLang: z.record(z.string(), TextGroupSummarySchema) })
  .strict();

export const TextSummarySchema = z
  .object({
    A: SideSummarySchema,
    B: SideSummarySchema,
    /** Pairs where both outputs were read: how often the two sides got the same pass/fail. */
    agreement: z
      .object({
        pairs: z.number().int(),
        bothPass: z.number().int(),
        bothFail: z.number().int(),
        onlyAFails: z.number().int(),
        onlyBFails: z.number().int(),
        /** (bothPass + bothFail) / pairs, with its interval. */
        rate: IntervalValueSchema,
      })
      .strict(),
    bootstrap: z.object({ resamples: z.number().int(), seed: z.number().int(), level: z.literal(0.95) }).strict(),
  })
  .strict();
export type TextSummary = z.infer<typeof TextSummarySchema>;

export interface TextSummaryOptions {
  resamples?: number;
  seed?: number;
}

const DEFAULT_RESAMPLES = 2000;
const DEFAULT_SEED = 20261211;

/**
 * Per side: outputs read and how many passed. The small input issue 13's headline takes (`{ pass, total }` per
 * side); a side with nothing read has total 0.
 */
export function textPassCounts(pairs: readonly PairTextChecks[]): Record<Side, { pass: number; total: number }> {
  const out = { A: { pass: 0, total: 0 }, B: { pass: 0, total: 0 } };
  for (const p of pairs) {
    for (const side of SIDE_KEYS) {
      const t = p[side].text;
      if (!t) continue;
      out[side].total++;
      if (t.pass) out[side].pass++;
    }
  }
  return out;
}

function group(checks: readonly SideTextCheck[], resamples: number, seed: number): TextGroupSummary {
  const pass = bootstrapShare(checks.map((c) => [c.pass ? 1 : 0, 1] as const), resamples, mulberry32(seed));
  const cer = bootstrapShare(checks.map((c) => [c.cer, 1] as const), resamples, mulberry32(seed));
  return {
    n: checks.length,
    pass: checks.filter((c) => c.pass).length,
    passRate: { value: pass.rate, lo: pass.lo, hi: pass.hi },
    meanCer: { value: cer.rate, lo: cer.lo, hi: cer.hi },
  };
}

export function textSummary(pairs: readonly PairTextChecks[], options: TextSummaryOptions = {}): TextSummary {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const seed = options.seed ?? DEFAULT_SEED;
  const side = (s: Side) => {
    const checks = pairs.map((p) => p[s].text).filter((t): t is SideTextCheck => !!t);
    const byLang: Record<string, TextGroupSummary> = {};
    for (const lang of TEXT_LANGS) {
      const of = checks.filter((c) => c.lang === lang);
      if (of.length > 0) byLang[lang] = group(of, resamples, seed);
    }
    return { all: group(checks, resamples, seed), byLang };
  };
  const both = pairs.filter((p) => p.A.text && p.B.text);
  const count = (a: boolean, b: boolean) => both.filter((p) => p.A.text!.pass === a && p.B.text!.pass === b).length;
  const agree = bootstrapShare(both.map((p) => [p.A.text!.pass === p.B.text!.pass ? 1 : 0, 1] as const), resamples, mulberry32(seed));
  return {
    A: side('A'),
    B: side('B'),
    agreement: {
      pairs: both.length,
      bothPass: count(true, true),
      bothFail: count(false, false),
      onlyAFails: count(false, true),
      onlyBFails: count(true, false),
      rate: { value: agree.rate, lo: agree.lo, hi: agree.hi },
    },
    bootstrap: { resamples, seed, level: 0.95 },
  };
}
