/**
 * Speed review (issue 12): the sweep's records and the pure math over them. Isomorphic: the engine (core/sweep,
 * core/load), the CLI, the reports and the Speed screen all read the same types and print the same numbers.
 *
 * - A **sweep spec** names the axes (batch = images per request `n`, prompt length in tokens, client concurrency,
 *   request rate with burstiness as `vllm bench serve` draws it) and what every point sends (requests, warm-up,
 *   size, steps, seed, input images). Its points are the cartesian product of the axes, in a fixed order.
 * - Each request of a point and side is one **SweepRequestRecord**, saved as it finishes (failures too).
 * - A point and side reads as one **SweepSideSummary** (counts, duration, throughput, latency percentiles of e2e and
 *   of every compared stage, peak memory, token count), and the A-vs-B table as **SweepTableRow**s in the team's
 *   format (`4×512 (n=2) | 0.3313 | 0.71835 | 0.3871 | 53.89`).
 *
 * Percentiles are numpy's default linear interpolation (shared/stats.ts `percentile`); the standard deviation is
 * numpy's default population one (ddof = 0), as `vllm bench serve` prints it.
 */
import { z } from 'zod';
import { JobErrorSchema, MAX_SEED, SideSchema, SizeSchema, type Side } from './model.ts';
import { improvement, mean, percentile } from './stats.ts';
import { speedRatio } from './speedup.ts';

// ---------------------------------------------------------------------------------------------------------
// The spec
// ---------------------------------------------------------------------------------------------------------

/** Requests per second, or `inf`: every request at once (the concurrency bound still applies). */
export const RequestRateSchema = z.union([z.number().positive().max(100_000), z.literal('inf')]);
export type RequestRate = z.infer<typeof RequestRateSchema>;

export const SWEEP_LIMITS = {
  maxAxisValues: 32,
  maxPoints: 512,
  maxRequestsPerPoint: 10_000,
  maxWarmup: 1000,
  maxBatch: 64,
  maxPromptTokens: 32_768,
  maxConcurrency: 1024,
  maxImages: 8,
} as const;

export const SweepAxesSchema = z
  .object({
    /** Images per request (`n`). */
    batch: z.array(z.number().int().min(1).max(SWEEP_LIMITS.maxBatch)).min(1).max(SWEEP_LIMITS.maxAxisValues),
    /** Target prompt length in tokens (the prompt is real text cut to about this many tokens). */
    promptTokens: z.array(z.number().int().min(1).max(SWEEP_LIMITS.maxPromptTokens)).min(1).max(SWEEP_LIMITS.maxAxisValues),
    /** Most requests in flight at once (the client's bound). */
    concurrency: z.array(z.number().int().min(1).max(SWEEP_LIMITS.maxConcurrency)).min(1).max(SWEEP_LIMITS.maxAxisValues),
    /** Arrival rate: Poisson (gamma with `burstiness`) at this many requests per second, or `inf`. */
    requestRate: z.array(RequestRateSchema).min(1).max(SWEEP_LIMITS.maxAxisValues),
    /**
     * Gamma shape of the inter-arrival times, as `vllm bench serve --burstiness`: 1 = Poisson, < 1 burstier,
     * > 1 more even. One value for the whole sweep.
     */
    burstiness: z.number().positive().max(1000),
  })
  .strict();
export type SweepAxes = z.infer<typeof SweepAxesSchema>;

/** A sweep spec after loading (paths of input images resolved and checked by core; relative as written here). */
export const SweepSpecSchema = z
  .object({
    name: z.string().min(1).max(200),
    description: z.string().max(4000).nullable(),
    axes: SweepAxesSchema,
    /** Measured requests per point and side. */
    requests: z.number().int().min(1).max(SWEEP_LIMITS.maxRequestsPerPoint),
    /** Warm-up requests per point and side, sent first and not counted. */
    warmup: z.number().int().min(0).max(SWEEP_LIMITS.maxWarmup),
    size: SizeSchema,
    steps: z.number().int().min(1).max(200),
    seed: z.number().int().min(0).max(MAX_SEED),
    /** Input images as written in the spec (empty: text-to-image generation). */
    images: z.array(z.string().min(1)).max(SWEEP_LIMITS.maxImages),
    /** Per-request timeout, ms. */
    timeoutMs: z.number().int().min(1000).max(3_600_000),
  })
  .strict();
export type SweepSpec = z.infer<typeof SweepSpecSchema>;

export const SweepPointSchema = z
  .object({
    /** Stable id, e.g. `b4-p512-c2-rinf` (used as a key in the store and in exports). */
    id: z.string(),
    /** 0-based position in the sweep's order. */
    index: z.number().int().min(0),
    batch: z.number().int().min(1),
    promptTokens: z.number().int().min(1),
    concurrency: z.number().int().min(1),
    requestRate: RequestRateSchema,
    burstiness: z.number().positive(),
  })
  .strict();
