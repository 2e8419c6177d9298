/**
 * Synthetic run records for the report tests: a three-case suite (a two-turn chain among them), jobs and
 * results in every state, one comparison and verdicts. Test support only; nothing in the product imports it.
 */
import { createHash } from 'node:crypto';
import {
  jobId,
  pairKey,
  type BackendConfig,
  type Comparison,
  type ImageId,
  type Job,
  type JobResult,
  type RunConfig,
  type Side,
  type Suite,
  type Verdict,
} from '../../../shared/model.ts';
import type { ReportInput } from '../build.ts';

export function imageId(name: string): ImageId {
  return createHash('sha256').update(name).digest('hex');
}

export function backend(side: Side, patch: Partial<BackendConfig> = {}): BackendConfig {
  return {
    side,
    kind: side === 'A' ? 'vllm-omni' : 'diffusers',
    target: 'sim',
    url: side === 'A' ? 'http://127.0.0.1:8091' : 'http://127.0.0.1:8092',
    simulated: true,
    label: side === 'A' ? 'vLLM-Omni (simulated)' : 'diffusers (simulated)',
    concurrency: 1,
    timeoutMs: 60_000,
    faults: '',
    ...patch,
  };
}

export function suite(): Suite {
  return {
    name: 'demo suite',
    defaults: { seed: 42, steps: 4, size: '512x512' },
    cases: [
      {
        id: 'poster',
        category: 'text-rendering',
        title: 'Poster text',
        inputs: [imageId('poster-input')],
        turns: [{ prompt: 'Write "GRAND OPENING" on the sign', expectedText: ['GRAND OPENING'] }],
        params: {},
        tags: ['en'],
      },
      {
        id: 'chain',
        category: 'multi-turn',
        inputs: [imageId('chain-input')],
        turns: [
          { prompt: 'Make the sky orange', expectedText: [] },
          { prompt: 'Add a moon', negativePrompt: 'blurry', expectedText: [] },
        ],
        params: { size: '256x256' },
        tags: [],
      },
      {
        id: 'gen',
        category: 'generation',
        inputs: [],
        turns: [{ prompt: 'A red bicycle', expectedText: [] }],
        params: {},
        tags: [],
      },
    ],
  };
}

export function config(patch: Partial<RunConfig> = {}): RunConfig {
  return {
    id: 'run-1',
    createdAt: '2025-01-02T03:04:05.000Z',
    suite: suite(),
    suiteSource: 'fixtures/suites/demo.yaml',
    backends: { A: backend('A'), B: backend('B') },
    params: { overrides: {}, repeats: 1, retries: 1 },
    ...patch,
  };
}

export function job(caseId: string, side: Side, turn: number, status: Job['status'], size = '512x512', repeat = 1): Job {
  return {
    id: jobId(caseId, side, turn, repeat),
    caseId,
    side,
    turn,
    repeat,
    status,
    attempts: status === 'pending' ? 0 : 1,
    request: { prompt: 'p', seed: 42, steps: 4, size },
  };
}

export function okResult(
  caseId: string,
  side: Side,
  turn: number,
  e2eMs: number,
  stages: Record<string, number>,
  peakMemoryMb: number | null = null,
  repeat = 1,
): JobResult {
  return {
    jobId: jobId(caseId, side, turn, repeat),
    caseId,
    side,
    turn,
    repeat,
    status: 'ok',
    imageId: imageId(`${caseId}-${side}-${turn}-${repeat}`),
    width: 512,
    height: 512,
    requestedSize: '512x512',
    timings: { e2eMs, stages },
    peakMemoryMb,
    endpoint: 'POST /v1/images/edits',
    attempts: 1,
    startedAt: '2025-01-02T03:04:06.000Z',
    finishedAt: '2025-01-02T03:04:07.000Z',
  };
}

