/**
 * report.json: the source of truth of a finished (or partial) run. report.html and report.csv are rendered
 * from it, `omni-review report` re-renders them from it, and the UI exports it with verdicts attached.
 *
 * Paths inside are relative to the report file (POSIX separators), never absolute: a report folder can be
 * moved, zipped or attached to a CI job.
 */
import { z } from 'zod';
import {
  BackendKindSchema,
  BoundsSchema,
  CategorySchema,
  JobErrorSchema,
  ServerInfoSchema,
  VerdictSchema,
} from './model.ts';
import { HeadlineSchema, SummaryRowSchema } from './report-conclusions.ts';

export const REPORT_SCHEMA_VERSION = 1;

export const ReportPixelDiffSchema = z
  .object({
    pixels: z.number().int().nullable(),
    ratio: z.number().nullable(),
    /** Heatmap PNG path relative to the report; null when sizes differ. */
    heatmap: z.string().nullable(),
    bounds: BoundsSchema.nullable(),
    sizeMismatch: z.object({ first: z.string(), second: z.string() }).strict().nullable(),
    /** vsSource only: "WxH" of the source when it was resized to the output's size first; null when not. */
    sourceResizedFrom: z.string().nullable().optional(),
  })
  .strict();
export type ReportPixelDiff = z.infer<typeof ReportPixelDiffSchema>;

export const ReportSideSchema = z
  .object({
    status: z.enum(['ok', 'error', 'pending', 'skipped']),
    error: JobErrorSchema.nullable(),
    /** Output image path relative to the report; null when the job has no image. */
    image: z.string().nullable(),
    width: z.number().int().nullable(),
    height: z.number().int().nullable(),
    requestedSize: z.string(),
    timings: z
      .object({
        e2eMs: z.number().nullable(),
        stages: z.record(z.string(), z.number()),
        serverStageDurations: z.record(z.string(), z.number()).optional(),
        serverTimings: z.record(z.string(), z.unknown()).optional(),
      })
      .strict(),
    peakMemoryMb: z.number().nullable(),
    endpoint: z.string().nullable(),
    attempts: z.number().int(),
    /** Server numbers that were dropped and why (JobResult.notes); absent when there was nothing to say. */
    notes: z.array(z.string()).optional(),
  })
  .strict();
export type ReportSide = z.infer<typeof ReportSideSchema>;

export const ReportPairSchema = z
  .object({
    key: z.string(),
    caseId: z.string(),
    title: z.string().nullable(),
    turn: z.number().int().min(1),
    turns: z.number().int().min(1),
    repeat: z.number().int().min(1),
    category: CategorySchema,
    tags: z.array(z.string()),
    prompt: z.string(),
    negativePrompt: z.string().nullable(),
    expectedText: z.array(z.string()),
    /** Source images of turn 1 (relative paths); later turns edit each side's own previous output. */
    sources: z.array(z.string()),
    A: ReportSideSchema,
    B: ReportSideSchema,
    /** A ↔ B diff; null until both sides have an image. */
    diff: ReportPixelDiffSchema.extend({
      ssim: z.number().nullable(),
      psnr: z.number().nullable(),
      identical: z.boolean(),
    })
      .strict()
      .nullable(),
    vsSource: z.object({ A: ReportPixelDiffSchema.nullable(), B: ReportPixelDiffSchema.nullable() }).strict(),
    verdicts: z.array(VerdictSchema),
  })
  .strict();
export type ReportPair = z.infer<typeof ReportPairSchema>;

export const ReportBackendSchema = z
  .object({
    kind: BackendKindSchema,
    url: z.string(),
    simulated: z.boolean(),
    label: z.string(),
    concurrency: z.number().int(),
    timeoutMs: z.number().int(),
    faults: z.string(),
    server: ServerInfoSchema.nullable(),
  })
  .strict();
export type ReportBackend = z.infer<typeof ReportBackendSchema>;

export const LatencySummarySchema = z
  .object({ n: z.number().int(), mean: z.number().nullable(), p50: z.number().nullable(), p95: z.number().nullable() })
  .strict();

const ShareSchema = z
  .object({ k: z.number().int(), n: z.number().int(), rate: z.number().nullable(), lo: z.number().nullable(), hi: z.number().nullable() })
  .strict();

