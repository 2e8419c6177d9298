/**
 * Picks the transport the UI talks through. The only module (with its siblings) that touches
 * `window.reviewApi` or the network.
 *
 *   1. `window.reviewApi` present (installed by the Electron preload)  → IPC bridge, omni:// URLs.
 *   2. `?bridge=memory` in the page URL                                → in-memory engine with synthetic data,
 *      for development, screenshots and the UI bench. Explicit on purpose: a browser-mode page never falls
 *      back to fake data by itself. Extra parameters: `pairs=<n>` (demo run size, default 240),
 *      `reviewer=<name>` (skip the first-run prompt), `latency=<ms>` (per call), `reviewed=<0..1>`.
 *   3. otherwise                                                       → HTTP bridge to the page's own origin
 *      (browser mode, `omni-review serve`).
 */
import type { ReviewApi } from '../../../shared/contract.ts';
import { createElectronApi, isRawBridge, type RawBridge } from './electron.ts';
import { createHttpApi } from './http.ts';

declare global {
  interface Window {
    reviewApi?: RawBridge;
  }
}

export type BridgeKind = 'electron' | 'http' | 'memory';

export interface BridgeEnvironment {
  reviewApi?: unknown;
  location: { search: string; origin: string };
}

export interface PickedBridge {
  kind: BridgeKind;
  api: ReviewApi;
}

export function bridgeKindFor(env: BridgeEnvironment): BridgeKind {
  if (isRawBridge(env.reviewApi)) return 'electron';
  if (new URLSearchParams(env.location.search).get('bridge') === 'memory') return 'memory';
  return 'http';
}

function numberParam(params: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = params.get(name);
  const n = raw === null ? NaN : Number(raw);
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : fallback;
}

export async function pickBridge(env: BridgeEnvironment): Promise<PickedBridge> {
  const kind = bridgeKindFor(env);
  if (kind === 'electron') return { kind, api: createElectronApi(env.reviewApi as RawBridge) };
  if (kind === 'memory') {
    // Loaded on demand so the synthetic generator never weighs on the real app's start.
    const { createMemoryApi } = await import('./memory.ts');
    const params = new URLSearchParams(env.location.search);
    const reviewer = params.get('reviewer') ?? '';
    return {
      kind,
      api: createMemoryApi({
        runs: [
          {
            id: 'demo-1',
            pairs: Math.round(numberParam(params, 'pairs', 240, 1, 100_000)),
            seed: 1,
            suiteName: 'demo',
            reviewedFraction: numberParam(params, 'reviewed', 0.12, 0, 1),
            priorReviewer: reviewer || 'alice',
          },
        ],
        settings: { reviewer: reviewer.slice(0, 80) },
        latencyMs: numberParam(params, 'latency', 0, 0, 5000),
      }),
    };
  }
  return { kind, api: createHttpApi({ baseUrl: env.location.origin }) };
}
