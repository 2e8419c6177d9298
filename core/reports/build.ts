/**
 * Run records → report.json (shared/report.ts). Pure: everything it needs comes in through ReportInput, so it
 * can build a report for a finished run, a partial one (crashed, cancelled) or one still in progress.
 */
import {
  jobId,
  pairKey,
  VERDICTS,
  type Comparison,
  type ImageId,
  type Job,
  type JobResult,
  type PixelDiff,
  type RunConfig,
  type ServerInfo,
  type Side,
  type SuiteCase,
  type Verdict,
} from '../../shared/model.ts';
import {
  REPORT_SCHEMA_VERSION,
  type Report,
  type ReportPair,
  type ReportPixelDiff,
  type ReportSide,
} from '../../shared/report.ts';
import { orderedStageNames } from '../../shared/stages.ts';
import { breakdownOf, sideTiming } from '../../shared/timing-breakdown.ts';
import { improvement, max, mean, summarize } from '../../shared/stats.ts';
import { reviewStats } from '../../shared/review-stats.ts';
import { headline } from '../../shared/headline.ts';
import { headlineInput, summaryRows, type TextResultOf } from '../../shared/run-summary.ts';
import { reportTextOf } from './conclusions.ts';
import type { OcrRead } from '../../shared/ocr-read.ts';
import { indexOcrReads, turnTextCheck } from '../../shared/ocr-view.ts';
import { textSummary } from '../../shared/text-summary.ts';

export interface ReportInput {
  config: RunConfig;
  jobs: Job[];
  results: JobResult[];
  comparisons: Comparison[];
  verdicts: Verdict[];
  servers: { A: ServerInfo | null; B: ServerInfo | null };
  /** Path of a stored image relative to the report file (POSIX separators), e.g. "../images/ab/ab12….png". */
  imageRelPath: (id: ImageId) => string;
  /** Stored OCR reads (issue 11); absent: no text checks in the report. */
  ocrReads?: OcrRead[];
  generatedAt: string;
  toolVersion: string;
}

/** The size a job of this case asks for when no job exists yet: CLI override, then case params, then suite defaults. */
function plannedSize(config: RunConfig, c: SuiteCase): string {
  return config.params.overrides.size ?? c.params.size ?? config.suite.defaults.size ?? '';
}

function latestResults(results: readonly JobResult[]): Map<string, JobResult> {
  const byJob = new Map<string, JobResult>();
  for (const r of results) {
    const seen = byJob.get(r.jobId);
    // A job that was retried across a resume may have more than one saved result: the last one finished wins.
    if (!seen || r.finishedAt >= seen.finishedAt) byJob.set(r.jobId, r);
  }
  return byJob;
}

function sideFromResult(result: JobResult, imageRelPath: (id: ImageId) => string): ReportSide {
  const status: ReportSide['status'] =
    result.status === 'ok' ? 'ok' : result.error?.kind === 'skipped' ? 'skipped' : 'error';
  return {
    status,
    error: result.error ?? null,
    image: result.imageId ? imageRelPath(result.imageId) : null,
    width: result.width ?? null,
    height: result.height ?? null,
    requestedSize: result.requestedSize,
    timings: {
      e2eMs: result.timings.e2eMs,
      stages: { ...result.timings.stages },
      ...(result.timings.serverStageDurations ? { serverStageDurations: { ...result.timings.serverStageDurations } } : {}),
      ...(result.timings.serverTimings ? { serverTimings: { ...result.timings.serverTimings } } : {}),
    },
    peakMemoryMb: result.peakMemoryMb,
    endpoint: result.endpoint,
    attempts: result.attempts,
    ...(result.notes?.length ? { notes: [...result.notes] } : {}),
  };
}

/** A side without a saved result: what the job record says, or pending when there is no job at all. */
function sideFromJob(job: Job | undefined, requestedSize: string): ReportSide {
  let status: ReportSide['status'] = 'pending';
  if (job?.status === 'skipped') status = 'skipped';
  // Marked failed but no result saved (e.g. the process died between the two writes): failed, reason unknown.
  else if (job?.status === 'error') status = 'error';
  return {
    status,
    error: null,
    image: null,
    width: null,
    height: null,
    requestedSize: job?.request.size ?? requestedSize,
    timings: { e2eMs: null, stages: {} },
    peakMemoryMb: null,
    endpoint: null,
    attempts: job?.attempts ?? 0,
  };
}

