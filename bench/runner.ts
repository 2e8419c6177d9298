/**
 * The runner's own cost per request: the same zero-delay servers (bench/zero-server.ts, another process), the
 * same requests, sent once by the bare HTTP client (the backend adapters alone, N lanes per side) and once by
 * the scheduler (runJobs: queues, events, progress, each output staged, then fsynced, decoded and saved as a result
 * in run.sqlite), at concurrency 1 and 8 per side. Comparisons are stubbed (a fixed answer) so this is the main
 * thread's work per request; the compare figures are measured on their own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createAdapter } from '../core/backends/index.ts';
import type { BackendAdapter, ImageRequest } from '../core/backends/types.ts';
import type { CompareOutput, ComparePool } from '../core/compare/types.ts';
import { planJobs } from '../core/engine/plan.ts';
import { connectBackends } from '../core/runner/connect.ts';
import { runJobs } from '../core/runner/scheduler.ts';
import { openRunStore } from '../core/store/run-store.ts';
import { backendConfig, sampleRunConfig, solidPng } from '../core/store/testing.ts';
import type { Side, Suite } from '../shared/model.ts';
import { figure, log, type Measurement } from './measure.ts';

const SIZE = '64x64';
const SIDES: Side[] = ['A', 'B'];

async function startServers(): Promise<{ urls: Record<Side, string>; child: ChildProcess }> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./zero-server.ts', import.meta.url))], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    createInterface({ input: child.stdout! }).once('line', resolve);
  });
  return { urls: JSON.parse(line) as Record<Side, string>, child };
}

function suite(n: number): Suite {
  return {
    name: 'overhead',
    defaults: {},
    cases: Array.from({ length: n }, (_, i) => ({
      id: `g${i}`,
      category: 'generation',
      inputs: [],
      turns: [{ prompt: `a poster that says "N${i}"`, expectedText: [] }],
      params: { size: SIZE, steps: 1, seed: i },
      tags: [],
    })),
  };
}

class StubPool implements ComparePool {
  private heatmap: Uint8Array | undefined;
  async compare(): Promise<CompareOutput> {
    this.heatmap ??= await solidPng(8, 8, [255, 0, 0]);
    const diff = { pixels: 1, ratio: 1 / 64, heatmapPng: this.heatmap, bounds: { x: 0, y: 0, width: 1, height: 1 }, width: 8, height: 8, sizeMismatch: null };
    return { ab: { ...diff, ssim: 0.9, psnr: 30, identical: false }, vsSource: { A: null, B: null }, threshold: 0.1, metricsSize: 256 };
  }
  async close(): Promise<void> {}
}

async function bare(urls: Record<Side, string>, n: number, concurrency: number): Promise<number> {
  const adapters = { A: createAdapter('vllm-omni', urls.A), B: createAdapter('diffusers', urls.B) } as Record<Side, BackendAdapter>;
  for (const s of SIDES) await adapters[s].connect({ healthDeadlineMs: 5000 });
  const t0 = performance.now();
  await Promise.all(
    SIDES.map(async (side) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < n) {
            const i = next++;
            const request: ImageRequest = { prompt: `a poster that says "N${i}"`, seed: i, steps: 1, size: SIZE, images: [] };
            await adapters[side].send(request, { signal: new AbortController().signal, timeoutMs: 30_000 });
          }
        }),
      );
    }),
  );
  return performance.now() - t0;
}

async function viaRunner(dir: string, urls: Record<Side, string>, n: number, concurrency: number): Promise<number> {
  const config = sampleRunConfig({
    suite: suite(n),
    backends: {
      A: backendConfig('A', { url: urls.A, simulated: false, target: urls.A, concurrency }),
      B: backendConfig('B', { url: urls.B, simulated: false, target: urls.B, concurrency }),
    },
  });
  const store = await openRunStore(join(dir, `run-${concurrency}-${Math.random().toString(36).slice(2)}`), { create: config });
  try {
    store.addJobs(planJobs(config.suite, config.params, () => null));
    const adapters = { A: createAdapter('vllm-omni', urls.A), B: createAdapter('diffusers', urls.B) } as Record<Side, BackendAdapter>;
    await connectBackends(store, adapters, { healthDeadlineMs: 5000 });
    const t0 = performance.now();
    const outcome = await runJobs({ store, adapters, compare: new StubPool(), onEvent: () => {} });
    const ms = performance.now() - t0;
    if (outcome.status !== 'complete') throw new Error(`runner bench: run ended ${outcome.status}`);
    return ms;
  } finally {
    store.close();
  }
}

export async function runnerFigures(quick: boolean): Promise<Measurement[]> {
  const dir = mkdtempSync(join(tmpdir(), 'omni-bench-runner-'));
  const { urls, child } = await startServers();
  const n = quick ? 40 : 100;
  const rounds = quick ? 4 : 6;
  const out: Measurement[] = [];
  try {
    for (const concurrency of [1, 8]) {
      log(`runner: overhead at concurrency ${concurrency}`);
      await bare(urls, 5, concurrency); // warm both paths
      await viaRunner(dir, urls, 5, concurrency);
      const bareMs: number[] = [];
      const runnerMs: number[] = [];
      const overhead: number[] = [];
      for (let r = 0; r < rounds; r++) {
        // Alternate which goes first, so a change of load between the two halves of a round hits both alike.
        let b: number;
        let w: number;
        if (r % 2 === 0) {
          b = (await bare(urls, n, concurrency)) / (2 * n);
          w = (await viaRunner(dir, urls, n, concurrency)) / (2 * n);
        } else {
          w = (await viaRunner(dir, urls, n, concurrency)) / (2 * n);
          b = (await bare(urls, n, concurrency)) / (2 * n);
        }
        bareMs.push(b);
        runnerMs.push(w);
        overhead.push(w - b);
      }
      const over = figure('runner − bare, per request', 'ms', overhead);
      out.push({
        ...figure(`runner, wall time per request at concurrency ${concurrency} per side (2×${n} requests, zero-delay servers)`, 'ms', runnerMs),
        alternative: { ...figure('bare HTTP client (the adapters alone), same servers and requests', 'ms', bareMs), label: 'bare client' },
        breakdown: { overhead: over },
        target: { description: 'runner overhead ≤ 2 ms per request' },
        pass: over.p50 !== null && over.p50 <= 2,
        notes:
          `${rounds} interleaved rounds, alternating which goes first; overhead = runner − bare per request (median shown in breakdown). ` +
          'Comparisons stubbed. The runner\'s time ends when every result is confirmed (image fsynced and decoded, job ok), not when the last response arrives.',
      });
    }
    return out;
  } finally {
    child.stdin?.end();
    rmSync(dir, { recursive: true, force: true });
  }
}
