/**
 * A finished run folder written straight through the real run store (core/store), for tests that need many
 * pairs in a known shape without the minutes a simulator run of that size takes. Everything the UI reads comes
 * from it the way it comes from any run: the engine's own pairs:list, verdict, export and file resolution.
 *
 * Shape, deterministic from the options: `pairs` pairs; every `chainEvery`-th case is a 3-turn multi-turn
 * chain (when the pairs left allow it), the others single-turn edits cycling through the categories; every
 * `errorEvery`-th pair has B failed with an HTTP 500 (a chain's later turns are then skipped, as the runner
 * does); `reviewedFraction` of the pairs carry a verdict of `priorReviewer` (cycling through every verdict value and a
 * few taxonomy tags), each a second newer than the last.
 * Images are small solid PNGs from a palette of a few colours (content-addressed, so they are stored once).
 */
import sharp from 'sharp';
import {
  CATEGORIES,
  jobId,
  pairKey,
  type Category,
  type Comparison,
  type Job,
  type JobResult,
  type RunConfig,
  type Side,
  type SuiteCase,
  type Verdict,
  type VerdictValue,
} from '../../shared/model.ts';
import { openRunStore } from '../store/run-store.ts';
import { backendConfig } from '../store/testing.ts';

export interface SeedRunOptions {
  /** Run id; also the run's createdAt order when several are seeded (later ids are not newer by themselves). */
  id: string;
  pairs: number;
  suiteName?: string;
  /** Every n-th case is a 3-turn chain (0: none). Default 5. */
  chainEvery?: number;
  /** Every n-th pair has a failed B side (0: none). Default 0. */
  errorEvery?: number;
  /** Share of pairs (0..1) with a prior verdict by `priorReviewer`. Default 0. */
  reviewedFraction?: number;
  priorReviewer?: string;
  createdAt?: string;
  /** Multiplies A's e2e and stage times (a slower or faster A, for run-vs-run comparisons). Default 1. */
  aTimeScale?: number;
  /** Every n-th pair gets another A output image than the default shape gives (0: none), so A's pictures change. */
  aImageChangeEvery?: number;
  /** Shifts the cycle of prior verdicts by this many values, so the same pairs get other verdicts. Default 0. */
  verdictOffset?: number;
}

const SIZE = 32;
const PALETTE = ['#c0392b', '#2980b9', '#27ae60', '#8e44ad', '#f39c12', '#16a085'];
const SINGLE_CATEGORIES = CATEGORIES.filter((c) => c !== 'multi-turn');
const VERDICT_CYCLE: VerdictValue[] = ['A_better', 'B_better', 'tie', 'both_bad', 'skip'];
const TAG_CYCLE: string[][] = [[], ['text.missing'], [], ['text.missing', 'artifact.blur'], ['style.not_applied']];

async function solidPng(colour: string): Promise<Uint8Array> {
  return new Uint8Array(await sharp({ create: { width: SIZE, height: SIZE, channels: 3, background: colour } }).png().toBuffer());
}

