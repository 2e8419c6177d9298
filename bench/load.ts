/**
 * The load generator's own cost per request (issue 12): the same zero-delay simulator (bench/zero-server.ts, another
 * process), the same requests at concurrency 8, sent once by a bare HTTP client (the adapter alone, 8 lanes) and once
 * by the sweep's path (core/load runLoad: arrival schedule, slots, core/runner/send.ts, the record saved into a
 * sweep.sqlite as `omni-review sweep` does). Interleaved rounds; overhead = ours − bare, per request.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createAdapter } from '../core/backends/index.ts';
import type { BackendAdapter, ImageRequest } from '../core/backends/types.ts';
import { runLoad } from '../core/load/generator.ts';
import { openSweepStore, type SweepConfig } from '../core/sweep/store.ts';
import { figure, log, type Measurement } from './measure.ts';

const SIZE = '64x64';
const CONCURRENCY = 8;

async function startServers(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./zero-server.ts', import.meta.url))], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    createInterface({ input: child.stdout! }).once('line', resolve);
  });
  return { url: (JSON.parse(line) as { A: string }).A, child };
}

const request = (i: number): ImageRequest => ({ prompt: `a poster that says "N${i}"`, seed: i, steps: 1, size: SIZE, images: [] });

async function bare(adapter: BackendAdapter, n: number): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) {
        const i = next++;
        await adapter.send(request(i), { signal: new AbortController().signal, timeoutMs: 30_000 });
      }
    }),
  );
  return performance.now() - t0;
}

function config(id: string, n: number): SweepConfig {
  return {
    id,
    createdAt: new Date().toISOString(),
    spec: {
      name: 'bench',
      description: null,
      axes: { batch: [1], promptTokens: [16], concurrency: [CONCURRENCY], requestRate: ['inf'], burstiness: 1 },
      requests: n,
      warmup: 0,
      size: SIZE,
      steps: 1,
      seed: 1,
      images: [],
      timeoutMs: 30_000,
    },
    specSource: 'bench',
    inputs: [],
    backends: {
      A: { kind: 'vllm-omni', target: 'bench', simulated: false, label: 'zero-delay simulator', faults: '' },
      B: { kind: 'diffusers', target: 'bench', simulated: false, label: 'unused', faults: '' },
    },
    sides: ['A'],
    bothAtOnce: false,
    simTimeScale: null,
  };
}

async function viaLoad(dir: string, adapter: BackendAdapter, n: number): Promise<number> {
  const id = `load-${Math.random().toString(36).slice(2)}`;
  const store = await openSweepStore(join(dir, id), { create: config(id, n) });
  try {
    const t0 = performance.now();
    await runLoad({
      adapter,
      sideLabel: 'A',
      timeoutMs: 30_000,
      signal: new AbortController().signal,
      concurrency: CONCURRENCY,
      requestRate: 'inf',
      burstiness: 1,
      seed: 1,
      items: Array.from({ length: n }, (_, index) => ({ index, warmup: false })),
      build: (item) => request(item.index),
      onResult: (r) => {
        if (r.outcome.status !== 'ok') throw new Error(`load bench: request failed: ${r.outcome.error.message}`);
        const res = r.outcome.response;
        store.saveRecord({
          pointId: 'p',
          side: 'A',
          index: r.item.index,
          warmup: false,
          session: 0,
          status: 'ok',
          scheduledMs: r.scheduledMs,
          sentMs: r.sentMs,
          clientWaitMs: r.clientWaitMs,
          e2eMs: res.e2eMs,
          stages: res.stages,
          ...(res.serverStageDurations ? { serverStageDurations: res.serverStageDurations } : {}),
          peakMemoryMb: res.peakMemoryMb,
          images: res.imageCount ?? 1,
          promptTokens: 16,
          promptTokensSource: 'estimate',
          endpoint: res.endpoint,
          finishedAt: new Date().toISOString(),
        });
      },
    });
    return performance.now() - t0;
  } finally {
    store.close();
  }
}

export async function loadFigures(quick: boolean): Promise<Measurement[]> {
  const dir = mkdtempSync(join(tmpdir(), 'omni-bench-load-'));
  const { url, child } = await startServers();
  const n = quick ? 40 : 120;
  const rounds = quick ? 2 : 4;
  const adapter = createAdapter('vllm-omni', url);
  try {
    await adapter.connect({ healthDeadlineMs: 5000 });
    log(`load: generator overhead at concurrency ${CONCURRENCY}`);
    await bare(adapter, 8); // warm both paths and the connections
    await viaLoad(dir, adapter, 8);
    const bareMs: number[] = [];
    const loadMs: number[] = [];
    const overhead: number[] = [];
    for (let r = 0; r < rounds; r++) {
      // Alternate which goes first, so neither always runs on the warmer (or the more loaded) half of a round.
      let b: number;
      let l: number;
      if (r % 2 === 0) {
        b = (await bare(adapter, n)) / n;
        l = (await viaLoad(dir, adapter, n)) / n;
      } else {
        l = (await viaLoad(dir, adapter, n)) / n;
        b = (await bare(adapter, n)) / n;
      }
      bareMs.push(b);
      loadMs.push(l);
      overhead.push(l - b);
    }
    const over = figure('load generator − bare, per request', 'ms', overhead);
    return [
      {
        ...figure(`load generator (runLoad + record saved in sweep.sqlite), wall time per request at concurrency ${CONCURRENCY} (${n} requests, zero-delay simulator)`, 'ms', loadMs),
        alternative: { ...figure('bare HTTP client (the adapter alone, 8 lanes), same server and requests', 'ms', bareMs), label: 'bare client' },
        breakdown: { overhead: over },
        target: { description: 'load generator overhead ≤ 2 ms per request at concurrency 8' },
        pass: over.p50 !== null && over.p50 <= 2,
        notes: `${rounds} interleaved rounds; overhead = ours − bare per request (median in breakdown). Ours includes the synchronous=FULL commit of each record.`,
      },
    ];
  } finally {
    adapter.close();
    child.stdin?.end();
    rmSync(dir, { recursive: true, force: true });
  }
}
