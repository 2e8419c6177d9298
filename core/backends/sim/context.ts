/**
 * The state one simulated server shares between its requests.
 */
import type { ServerResponse } from 'node:http';
import type { BackendKind } from '../../../shared/model.ts';
import { hashHex } from './hash.ts';
import { FifoGate, Lifecycle } from './lifecycle.ts';
import type { FaultName, FaultProfile, SimEvent, SimStats } from './types.ts';

export interface SimContext {
  readonly kind: BackendKind;
  readonly generation: 'current' | 'legacy';
  readonly timeScale: number;
  readonly model: string;
  readonly faults: FaultProfile;
  readonly emit: (event: SimEvent) => void;
  readonly life: Lifecycle;
  /** One request at a time (B, and legacy A). */
  readonly gate: FifoGate;
  readonly requestCounts: Map<string, number>;
  readonly faultCounts: Map<FaultName, number>;
  /** Attempts seen per request identity (faults are decided per attempt). */
  readonly attempts: Map<string, number>;
  /** Requests answered by "timeout" faults: held open until the client or close() ends them. */
  readonly hanging: Set<ServerResponse>;
  /** Why the simulator last dropped a connection it had answered on, in words (null: never). */
  lastDrop: string | null;
  /** Requests now in A's denoise stage: they share each step (continuous batching). */
  activeDenoise: number;
  /** Pipeline runs started so far (the first one is "cold"). */
  runs: number;
  /**
   * The text each image this server answered with shows, by the sha256 of its bytes (bounded, oldest first out):
   * a chain's next turn sends that image back, and the simulator knows what text it starts from.
   */
  readonly shownText: Map<string, string[]>;
}

export function createContext(init: Pick<SimContext, 'kind' | 'generation' | 'timeScale' | 'model' | 'faults' | 'emit'>): SimContext {
  return {
    ...init,
    life: new Lifecycle(),
    gate: new FifoGate(),
    requestCounts: new Map(),
    faultCounts: new Map(),
    attempts: new Map(),
    hanging: new Set(),
    lastDrop: null,
    activeDenoise: 0,
    runs: 0,
    shownText: new Map(),
  };
}

const MAX_TRACKED_IDENTITIES = 50_000;

/** Count one more attempt of this identity; 1 for the first. */
export function nextAttempt(ctx: SimContext, identity: string): number {
  const attempt = (ctx.attempts.get(identity) ?? 0) + 1;
  ctx.attempts.delete(identity);
  // Map keeps insertion order: re-inserting makes this the newest, so the oldest identities go first.
  ctx.attempts.set(identity, attempt);
  if (ctx.attempts.size > MAX_TRACKED_IDENTITIES) {
    const oldest = ctx.attempts.keys().next().value;
    if (oldest !== undefined) ctx.attempts.delete(oldest);
  }
  return attempt;
}

export function snapshotStats(ctx: SimContext): SimStats {
  return {
    requests: Object.fromEntries(ctx.requestCounts),
    faults: Object.fromEntries(ctx.faultCounts) as SimStats['faults'],
  };
}

const MAX_REMEMBERED_IMAGES = 20_000;

/** Remember the text an answered image shows (nothing to remember when it shows none). */
export function rememberShownText(ctx: SimContext, bytes: Uint8Array, text: readonly string[]): void {
  if (text.length === 0) return;
  const key = hashHex('shown', bytes);
  ctx.shownText.delete(key);
  ctx.shownText.set(key, [...text]);
  if (ctx.shownText.size > MAX_REMEMBERED_IMAGES) {
    const oldest = ctx.shownText.keys().next().value;
    if (oldest !== undefined) ctx.shownText.delete(oldest);
  }
}

/** The text an input image shows, when this server answered with it earlier; undefined otherwise. */
export function shownTextOf(ctx: SimContext, bytes: Uint8Array | undefined): string[] | undefined {
  return bytes === undefined ? undefined : ctx.shownText.get(hashHex('shown', bytes));
}
