/**
 * A realistic run folder seeded through the real run store (core/store's openRunStore, putImage, saveResult,
 * saveComparison: the same calls the runner makes), because a simulator run of 2,000 pairs at 1024² would take
 * the better part of an hour on 2 cores: N single-turn pairs with `distinct` different 1024² outputs per side
 * (so a browser really decodes new images when moving on) and the rest reusing them. The engine and the
 * browser-mode host then serve it like any other run. Used by the UI figures and the pairs:list figure.
 */
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { jobId, pairKey, type Comparison, type ImageId, type Job, type JobResult, type RunConfig, type SuiteCase } from '../shared/model.ts';
import { openRunStore } from '../core/store/run-store.ts';
import type { RunStore } from '../core/store/types.ts';
import { seededBackend } from '../core/testing/seed-run.ts';

const PHOTOS = ['retina.jpg', 'astronaut.png', 'coffee.png', 'chelsea.png', 'hubble-deep-field.jpg', 'rocket.jpg'].map((f) =>
  fileURLToPath(new URL(`../fixtures/images/${f}`, import.meta.url)),
);
const SIZE = Number(process.env.BENCH_IMAGE_SIZE ?? 1024);

/** A distinct 1024² PNG: a photo, hue-rotated and shifted by `k` (fast PNG settings: this is test data). */
async function photoVariant(k: number, tint: number): Promise<Uint8Array> {
  const photo = PHOTOS[k % PHOTOS.length]!;
  const img = sharp(photo).resize(SIZE + 64, SIZE + 64, { fit: 'cover' }).extract({ left: (k * 7) % 64, top: (k * 13) % 64, width: SIZE, height: SIZE });
  return new Uint8Array(await img.modulate({ hue: (k * 23 + tint) % 360, brightness: 1 + tint / 400 }).png({ compressionLevel: 1 }).toBuffer());
}

export interface SeededRun {
  store: RunStore;
  runId: string;
  /** Image ids of A and B per pair, in list order. */
  images: Array<{ key: string; A: ImageId; B: ImageId }>;
}

export async function createSeededRun(dir: string, options: { pairs: number; distinct: number; runId?: string }): Promise<SeededRun> {
  const runId = options.runId ?? 'bench-seeded';
  const source = await photoVariant(0, 0);
  const cases: SuiteCase[] = [];
  for (let i = 0; i < options.pairs; i++) {
    const id = `case-${String(i).padStart(5, '0')}`;
    cases.push({
      id,
      category: (['text-rendering', 'style-transfer', 'edit'] as const)[i % 3]!,
      title: `Seeded pair ${i}`,
      inputs: [],
      turns: [{ prompt: `Add a sign that reads "PAIR ${i}" on the wall.`, expectedText: [`PAIR ${i}`] }],
      params: {},
      tags: [],
    });
  }
  const config: RunConfig = {
    id: runId,
    createdAt: new Date().toISOString(),
    suite: { name: 'bench-seeded', defaults: { size: `${SIZE}x${SIZE}` }, cases },
    suiteSource: 'bench/seeded-run.ts',
    backends: { A: seededBackend('A'), B: seededBackend('B') },
    params: { overrides: {}, repeats: 1, retries: 0 },
  };
  const store = await openRunStore(dir, { create: config });
  const sourceImage = await store.putImage(source);
  for (const c of cases) c.inputs.push(sourceImage.id);

  const outputs: Array<{ A: ImageId; B: ImageId }> = [];
  for (let k = 0; k < options.distinct; k++) {
    const a = await store.putImage(await photoVariant(k + 1, 0));
    const b = await store.putImage(await photoVariant(k + 1, 6));
    outputs.push({ A: a.id, B: b.id });
  }
  const heat = await store.putImage(new Uint8Array(await sharp({ create: { width: SIZE, height: SIZE, channels: 3, background: '#888' } }).png().toBuffer()));

  const jobs: Job[] = [];
  const now = new Date().toISOString();
  for (const c of cases) {
    for (const side of ['A', 'B'] as const) {
      jobs.push({ id: jobId(c.id, side, 1, 1), caseId: c.id, side, turn: 1, repeat: 1, status: 'pending', attempts: 1, request: { prompt: c.turns[0]!.prompt, seed: 42, steps: 50, size: `${SIZE}x${SIZE}` } });
    }
  }
  store.addJobs(jobs);
  const images: SeededRun['images'] = [];
  cases.forEach((c, i) => {
    const out = outputs[i % outputs.length]!;
    images.push({ key: pairKey(c.id, 1, 1), ...out });
    for (const side of ['A', 'B'] as const) {
      const result: JobResult = {
        jobId: jobId(c.id, side, 1, 1),
        caseId: c.id,
        side,
        turn: 1,
        repeat: 1,
        status: 'ok',
        imageId: out[side],
        width: SIZE,
        height: SIZE,
        requestedSize: `${SIZE}x${SIZE}`,
        timings: {
          e2eMs: side === 'A' ? 900 + (i % 50) : 1800 + (i % 70),
          stages: side === 'A' ? { upload: 2, text_encode: 25, denoise: 700, vae_decode: 150, download: 8 } : { queue: 600, upload: 2, preprocess: 80, text_encode: 30, vae_encode: 12, denoise: 900, vae_decode: 20, download: 9 },
        },
        peakMemoryMb: side === 'A' ? 61000 : 61500,
        endpoint: 'POST /v1/images/edits',
        attempts: 1,
        startedAt: now,
        finishedAt: now,
      };
      store.saveResult(result);
    }
    const diff = { pixels: 10_000 + i, ratio: (10_000 + i) / (SIZE * SIZE), heatmapId: heat.id, bounds: { x: 100, y: 200, width: 600, height: 120 }, width: SIZE, height: SIZE, sizeMismatch: null };
    const comparison: Comparison = {
      pairKey: pairKey(c.id, 1, 1),
      ab: { ...diff, ssim: 0.97, psnr: 31.5, identical: false },
      vsSource: { A: { ...diff, ratio: 0.2 }, B: { ...diff, ratio: 0.21 } },
      threshold: 0.1,
      metricsSize: 256,
    };
    store.saveComparison(comparison);
  });
  return { store, runId, images };
}
