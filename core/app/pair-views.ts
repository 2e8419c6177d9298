/**
 * The UI's view of a run: one PairView per case × turn × repeat, with image ids (never paths), statuses,
 * timings, diffs and verdicts. Pure: built from what the store holds, so it is the same for a live run, a
 * finished one and one made by the CLI.
 */
import type { PairSideView, PairView } from '../../shared/contract.ts';
import { hashString } from '../../shared/hash.ts';
import type { OcrRead } from '../../shared/ocr-read.ts';
import { indexOcrReads, turnTextCheck } from '../../shared/ocr-view.ts';
import { sideTiming } from '../../shared/timing-breakdown.ts';
import {
  SIDES,
  jobId,
  pairKey,
  type Comparison,
  type Job,
  type JobResult,
  type PixelDiff,
  type RunConfig,
  type Side,
  type Verdict,
} from '../../shared/model.ts';

/** One definition on both sides (shared/timing-breakdown.ts): stages from `stage_durations`, B's own timings as detail. */
function timingView(t: JobResult['timings'] | undefined): Pick<PairSideView, 'stages' | 'clientWaitMs' | 'serverTotalMs' | 'detailStages'> {
  if (!t) return { stages: {}, clientWaitMs: null, serverTotalMs: null, detailStages: null };
  const s = sideTiming(t);
  const client: Record<string, number> = {};
  if (t.stages.upload !== undefined) client.upload = t.stages.upload;
  if (t.stages.download !== undefined) client.download = t.stages.download;
  return { stages: { ...s.server, ...client }, clientWaitMs: t.clientWaitMs ?? null, serverTotalMs: s.serverTotalMs, detailStages: s.detail };
}

export interface PairViewInput {
  config: RunConfig;
  jobs: readonly Job[];
  results: readonly JobResult[];
  comparisons: readonly Comparison[];
  verdicts: readonly Verdict[];
  /** Stored OCR reads (issue 11); absent: no text checks. */
  ocrReads?: readonly OcrRead[];
}

/**
 * Blind mode's side assignment: a stable coin flip per (run, chain), so a reload or another reviewer sees the
 * same arrangement and position bias can be measured from the stored `swapped` flags. One flip per multi-turn
 * chain (case × repeat), not per turn: sides must not trade places while a reviewer steps through the turns.
 * The low bit of shared/hash.ts's string hash (FNV-1a with a final avalanche).
 */
export function blindSwapFor(runId: string, key: string): boolean {
  return (hashString(`${runId}\n${key}`) & 1) === 1;
}

function numberList(value: unknown): number[] | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  return value.every((v) => typeof v === 'number' && Number.isFinite(v)) ? (value as number[]) : null;
}

function vsSourceView(diff: PixelDiff | null | undefined): PairSideView['vsSource'] {
  if (!diff) return null;
  return { ratio: diff.ratio, heatmapId: diff.heatmapId, bounds: diff.bounds };
}

export function buildPairViews(input: PairViewInput): PairView[] {
  const { config } = input;
  const jobs = new Map(input.jobs.map((j) => [j.id, j]));
  const results = new Map<string, JobResult>();
  for (const r of input.results) {
    const seen = results.get(r.jobId);
    if (!seen || r.finishedAt >= seen.finishedAt) results.set(r.jobId, r);
  }
  const comparisons = new Map(input.comparisons.map((c) => [c.pairKey, c]));
  const reads = indexOcrReads(input.ocrReads);
  const verdicts = new Map<string, Verdict[]>();
  for (const v of [...input.verdicts].sort((a, b) => a.createdAt.localeCompare(b.createdAt))) {
    const list = verdicts.get(v.pairKey) ?? [];
    list.push(v);
    verdicts.set(v.pairKey, list);
  }

  const views: PairView[] = [];
  for (const c of config.suite.cases) {
    for (let repeat = 1; repeat <= config.params.repeats; repeat++) {
      for (let turn = 1; turn <= c.turns.length; turn++) {
        const key = pairKey(c.id, turn, repeat);
        const t = c.turns[turn - 1]!;
        const comparison = comparisons.get(key);
        const side = (s: Side): PairSideView => {
          const job = jobs.get(jobId(c.id, s, turn, repeat));
          const result = results.get(jobId(c.id, s, turn, repeat));
          const previous = turn > 1 ? results.get(jobId(c.id, s, turn - 1, repeat)) : undefined;
          const sourceId = turn === 1 ? (c.inputs[0] ?? null) : (previous?.imageId ?? null);
          const status = job?.status ?? 'pending';
          const ok = status === 'ok' && result?.status === 'ok';
          return {
            status,
            error: result?.status === 'error' ? (result.error ?? null) : null,
            imageId: ok ? (result?.imageId ?? null) : null,
            sourceId,
            width: ok ? (result?.width ?? null) : null,
            height: ok ? (result?.height ?? null) : null,
            e2eMs: result?.status === 'ok' ? result.timings.e2eMs : null,
            ...timingView(result?.timings),
            denoiseStepsMs: numberList(result?.timings.serverTimings?.['denoise_steps']),
            peakMemoryMb: result?.peakMemoryMb ?? null,
            endpoint: result?.endpoint || null,
            attempts: result?.attempts ?? job?.attempts ?? 0,
            vsSource: vsSourceView(comparison?.vsSource[s]),
            text: ok ? turnTextCheck(reads, result?.imageId, t) : null,
          };
        };
        const sides = Object.fromEntries(SIDES.map((s) => [s, side(s)])) as Record<Side, PairSideView>;
        views.push({
          key,
          caseId: c.id,
          title: c.title ?? null,
          category: c.category,
          tags: c.tags,
          turn,
          turns: c.turns.length,
          repeat,
          prompt: t.prompt,
          negativePrompt: t.negativePrompt ?? null,
          expectedText: t.expectedText,
          A: sides.A,
          B: sides.B,
          diff: comparison
            ? {
                pixels: comparison.ab.pixels,
                ratio: comparison.ab.ratio,
                heatmapId: comparison.ab.heatmapId,
                bounds: comparison.ab.bounds,
                ssim: comparison.ab.ssim,
                psnr: comparison.ab.psnr,
                identical: comparison.ab.identical,
                sizeMismatch: comparison.ab.sizeMismatch,
              }
            : null,
          verdicts: verdicts.get(key) ?? [],
          blindSwap: blindSwapFor(config.id, `${c.id}#r${repeat}`),
        });
      }
    }
  }
  return views;
}