/** Write the run folder `dir` (which must not hold a run yet); returns its id. */
export async function seedRun(dir: string, options: SeedRunOptions): Promise<string> {
  const chainEvery = options.chainEvery ?? 5;
  const errorEvery = options.errorEvery ?? 0;
  const createdAt = options.createdAt ?? new Date().toISOString();
  const aScale = options.aTimeScale ?? 1;
  const aChangeEvery = options.aImageChangeEvery ?? 0;
  const cases: SuiteCase[] = [];
  let planned = 0;
  for (let i = 0; planned < options.pairs; i++) {
    const id = `case-${String(i).padStart(4, '0')}`;
    const chain = chainEvery > 0 && i % chainEvery === chainEvery - 1 && options.pairs - planned >= 3;
    const category: Category = chain ? 'multi-turn' : SINGLE_CATEGORIES[i % SINGLE_CATEGORIES.length]!;
    const turns = chain
      ? [1, 2, 3].map((t) => ({ prompt: `Turn ${t}: write "STEP ${t}" on the sign.`, expectedText: [`STEP ${t}`] }))
      : [{ prompt: `Add a poster that reads "PAIR ${i}".`, expectedText: [`PAIR ${i}`] }];
    cases.push({ id, category, title: `Seeded case ${i}`, inputs: [], turns, params: {}, tags: chain ? ['chain'] : [] });
    planned += turns.length;
  }
  const config: RunConfig = {
    id: options.id,
    createdAt,
    suite: { name: options.suiteName ?? 'seeded', defaults: { size: `${SIZE}x${SIZE}` }, cases },
    suiteSource: 'core/testing/seed-run.ts',
    backends: { A: seededBackend('A'), B: seededBackend('B') },
    params: { overrides: {}, repeats: 1, retries: 0 },
  };
  const store = await openRunStore(dir, { create: config });
  try {
    const palette = [];
    for (const colour of PALETTE) palette.push((await store.putImage(await solidPng(colour))).id);
    const heatmap = (await store.putImage(await solidPng('#808080'))).id;
    // Near white: far from every palette colour, so pixelmatch (threshold 0.1) counts every pixel as changed.
    const changedA = aChangeEvery > 0 ? (await store.putImage(await solidPng('#f4f4f4'))).id : null;
    for (const c of cases) c.inputs.push(palette[0]!);

    const jobs: Job[] = [];
    for (const c of cases) {
      c.turns.forEach((t, ti) => {
        for (const side of ['A', 'B'] as const) {
          jobs.push({ id: jobId(c.id, side, ti + 1, 1), caseId: c.id, side, turn: ti + 1, repeat: 1, status: 'pending', attempts: 0, request: { prompt: t.prompt, seed: 42, steps: 8, size: `${SIZE}x${SIZE}` } });
        }
      });
    }
    store.addJobs(jobs);

    const base = Date.parse(createdAt);
    const stamp = (n: number) => new Date(base + n * 1000).toISOString();
    const fraction = options.reviewedFraction ?? 0;
    let index = 0;
    let reviewedSoFar = 0;
    for (const c of cases) {
      let bFailed = false;
      for (let turn = 1; turn <= c.turns.length; turn++, index++) {
        const key = pairKey(c.id, turn, 1);
        const failsNow: boolean = !bFailed && errorEvery > 0 && index % errorEvery === errorEvery - 1;
        for (const side of ['A', 'B'] as const) {
          const common = { jobId: jobId(c.id, side, turn, 1), caseId: c.id, side, turn, repeat: 1, requestedSize: `${SIZE}x${SIZE}`, startedAt: stamp(index), finishedAt: stamp(index) };
          let result: JobResult;
          if (side === 'B' && (bFailed || failsNow)) {
            result = bFailed
              ? { ...common, status: 'error', error: { kind: 'skipped', message: 'skipped: an earlier turn of this chain failed', retryable: false }, timings: { e2eMs: 0, stages: {} }, peakMemoryMb: null, endpoint: '', attempts: 0 }
              : { ...common, status: 'error', error: { kind: 'http', message: 'HTTP 500 from the server: simulated fault', httpStatus: 500, retryable: true }, timings: { e2eMs: 120, stages: {} }, peakMemoryMb: null, endpoint: 'POST /v1/images/edits', attempts: 1 };
          } else {
            result = {
              ...common,
              status: 'ok',
              imageId:
                changedA && side === 'A' && index % aChangeEvery === aChangeEvery - 1
                  ? changedA
                  : palette[1 + ((index + (side === 'B' ? 1 : 0)) % (palette.length - 1))]!,
              width: SIZE,
              height: SIZE,
              timings: { e2eMs: side === 'A' ? (900 + (index % 50)) * aScale : 1800 + (index % 70), stages: side === 'A' ? { text_encode: 25 * aScale, denoise: (700 + index) * aScale, vae_decode: 150 * aScale } : { queue: 600, text_encode: 30, denoise: 900 + index, vae_decode: 20 } },
              peakMemoryMb: side === 'A' ? 61_000 : 61_500,
              endpoint: 'POST /v1/images/edits',
              attempts: 1,
            };
          }
          store.saveResult(result);
        }
        bFailed ||= failsNow;
        if (!bFailed) {
          const diff = { pixels: 100 + index, ratio: (100 + index) / (SIZE * SIZE), heatmapId: heatmap, bounds: { x: 2, y: 3, width: 20, height: 10 }, width: SIZE, height: SIZE, sizeMismatch: null };
          const comparison: Comparison = { pairKey: key, ab: { ...diff, ssim: 0.9, psnr: 28, identical: false }, vsSource: { A: diff, B: diff }, threshold: 0.1, metricsSize: SIZE };
          store.saveComparison(comparison);
        }
        // Spread evenly, starting with the first pair: pair i is reviewed when ⌈i·f⌉ < ⌈(i+1)·f⌉.
        if (options.priorReviewer && Math.ceil(index * fraction) < Math.ceil((index + 1) * fraction)) {
          const verdict: Verdict = {
            id: `seed-${options.id}-${index}`,
            pairKey: key,
            reviewer: options.priorReviewer,
            verdict: VERDICT_CYCLE[(reviewedSoFar + (options.verdictOffset ?? 0)) % VERDICT_CYCLE.length]!,
            tags: TAG_CYCLE[reviewedSoFar % TAG_CYCLE.length]!,
            note: '',
            blind: false,
            swapped: false,
            durationMs: 3000,
            createdAt: stamp(index),
          };
          store.addVerdict(verdict);
          reviewedSoFar++;
        }
      }
    }
  } finally {
    store.close();
  }
  return options.id;
}

/** A side's backend record as a simulator run stores it (what a seeded run folder claims to have used). */
export function seededBackend(side: Side): RunConfig['backends']['A'] {
  return backendConfig(side, {
    url: 'embedded simulator',
    label: side === 'A' ? 'vLLM-Omni (simulated)' : 'diffusers baseline (simulated)',
    concurrency: 1,
    timeoutMs: 300_000,
  });
}
