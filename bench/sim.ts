/**
 * The plan's charts as data, from the simulators: latency, throughput and peak memory against concurrency for
 * A (split vLLM-Omni: shared denoise steps, flat encode) and B (diffusers baseline: one request at a time).
 * These are the simulators' timing model at a scaled clock, not GPU measurements.
 */
import { createAdapter } from '../core/backends/index.ts';
import { startSimServer } from '../core/backends/sim/index.ts';
import type { ImageRequest } from '../core/backends/types.ts';
import type { BackendKind } from '../shared/model.ts';
import { figure, log, type Measurement } from './measure.ts';

const TIME_SCALE = 0.02;

async function curve(kind: BackendKind, concurrency: number, requests: number) {
  const server = await startSimServer({ kind, timeScale: TIME_SCALE });
  const adapter = createAdapter(kind, server.url);
  try {
    await adapter.connect({ healthDeadlineMs: 5_000 });
    const request = (i: number): ImageRequest => ({ prompt: `A poster that says "BENCH ${i}"`, seed: i, steps: 20, size: '512x512', images: [] });
    const latencies: number[] = [];
    const memory: number[] = [];
    let next = 0;
    const t0 = performance.now();
    const worker = async () => {
      while (next < requests) {
        const i = next++;
        const started = performance.now();
        const res = await adapter.send(request(i), { signal: new AbortController().signal, timeoutMs: 60_000 });
        latencies.push(performance.now() - started);
        if (res.peakMemoryMb !== null) memory.push(res.peakMemoryMb);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const seconds = (performance.now() - t0) / 1000;
    return { latencies, throughput: requests / seconds, peakMemoryMb: memory.length ? Math.max(...memory) : null };
  } finally {
    adapter.close?.();
    await server.close();
  }
}

export async function simFigures(quick: boolean): Promise<Measurement[]> {
  const levels = quick ? [1, 4] : [1, 2, 4, 8];
  const out: Measurement[] = [];
  for (const c of levels) {
    const requests = Math.max(8, c * (quick ? 2 : 4));
    log(`sim: concurrency ${c}`);
    const a = await curve('vllm-omni', c, requests);
    const b = await curve('diffusers', c, requests);
    out.push({
      ...figure(`simulated A latency at concurrency ${c} (512², 20 steps, time scale ${TIME_SCALE})`, 'ms', a.latencies),
      alternative: { ...figure(`simulated B latency at concurrency ${c}`, 'ms', b.latencies), label: 'B (diffusers baseline simulator)' },
      notes: `throughput A ${a.throughput.toFixed(2)} req/s vs B ${b.throughput.toFixed(2)} req/s; peak memory A ${a.peakMemoryMb ?? '--'} MB vs B ${b.peakMemoryMb ?? '--'} MB (reported by the simulators). Simulator model, not GPU performance.`,
    });
  }
  return out;
}