export type SweepPoint = z.infer<typeof SweepPointSchema>;

function rateId(rate: RequestRate): string {
  return rate === 'inf' ? 'inf' : String(rate).replace('.', '_');
}

/** The points of a spec: the cartesian product of the axes, batch outermost, request rate innermost. */
export function sweepPoints(axes: SweepAxes): SweepPoint[] {
  const out: SweepPoint[] = [];
  for (const batch of axes.batch)
    for (const promptTokens of axes.promptTokens)
      for (const concurrency of axes.concurrency)
        for (const requestRate of axes.requestRate) {
          out.push({
            id: `b${batch}-p${promptTokens}-c${concurrency}-r${rateId(requestRate)}`,
            index: out.length,
            batch,
            promptTokens,
            concurrency,
            requestRate,
            burstiness: axes.burstiness,
          });
        }
  return out;
}

/** "4/s", "0.5/s", "inf". */
export function formatRequestRate(rate: RequestRate): string {
  return rate === 'inf' ? 'inf' : `${rate}/s`;
}

/**
 * The team's configuration label: `batch×prompt tokens`, the concurrency and rate when the sweep varies them, and
 * `(n=…)` the number of measured requests behind the figures (the smaller of A's and B's successful counts).
 * `4×512 (n=2)`, `4×512 c8 r2/s (n=16)`.
 */
export function configurationLabel(point: SweepPoint, axes: SweepAxes | null, n: number | null): string {
  let label = `${point.batch}×${point.promptTokens}`;
  if (!axes || axes.concurrency.length > 1 || point.concurrency !== 1) label += ` c${point.concurrency}`;
  if (!axes || axes.requestRate.length > 1 || point.requestRate !== 'inf') label += ` r${formatRequestRate(point.requestRate)}`;
  return n === null ? label : `${label} (n=${n})`;
}

// ---------------------------------------------------------------------------------------------------------
// One request
// ---------------------------------------------------------------------------------------------------------

/** Where a prompt's token count comes from: the server's own count, or our estimate (labelled as one). */
export const TokenSourceSchema = z.enum(['server', 'estimate']);
export type TokenSource = z.infer<typeof TokenSourceSchema>;

export const SweepRequestRecordSchema = z
  .object({
    pointId: z.string(),
    side: SideSchema,
    /** 0-based within the point and side; warm-up requests come first. */
    index: z.number().int().min(0),
    warmup: z.boolean(),
    /**
     * Which sitting sent it: 0, then +1 for each `--resume`. Times (scheduledMs, sentMs) count from the start of
     * that sitting's phase, so a point's duration is the sum over its sittings, never the downtime between them.
     */
    session: z.number().int().min(0),
    status: z.enum(['ok', 'error']),
    error: JobErrorSchema.optional(),
    /** When the arrival process released the request, ms from the start of the side's measured phase. */
    scheduledMs: z.number(),
    /** When it was sent (after waiting for a concurrency slot), ms from the same origin. */
    sentMs: z.number(),
    /** sent − scheduled: the wait for a slot of ours (client queue), not part of e2e. */
    clientWaitMs: z.number().min(0),
    /** Client wall clock from the first byte sent to the image in hand (as `run`), ms; the failure time on error. */
    e2eMs: z.number().min(0),
    /** Canonical stage → ms (server stages and client upload/download), as `run` stores them. */
    stages: z.record(z.string(), z.number()),
    serverStageDurations: z.record(z.string(), z.number()).optional(),
    serverTimings: z.record(z.string(), z.unknown()).optional(),
    peakMemoryMb: z.number().nullable(),
    /** Images the server returned (0 on error). */
    images: z.number().int().min(0),
    promptTokens: z.number().int().min(0),
    promptTokensSource: TokenSourceSchema,
    endpoint: z.string(),
    finishedAt: z.string(),
  })
  .strict();
export type SweepRequestRecord = z.infer<typeof SweepRequestRecordSchema>;

// ---------------------------------------------------------------------------------------------------------
// Per point and side
// ---------------------------------------------------------------------------------------------------------

export const LatencyStatsSchema = z
  .object({
    n: z.number().int().min(0),
    mean: z.number().nullable(),
    median: z.number().nullable(),
    p90: z.number().nullable(),
    p95: z.number().nullable(),
    p99: z.number().nullable(),
    /** Population standard deviation (numpy's default ddof = 0). */
    std: z.number().nullable(),
    min: z.number().nullable(),
    max: z.number().nullable(),
  })
  .strict();
export type LatencyStats = z.infer<typeof LatencyStatsSchema>;