/** shared/review-stats.ts's aggregates over the verdicts, as the report stores them. */
export const ReviewStatsSchema = z
  .object({
    pairsJudged: z.number().int(),
    judgements: z.number().int(),
    reviewers: z.array(z.string()),
    rates: z.object({ A_better: ShareSchema, B_better: ShareSchema, tie: ShareSchema, both_bad: ShareSchema }).strict(),
    leftWins: ShareSchema,
    agreement: z
      .object({
        pairs: z.number().int(),
        observed: z.number().nullable(),
        fleissKappa: z.number().nullable(),
        cohen: z.array(
          z
            .object({
              reviewers: z.tuple([z.string(), z.string()]),
              n: z.number().int(),
              observed: z.number().nullable(),
              kappa: z.number().nullable(),
            })
            .strict(),
        ),
      })
      .strict(),
    bootstrap: z.object({ resamples: z.number().int(), seed: z.number().int(), level: z.literal(0.95) }).strict(),
  })
  .strict();

export const ReportSchema = z
  .object({
    schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
    generatedAt: z.string(),
    tool: z.object({ name: z.literal('omni-review'), version: z.string() }).strict(),
    run: z
      .object({
        id: z.string(),
        createdAt: z.string(),
        /** complete: every job finished (ok or error); partial: some jobs never ran (cancelled / crashed). */
        status: z.enum(['complete', 'partial']),
        suite: z.object({ name: z.string(), source: z.string(), cases: z.number().int() }).strict(),
        backends: z.object({ A: ReportBackendSchema, B: ReportBackendSchema }).strict(),
        params: z
          .object({
            repeats: z.number().int(),
            retries: z.number().int(),
            overrides: z.record(z.string(), z.unknown()),
          })
          .strict(),
      })
      .strict(),
    summary: z
      .object({
        pairs: z.number().int(),
        bothOk: z.number().int(),
        errors: z.object({ A: z.number().int(), B: z.number().int() }).strict(),
        /** Per side over every ok job of that side. */
        e2eMs: z.object({ A: LatencySummarySchema, B: LatencySummarySchema }).strict(),
        /**
         * Per side over the pairs where both sides are ok: the like-for-like numbers the improvement is
         * computed from ("0.3551 s vs 1.2536 s → 71.68 %"). Optional: added after v1.
         */
        pairedE2eMs: z.object({ A: LatencySummarySchema, B: LatencySummarySchema }).strict().optional(),
        /** (B − A) / B on mean e2e over pairs where both sides are ok; null without such pairs. */
        improvement: z.number().nullable(),
        /** Mean ms per stage, per side, over ok jobs. */
        stageMeansMs: z.object({ A: z.record(z.string(), z.number()), B: z.record(z.string(), z.number()) }).strict(),
        /**
         * Mean ms per bucket (shared/timing-breakdown.ts: upload, the compared stages, `other_server`,
         * `not_reported`, download), per side, over the pairs where both sides are ok; the buckets of each request
         * add up to its e2e. Optional: added with issue 8.
         */
        bucketMeansMs: z.object({ A: z.record(z.string(), z.number()), B: z.record(z.string(), z.number()) }).strict().optional(),
        /** Mean ms of the baseline's own `metrics.timings` stages (B detail, never compared), per side. Optional. */
        detailMeansMs: z.object({ A: z.record(z.string(), z.number()), B: z.record(z.string(), z.number()) }).strict().optional(),
        peakMemoryMb: z.object({ A: z.number().nullable(), B: z.number().nullable() }).strict(),
        meanDiffRatio: z.number().nullable(),
        meanSsim: z.number().nullable(),
        verdicts: z.record(z.string(), z.number().int()),
        /** Win / tie / both-bad rates with intervals, position bias, reviewer agreement. Optional: added after v1. */
        review: ReviewStatsSchema.optional(),
        /** The plain-language headline (shared/headline.ts). Optional: added with issue 13. */
        headline: HeadlineSchema.optional(),
        /** Per category, language and turn (shared/run-summary.ts summaryRows). Optional: added with issue 13. */
        categories: z.array(SummaryRowSchema).optional(),
      })
      .strict(),
    pairs: z.array(ReportPairSchema),
  })
  .strict();
export type Report = z.infer<typeof ReportSchema>;
