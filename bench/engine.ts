/**
 * Engine figures: the comparison of one 1024² pair (pool size and SSIM downsample side by side), the cost of a
 * durable write (synchronous=FULL as shipped vs NORMAL), storing an output image, and pairs:list for a
 * 2,000-pair run through the contract (response validation as shipped vs the handler alone).
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { createCoreApp } from '../core/app/index.ts';
import { buildPairViews } from '../core/app/pair-views.ts';
import { createComparePool } from '../core/compare/pool.ts';
import type { CompareTask } from '../core/compare/types.ts';
import { openRunStore } from '../core/store/run-store.ts';
import { sampleRunConfig } from '../core/store/testing.ts';
import type { Verdict } from '../shared/model.ts';
import { figure, log, sample, type Measurement } from './measure.ts';
import { createSeededRun } from './seeded-run.ts';

const RETINA = fileURLToPath(new URL('../fixtures/images/retina.jpg', import.meta.url));

async function pairFiles(dir: string): Promise<CompareTask> {
  const source = join(dir, 'source.png');
  const a = join(dir, 'a.png');
  const b = join(dir, 'b.png');
  await sharp(RETINA).resize(1024, 1024).png().toFile(source);
  // A and B: the same edit with numeric drift and a changed region, like two serving stacks.
  const sign = Buffer.from('<svg width="1024" height="1024"><rect x="200" y="420" width="620" height="140" rx="12" fill="#f5d90a"/></svg>');
  await sharp(source).composite([{ input: sign }]).png().toFile(a);
  const signB = Buffer.from('<svg width="1024" height="1024"><rect x="203" y="421" width="620" height="140" rx="12" fill="#f2d60c"/></svg>');
  await sharp(source).modulate({ brightness: 1.01 }).composite([{ input: signB }]).png().toFile(b);
  return { a, b, sourceA: source, sourceB: source };
}

async function compareFigures(dir: string, quick: boolean): Promise<Measurement[]> {
  const task = await pairFiles(dir);
  const n = quick ? 4 : 10;
  const out: Measurement[] = [];

  // Latency of one pair, sequential, at the shipped metrics size (256) vs 512.
  const latency = async (metricsSize: number) => {
    const pool = createComparePool({ size: 1 });
    try {
      return await sample(n, 1, () => pool.compare({ ...task, metricsSize }));
    } finally {
      await pool.close();
    }
  };
  const at256 = await latency(256);
  const at512 = await latency(512);
  out.push({
    ...figure('compare one 1024² pair (A↔B + both vs source), metricsSize 256', 'ms', at256),
    alternative: { ...figure('same, metricsSize 512', 'ms', at512), label: 'SSIM/PSNR on a 512 px downsample' },
    notes: 'Production path: createComparePool, one worker, decode with sharp, three pixelmatch passes, heatmap PNGs, SSIM/PSNR.',
  });

  // Throughput with 1 vs 2 workers (the default is min(2, cores - 1)).
  const throughput = async (size: number) => {
    const pool = createComparePool({ size });
    try {
      await pool.compare(task);
      const t0 = performance.now();
      await Promise.all(Array.from({ length: n }, () => pool.compare(task)));
      return (n / (performance.now() - t0)) * 1000;
    } finally {
      await pool.close();
    }
  };
  const rounds = quick ? 1 : 3;
  const one: number[] = [];
  const two: number[] = [];
  for (let r = 0; r < rounds; r++) {
    one.push(await throughput(1));
    two.push(await throughput(2));
  }
  out.push({
    ...figure('compare throughput, pool of 1 worker', 'pairs/s', one),
    alternative: { ...figure('compare throughput, pool of 2 workers', 'pairs/s', two), label: '2 workers' },
    notes: `${n} pairs in flight per round, ${rounds} round(s). On 2 cores the default pool is 1 worker: the main thread keeps a core for HTTP and progress.`,
  });
  return out;
}

async function storeFigures(dir: string, quick: boolean): Promise<Measurement[]> {
  const n = quick ? 50 : 200;
  const runDir = join(dir, 'store-run');
  const store = await openRunStore(runDir, { create: sampleRunConfig() });
  const verdict = (i: number, prefix: string): Verdict => ({
    id: `${prefix}-${i}`,
    pairKey: 'edit#t1#r1',
    reviewer: 'bench',
    verdict: 'A_better',
    tags: ['text.misspelled'],
    note: '',
    blind: false,
    swapped: false,
    durationMs: 1000,
    createdAt: new Date().toISOString(),
  });
  const shipped = await sample(n, 5, (i) => store.addVerdict(verdict(i, 'full')));

  // The alternative: the same INSERT on a copy opened with synchronous=NORMAL.
  store.close();
  const copy = join(dir, 'store-copy.sqlite');
  copyFileSync(join(runDir, 'run.sqlite'), copy);
  const db = new DatabaseSync(copy);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
  const insert = db.prepare('INSERT OR REPLACE INTO verdicts (id, pair_key, reviewer, verdict, data, created_at) VALUES (?, ?, ?, ?, ?, ?)');
  const normal = await sample(n, 5, (i) => {
    const v = verdict(i, 'normal');
    db.exec('BEGIN');
    insert.run(v.id, v.pairKey, v.reviewer, v.verdict, JSON.stringify(v), v.createdAt);
    db.exec('COMMIT');
  });
  db.close();

  const reopened = await openRunStore(runDir);
  const pngs: Uint8Array[] = [];
  for (let i = 0; i < (quick ? 4 : 10); i++) {
    pngs.push(new Uint8Array(await sharp(RETINA).resize(1024, 1024).modulate({ hue: i * 30 }).png().toBuffer()));
  }
  const put = await sample(pngs.length, 0, (i) => reopened.putImage(pngs[i]!));
  reopened.close();
  return [
    {
      ...figure('durable verdict write (addVerdict: WAL, synchronous=FULL, zod-checked)', 'ms', shipped),
      alternative: { ...figure('same INSERT with synchronous=NORMAL', 'ms', normal), label: 'synchronous=NORMAL' },
      notes: 'A verdict is durable when the key press returns; FULL also survives power loss, NORMAL only a process crash.',
    },
    { ...figure('putImage of a 1024² PNG (hash, full decode check, fsync, rename, row)', 'ms', put), notes: 'Runs once per output image.' },
  ];
}

async function pairsListFigure(dir: string, quick: boolean): Promise<Measurement> {
  const workspace = join(dir, 'ws');
  const run = await createSeededRun(join(workspace, 'runs', 'bench-2000'), { pairs: 2000, distinct: 4 });
  const data = { config: run.store.config, jobs: run.store.jobs(), results: run.store.results(), comparisons: run.store.comparisons(), verdicts: run.store.verdicts() };
  run.store.close();
  const app = await createCoreApp({ workspace, mode: 'memory' });
  try {
    const n = quick ? 5 : 15;
    const viaRpc = await sample(n, 2, () => app.dispatcher.dispatch('pairs:list', { runId: run.runId }));
    const handlerOnly = await sample(n, 2, () => buildPairViews(data));
    return {
      ...figure('pairs:list for a 2,000-pair run through core/rpc (store reads + response validation)', 'ms', viaRpc),
      alternative: { ...figure('buildPairViews alone (records already in memory)', 'ms', handlerOnly), label: 'no store reads, no validation' },
      notes: 'The UI reloads the list on pair-changed events; the difference is the cost of reading the run and validating the response.',
    };
  } finally {
    await app.close();
  }
}

export async function engineFigures(quick: boolean): Promise<Measurement[]> {
  const dir = mkdtempSync(join(tmpdir(), 'omni-bench-engine-'));
  try {
    log('engine: comparisons');
    const compare = await compareFigures(dir, quick);
    log('engine: store');
    const store = await storeFigures(dir, quick);
    log('engine: pairs:list');
    const list = await pairsListFigure(dir, quick);
    return [...compare, ...store, list];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