export const SweepSideSummarySchema = z
  .object({
    side: SideSchema,
    pointId: z.string(),
    /** Measured requests that succeeded / failed (warm-up excluded). */
    ok: z.number().int().min(0),
    failed: z.number().int().min(0),
    /** Measured requests the point asks for; ok + failed < planned while the point is unfinished. */
    planned: z.number().int().min(0),
    warmup: z.number().int().min(0),
    /** From the first measured request sent to the last one finished, ms (vllm bench's benchmark duration). */
    durationMs: z.number().nullable(),
    /** Successful requests per second over the duration. */
    requestThroughput: z.number().nullable(),
    /** Images returned per second over the duration. */
    imageThroughput: z.number().nullable(),
    /** End-to-end latency (ms) of the successful measured requests. */
    e2e: LatencyStatsSchema,
    /** Wait for a client concurrency slot (ms), not part of e2e. */
    clientWait: LatencyStatsSchema,
    /** Every stage the successful requests reported (canonical names, ms); compared stages first. */
    stages: z.record(z.string(), LatencyStatsSchema),
    /** Highest peak memory any request reported (MiB as the servers count it); null when none did. */
    peakMemoryMb: z.number().nullable(),
    /** Prompt tokens per request (mean over successful requests) and where the count came from. */
    promptTokens: z.number().nullable(),
    /** `server` when every counted request had the server's count, `estimate` when none did, `mixed` otherwise. */
    promptTokensSource: z.enum(['server', 'estimate', 'mixed']).nullable(),
  })
  .strict();
export type SweepSideSummary = z.infer<typeof SweepSideSummarySchema>;

function populationStd(xs: number[]): number | null {
  const m = mean(xs);
  if (m === null) return null;
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return Math.sqrt(s / xs.length);
}

export function latencyStats(values: readonly number[]): LatencyStats {
  const xs = values.filter((v) => Number.isFinite(v));
  return {
    n: xs.length,
    mean: mean(xs),
    median: percentile(xs, 50),
    p90: percentile(xs, 90),
    p95: percentile(xs, 95),
    p99: percentile(xs, 99),
    std: populationStd(xs),
    min: xs.length ? Math.min(...xs) : null,
    max: xs.length ? Math.max(...xs) : null,
  };
}

/** One point and side from its request records (warm-up and other points/sides are ignored). */
export function summarizeSide(
  point: Pick<SweepPoint, 'id'>,
  side: Side,
  records: readonly SweepRequestRecord[],
  planned: number,
): SweepSideSummary {
  const mine = records.filter((r) => r.pointId === point.id && r.side === side);
  const measured = mine.filter((r) => !r.warmup);
  const ok = measured.filter((r) => r.status === 'ok');
  let durationMs: number | null = null;
  if (measured.length > 0) {
    durationMs = 0;
    for (const session of new Set(measured.map((r) => r.session))) {
      const sitting = measured.filter((r) => r.session === session);
      const start = Math.min(...sitting.map((r) => r.sentMs));
      const end = Math.max(...sitting.map((r) => r.sentMs + r.e2eMs));
      durationMs += end - start;
    }
  }
  const perS = (count: number): number | null => (durationMs !== null && durationMs > 0 ? count / (durationMs / 1000) : null);
  const stageNames = new Set<string>();
  for (const r of ok) for (const k of Object.keys(r.stages)) stageNames.add(k);
  const stages: Record<string, LatencyStats> = {};
  for (const name of [...stageNames].sort()) {
    stages[name] = latencyStats(ok.map((r) => r.stages[name]).filter((v): v is number => typeof v === 'number'));
  }
  const memories = mine.map((r) => r.peakMemoryMb).filter((v): v is number => v !== null && Number.isFinite(v));
  const sources = new Set(ok.map((r) => r.promptTokensSource));
  return {
    side,
    pointId: point.id,
    ok: ok.length,
    failed: measured.length - ok.length,
    planned,
    warmup: mine.length - measured.length,
    durationMs,
    requestThroughput: perS(ok.length),
    imageThroughput: perS(ok.reduce((s, r) => s + r.images, 0)),
    e2e: latencyStats(ok.map((r) => r.e2eMs)),
    clientWait: latencyStats(measured.map((r) => r.clientWaitMs)),
    stages,
    peakMemoryMb: memories.length ? Math.max(...memories) : null,
    promptTokens: mean(ok.map((r) => r.promptTokens)),
    promptTokensSource: sources.size === 0 ? null : sources.size > 1 ? 'mixed' : ([...sources][0] as TokenSource),
  };
}

// ---------------------------------------------------------------------------------------------------------
// The A-vs-B table
// ---------------------------------------------------------------------------------------------------------

