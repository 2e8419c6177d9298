/**
 * PairView builders for the compare view's tests and scratch harnesses (never imported by the app itself).
 * Values are shaped like real runs: 1024² outputs, stage_durations stages on both sides (A without a server total,
 * B with its pipeline forward), B's own metrics.timings as detail.
 */
import type { PairSideView, PairView } from '../../../../shared/contract.ts';
import { hashString } from '../../../../shared/hash.ts';

export function fakeId(seed: string): string {
  // 64 hex digits, like a real content id: eight rounds of the one string hash.
  let out = '';
  for (let round = 0; out.length < 64; round++) out += hashString(`${seed}#${round}`).toString(16).padStart(8, '0');
  return out.slice(0, 64);
}

export function fakeSide(name: string, overrides: Partial<PairSideView> = {}): PairSideView {
  return {
    status: 'ok',
    error: null,
    imageId: fakeId(`${name}-out`),
    sourceId: fakeId('source'),
    width: 1024,
    height: 1024,
    e2eMs: 1250,
    stages: { upload: 4, text_encode: 150, denoise: 900, vae_decode: 110, download: 16 },
    clientWaitMs: null,
    serverTotalMs: 1200,
    detailStages: { queue_wait: 5, decode_request: 2, preprocess: 20, text_encode: 180, denoise: 900, vae_decode: 110, postprocess: 15, encode_response: 30 },
    denoiseStepsMs: null,
    peakMemoryMb: 58_000,
    endpoint: 'POST /v1/images/edits',
    attempts: 1,
    vsSource: { ratio: 0.12, heatmapId: fakeId(`${name}-vs-src`), bounds: { x: 100, y: 200, width: 300, height: 150 } },
    ...overrides,
  };
}

export function fakePair(overrides: Partial<PairView> = {}): PairView {
  const turn = overrides.turn ?? 1;
  return {
    key: `poster-01#t${turn}#r1`,
    caseId: 'poster-01',
    title: 'Shop sign',
    category: 'text-rendering',
    tags: [],
    turn,
    turns: 1,
    repeat: 1,
    prompt: 'Change the sign to read "GRAND OPENING"',
    negativePrompt: null,
    expectedText: ['GRAND OPENING'],
    A: fakeSide('A', { e2eMs: 900, stages: { upload: 4, text_encode: 60, denoise: 700, vae_decode: 100, download: 16 }, serverTotalMs: null, detailStages: null }),
    B: fakeSide('B', { denoiseStepsMs: [45, 44, 46, 45, 47] }),
    diff: {
      pixels: 12_345,
      ratio: 12_345 / (1024 * 1024),
      heatmapId: fakeId('diff'),
      bounds: { x: 10, y: 20, width: 30, height: 40 },
      ssim: 0.9812,
      psnr: 34.2,
      identical: false,
      sizeMismatch: null,
    },
    verdicts: [],
    blindSwap: false,
    ...overrides,
  };
}