function reportDiff(diff: PixelDiff, imageRelPath: (id: ImageId) => string): ReportPixelDiff {
  return {
    pixels: diff.pixels,
    ratio: diff.ratio,
    heatmap: diff.heatmapId ? imageRelPath(diff.heatmapId) : null,
    bounds: diff.bounds,
    sizeMismatch: diff.sizeMismatch,
    ...(diff.sourceResizedFrom === undefined ? {} : { sourceResizedFrom: diff.sourceResizedFrom }),
  };
}

function byCreatedAt(a: Verdict, b: Verdict): number {
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0;
}

export function buildReport(input: ReportInput): Report {
  const { config, imageRelPath } = input;
  const jobsById = new Map(input.jobs.map((j) => [j.id, j]));
  const resultsById = latestResults(input.results);
  const comparisons = new Map(input.comparisons.map((c) => [c.pairKey, c]));
  const verdictsByPair = new Map<string, Verdict[]>();
  for (const v of input.verdicts) {
    const list = verdictsByPair.get(v.pairKey) ?? [];
    list.push(v);
    verdictsByPair.set(v.pairKey, list);
  }

  // The newest read of each (image, expected text), scored as the UI's pair views score it (shared/ocr-view.ts).
  const reads = indexOcrReads(input.ocrReads);

  const pairs: ReportPair[] = [];
  for (const c of config.suite.cases) {
    const sources = c.inputs.map((id) => imageRelPath(id));
    // Repeat-major within a case: each repeat's multi-turn chain (t1 → t2 → …) stays contiguous.
    for (let repeat = 1; repeat <= config.params.repeats; repeat++) {
      for (let turn = 1; turn <= c.turns.length; turn++) {
        const t = c.turns[turn - 1];
        if (!t) continue;
        const key = pairKey(c.id, turn, repeat);
        const side = (s: Side): ReportSide => {
          const id = jobId(c.id, s, turn, repeat);
          const result = resultsById.get(id);
          if (!result) return sideFromJob(jobsById.get(id), plannedSize(config, c));
          const reportSide = sideFromResult(result, imageRelPath);
          const text = result.status === 'ok' ? turnTextCheck(reads, result.imageId, t) : null;
          return text ? { ...reportSide, text } : reportSide;
        };
        const comparison = comparisons.get(key);
        pairs.push({
          key,
          caseId: c.id,
          title: c.title ?? null,
          turn,
          turns: c.turns.length,
          repeat,
          category: c.category,
          tags: [...c.tags],
          prompt: t.prompt,
          negativePrompt: t.negativePrompt ?? null,
          expectedText: [...t.expectedText],
          sources,
          A: side('A'),
          B: side('B'),
          diff: comparison
            ? {
                ...reportDiff(comparison.ab, imageRelPath),
                ssim: comparison.ab.ssim,
                psnr: comparison.ab.psnr,
                identical: comparison.ab.identical,
              }
            : null,
          vsSource: {
            A: comparison?.vsSource.A ? reportDiff(comparison.vsSource.A, imageRelPath) : null,
            B: comparison?.vsSource.B ? reportDiff(comparison.vsSource.B, imageRelPath) : null,
          },
          verdicts: (verdictsByPair.get(key) ?? []).slice().sort(byCreatedAt),
        });
      }
    }
  }

  const finished = (s: ReportSide['status']) => s === 'ok' || s === 'error' || s === 'skipped';
  const complete = pairs.every((p) => finished(p.A.status) && finished(p.B.status));

  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: input.generatedAt,
    tool: { name: 'omni-review', version: input.toolVersion },
    run: {
      id: config.id,
      createdAt: config.createdAt,
      status: complete ? 'complete' : 'partial',
      suite: { name: config.suite.name, source: config.suiteSource, cases: config.suite.cases.length },
      backends: {
        A: backendOf(config, input.servers, 'A'),
        B: backendOf(config, input.servers, 'B'),
      },
      params: {
        repeats: config.params.repeats,
        retries: config.params.retries,
        overrides: { ...config.params.overrides },
      },
    },
    summary: withTextSummary(summarizePairs(pairs, reportTextOf), pairs),
    pairs,
  };
}

/** The text-rendering summary, only when some output was read (a run with OCR off keeps its report as before). */
function withTextSummary(summary: Report['summary'], pairs: readonly ReportPair[]): Report['summary'] {
  return pairs.some((p) => p.A.text || p.B.text) ? { ...summary, text: textSummary(pairs) } : summary;
}

