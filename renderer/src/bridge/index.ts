/**
 * Picks the transport the UI talks through. The only module (with its siblings) that touches
 * `window.reviewApi` or the network.
 *
 *   1. `window.reviewApi` present (installed by the Electron preload)  → IPC bridge, omni:// URLs.
 *   2. otherwise                                                       → HTTP bridge to the page's own origin
 *      (browser mode, `omni-review serve`, which runs the real engine with the simulators).
 *
 * There is no fake engine: browser-only development, screenshots and the UI bench use browser mode.
 */
import type { ReviewApi } from '../../../shared/contract.ts';
import { createElectronApi, isRawBridge, type RawBridge } from './electron.ts';
import { createHttpApi } from './http.ts';

declare global {
  interface Window {
    reviewApi?: RawBridge;
  }
}

export type BridgeKind = 'electron' | 'http';

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
  return 'http';
}

export async function pickBridge(env: BridgeEnvironment): Promise<PickedBridge> {
  const kind = bridgeKindFor(env);
  if (kind === 'electron') return { kind, api: createElectronApi(env.reviewApi as RawBridge) };
  return { kind, api: createHttpApi({ baseUrl: env.location.origin }) };
}