export function errorResult(caseId: string, side: Side, turn: number, message: string, kind: 'http' | 'skipped' = 'http'): JobResult {
  return {
    jobId: jobId(caseId, side, turn, 1),
    caseId,
    side,
    turn,
    repeat: 1,
    status: 'error',
    error: { kind, message, ...(kind === 'http' ? { httpStatus: 500, url: 'http://127.0.0.1:8092/v1/images/edits' } : {}), retryable: false },
    requestedSize: '512x512',
    timings: { e2eMs: 12, stages: {} },
    peakMemoryMb: null,
    endpoint: 'POST /v1/images/edits',
    attempts: 2,
    startedAt: '2025-01-02T03:04:06.000Z',
    finishedAt: '2025-01-02T03:04:07.000Z',
  };
}

export function comparison(caseId: string, turn: number): Comparison {
  const diff = {
    pixels: 1024,
    ratio: 1024 / (512 * 512),
    heatmapId: imageId(`heat-${caseId}-${turn}`),
    bounds: { x: 10, y: 20, width: 32, height: 32 },
    width: 512,
    height: 512,
    sizeMismatch: null,
  };
  return {
    pairKey: pairKey(caseId, turn, 1),
    ab: { ...diff, ssim: 0.95, psnr: 31.5, identical: false },
    vsSource: { A: { ...diff, sourceResizedFrom: null }, B: null },
    threshold: 0.1,
    metricsSize: 256,
  };
}

export function verdict(caseId: string, turn: number, value: Verdict['verdict'], patch: Partial<Verdict> = {}): Verdict {
  return {
    id: `v-${caseId}-${turn}-${value}`,
    pairKey: pairKey(caseId, turn, 1),
    reviewer: 'ana',
    verdict: value,
    tags: ['text.misspelled'],
    note: 'A dropped a letter',
    blind: false,
    swapped: false,
    durationMs: 4200,
    createdAt: '2025-01-02T04:00:00.000Z',
    ...patch,
  };
}

/**
 * poster: both ok (A 300 ms, B 1200 ms), compared, one verdict.
 * chain t1: both ok (A 500, B 1000); chain t2: A ok (700), B failed with HTTP 500.
 * gen: A skipped, B still pending.
 */
export function reportInput(patch: Partial<ReportInput> = {}): ReportInput {
  return {
    config: config(),
    jobs: [
      job('poster', 'A', 1, 'ok'),
      job('poster', 'B', 1, 'ok'),
      job('chain', 'A', 1, 'ok', '256x256'),
      job('chain', 'B', 1, 'ok', '256x256'),
      job('chain', 'A', 2, 'ok', '256x256'),
      job('chain', 'B', 2, 'error', '256x256'),
      job('gen', 'A', 1, 'skipped'),
      job('gen', 'B', 1, 'pending'),
    ],
    results: [
      okResult('poster', 'A', 1, 300, { text_encode: 50, denoise: 200, vae_decode: 30 }, 1000),
      okResult('poster', 'B', 1, 1200, { text_encode: 100, denoise: 900, vae_decode: 100 }, 3000),
      okResult('chain', 'A', 1, 500, { denoise: 400 }, 1500),
      okResult('chain', 'B', 1, 1000, { denoise: 800, prepare_latents: 10 }, 2500),
      okResult('chain', 'A', 2, 700, { denoise: 600 }, 1200),
      errorResult('chain', 'B', 2, 'HTTP 500 from http://127.0.0.1:8092/v1/images/edits: CUDA out of memory'),
    ],
    comparisons: [comparison('poster', 1)],
    verdicts: [verdict('poster', 1, 'A_better'), verdict('poster', 1, 'tie', { reviewer: 'bo', createdAt: '2025-01-02T03:59:00.000Z' })],
    servers: {
      A: { model: 'Qwen/Qwen-Image-Edit', generation: 'current', editPath: '/v1/images/edits', generatePath: '/v1/images/generations', notes: [] },
      B: null,
    },
    imageRelPath: (id) => `images/${id.slice(0, 2)}/${id}.png`,
    generatedAt: '2025-01-02T05:00:00.000Z',
    toolVersion: '0.1.0',
    ...patch,
  };
}