function backendOf(config: RunConfig, servers: ReportInput['servers'], side: Side): Report['run']['backends']['A'] {
  const b = config.backends[side];
  return {
    kind: b.kind,
    url: b.url,
    simulated: b.simulated,
    label: b.label,
    concurrency: b.concurrency,
    timeoutMs: b.timeoutMs,
    faults: b.faults,
    server: servers[side],
  };
}

function e2eOf(side: ReportSide): number | null {
  return side.status === 'ok' ? side.timings.e2eMs : null;
}

/** The summary block; exported for the UI's "live" summary over a filtered set of pairs. */
export function summarizePairs(pairs: readonly ReportPair[], textOf?: TextResultOf<ReportPair>): Report['summary'] {
  const bothOk = pairs.filter((p) => p.A.status === 'ok' && p.B.status === 'ok');
  const okE2e = (s: Side, from: readonly ReportPair[]) =>
    from.map((p) => e2eOf(p[s])).filter((v): v is number => v !== null);

  const pairedA = summarize(okE2e('A', bothOk));
  const pairedB = summarize(okE2e('B', bothOk));

  const stageMeans = (s: Side): Record<string, number> => {
    const samples = new Map<string, number[]>();
    for (const p of pairs) {
      if (p[s].status !== 'ok') continue;
      for (const [stage, ms] of Object.entries(p[s].timings.stages)) {
        const list = samples.get(stage) ?? [];
        list.push(ms);
        samples.set(stage, list);
      }
    }
    const out: Record<string, number> = {};
    for (const stage of orderedStageNames(samples.keys())) {
      const m = mean(samples.get(stage) ?? []);
      if (m !== null) out[stage] = m;
    }
    return out;
  };

  // Like for like: the buckets of each request (they add up to its e2e) over the pairs where both sides are ok.
  const meansOf = (rows: Array<Array<[string, number]>>): Record<string, number> => {
    const samples = new Map<string, number[]>();
    for (const row of rows) for (const [k, ms] of row) samples.set(k, [...(samples.get(k) ?? []), ms]);
    const out: Record<string, number> = {};
    for (const [k, list] of samples) {
      const m = mean(list);
      if (m !== null) out[k] = m;
    }
    return out;
  };
  const bucketMeans = (s: Side): Record<string, number> =>
    meansOf(
      bothOk.map((p) => {
        const t = p[s].timings;
        return breakdownOf({ ...t, e2eMs: t.e2eMs ?? 0 }).buckets.map((b): [string, number] => [b.key, b.ms]);
      }),
    );
  const detailMeans = (s: Side): Record<string, number> =>
    meansOf(
      pairs
        .filter((p) => p[s].status === 'ok')
        .map((p) => Object.entries(sideTiming({ ...p[s].timings, e2eMs: p[s].timings.e2eMs ?? 0 }).detail ?? {})),
    );

  const peak = (s: Side) =>
    max(pairs.filter((p) => p[s].status === 'ok').map((p) => p[s].peakMemoryMb).filter((v): v is number => v !== null));

  const verdicts: Record<string, number> = Object.fromEntries(VERDICTS.map((v) => [v, 0]));
  for (const p of pairs) for (const v of p.verdicts) verdicts[v.verdict] = (verdicts[v.verdict] ?? 0) + 1;

  const diffs = pairs.map((p) => p.diff).filter((d) => d !== null);
  return {
    pairs: pairs.length,
    bothOk: bothOk.length,
    errors: {
      A: pairs.filter((p) => p.A.status === 'error').length,
      B: pairs.filter((p) => p.B.status === 'error').length,
    },
    e2eMs: { A: summarize(okE2e('A', pairs)), B: summarize(okE2e('B', pairs)) },
    pairedE2eMs: { A: pairedA, B: pairedB },
    improvement: improvement(pairedA.mean, pairedB.mean),
    stageMeansMs: { A: stageMeans('A'), B: stageMeans('B') },
    bucketMeansMs: { A: bucketMeans('A'), B: bucketMeans('B') },
    detailMeansMs: { A: detailMeans('A'), B: detailMeans('B') },
    peakMemoryMb: { A: peak('A'), B: peak('B') },
    meanDiffRatio: mean(diffs.map((d) => d.ratio).filter((v): v is number => v !== null)),
    meanSsim: mean(diffs.map((d) => d.ssim).filter((v): v is number => v !== null)),
    verdicts,
    review: reviewStats(pairs),
    // Issue 13's conclusions; `textOf` is the seam for issue 11's per-side text checks (absent: no text figures).
    headline: headline(headlineInput(pairs, textOf)),
    categories: summaryRows(pairs, textOf),
  };
}