export const SweepTableRowSchema = z
  .object({
    pointId: z.string(),
    /** `4×512 (n=2)`. */
    label: z.string(),
    /** Mean end-to-end seconds of A and of B. */
    aSeconds: z.number().nullable(),
    bSeconds: z.number().nullable(),
    /** B − A, seconds (positive when A is quicker). */
    differenceSeconds: z.number().nullable(),
    /** (B − A) / B × 100, the team's improvement column. */
    improvementPercent: z.number().nullable(),
    /** B / A: how many times faster A is (shared/speedup.ts). */
    speedup: z.number().nullable(),
  })
  .strict();
export type SweepTableRow = z.infer<typeof SweepTableRowSchema>;

export function tableRow(
  point: SweepPoint,
  axes: SweepAxes | null,
  a: SweepSideSummary | null,
  b: SweepSideSummary | null,
): SweepTableRow {
  const aS = a?.e2e.mean == null ? null : a.e2e.mean / 1000;
  const bS = b?.e2e.mean == null ? null : b.e2e.mean / 1000;
  const n = a && b ? Math.min(a.ok, b.ok) : (a ?? b)?.ok ?? null;
  const imp = improvement(aS, bS);
  return {
    pointId: point.id,
    label: configurationLabel(point, axes, n),
    aSeconds: aS,
    bSeconds: bS,
    differenceSeconds: aS !== null && bS !== null ? bS - aS : null,
    improvementPercent: imp === null ? null : imp * 100,
    speedup: speedRatio(aS, bS),
  };
}

/**
 * The team's number style (`4×512 (n=2) | 0.3313 | 0.71835 | 0.3871 | 53.89`): A and B in seconds with five
 * significant digits, trailing zeros dropped; the difference to four decimals; the improvement to two decimals.
 * Each is computed from the unrounded means, so a row's printed numbers may differ from arithmetic on the printed A
 * and B in the last digit (as in the team's own notes).
 */
export function formatTeamSeconds(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '—';
  return String(Number(s.toPrecision(5)));
}

export function formatTeamDifference(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '—';
  const text = s.toFixed(4);
  return text === '-0.0000' ? '0.0000' : text;
}

export function formatTeamImprovement(pct: number | null): string {
  return pct === null || !Number.isFinite(pct) ? '—' : pct.toFixed(2);
}

// ---------------------------------------------------------------------------------------------------------
// Sweeps as the UI lists them
// ---------------------------------------------------------------------------------------------------------

export const SWEEP_STATES = ['running', 'complete', 'partial', 'cancelled', 'failed'] as const;
export const SweepStateSchema = z.enum(SWEEP_STATES);
export type SweepState = z.infer<typeof SweepStateSchema>;

export const SweepProgressSchema = z
  .object({
    /** Points × sides finished / in all. */
    pointsDone: z.number().int().min(0),
    pointsTotal: z.number().int().min(0),
    /** Requests (warm-up included) finished / in all, both sides. */
    requestsDone: z.number().int().min(0),
    requestsTotal: z.number().int().min(0),
    /** What is running now: point and side; null when nothing is. */
    current: z.object({ pointId: z.string(), pointIndex: z.number().int(), side: SideSchema }).strict().nullable(),
    etaMs: z.number().nullable(),
  })
  .strict();
export type SweepProgress = z.infer<typeof SweepProgressSchema>;

export const SweepBackendSchema = z
  .object({
    kind: z.enum(['vllm-omni', 'diffusers']),
    label: z.string(),
    target: z.string(),
    simulated: z.boolean(),
  })
  .strict();
export type SweepBackend = z.infer<typeof SweepBackendSchema>;

export const SweepSummarySchema = z
  .object({
    id: z.string(),
    dir: z.string(),
    name: z.string(),
    createdAt: z.string(),
    state: SweepStateSchema,
    message: z.string().nullable(),
    backends: z.object({ A: SweepBackendSchema, B: SweepBackendSchema }).strict(),
    progress: SweepProgressSchema,
  })
  .strict();
export type SweepSummary = z.infer<typeof SweepSummarySchema>;

export const SweepPointResultSchema = z
  .object({
    point: SweepPointSchema,
    A: SweepSideSummarySchema.nullable(),
    B: SweepSideSummarySchema.nullable(),
    row: SweepTableRowSchema,
  })
  .strict();
export type SweepPointResult = z.infer<typeof SweepPointResultSchema>;

/** Everything about one sweep: what `sweeps:get` answers and what sweep.json holds. */
export const SweepResultSchema = z
  .object({
    summary: SweepSummarySchema,
    spec: SweepSpecSchema,
    points: z.array(SweepPointResultSchema),
  })
  .strict();
export type SweepResult = z.infer<typeof SweepResultSchema>;
