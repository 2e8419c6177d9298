/**
 * Public surface of the simulators: loopback HTTP servers that speak the real protocols
 * (vLLM-Omni for A, the diffusers baseline for B) with deterministic outputs and a timing model.
 */
import type { BackendKind } from '../../../shared/model.ts';

export const FAULT_NAMES = ['typo', 'wrong-size', 'blank', '5xx', 'timeout', 'malformed-json', 'slow-body'] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

/** Fault name → probability 0..1 per request. Decided deterministically from the request and its attempt count. */
export type FaultProfile = Partial<Record<FaultName, number>>;

export interface SimOptions {
  kind: BackendKind;
  /**
   * vLLM-Omni API generation to imitate (kind vllm-omni only): `current` has /v1/images/edits and
   * /v1/images/generations with metrics; `legacy` is the 0.12-era server: chat completions only
   * (edits 404, generations 500, /v1/models 500, flat error shape, no timings).
   */
  generation?: 'current' | 'legacy';
  /** Multiplies every modelled duration; 1 = real-world seconds, default DEFAULT_TIME_SCALE (0.05). */
  timeScale?: number;
  faults?: FaultProfile;
  /** Served model name (default Qwen/Qwen-Image-Edit). */
  model?: string;
  host?: string;
  /** 0 = pick a free port. */
  port?: number;
  /**
   * Called synchronously as requests arrive, faults fire and responses finish (logging for `omni-review sim`, and
   * an event tests can wait on instead of polling). Must not throw.
   */
  onEvent?: (event: SimEvent) => void;
}

export type SimEvent =
  | { type: 'request'; method: string; path: string }
  /** A fault fired for this attempt of a request (for "timeout", the request now hangs). */
  | { type: 'fault'; fault: FaultName; path: string; attempt: number }
  /** The response finished (status as sent) or the connection closed first (status null). */
  | { type: 'response'; method: string; path: string; status: number | null; ms: number };

export interface SimStats {
  /** Requests per "METHOD /path", counted when the request arrives. */
  requests: Record<string, number>;
  /** Faults injected so far, by name. */
  faults: Partial<Record<FaultName, number>>;
}

export interface SimServer {
  readonly url: string;
  readonly kind: BackendKind;
  stats(): SimStats;
  /** Why it last dropped a connection it had answered on (null: never), so a client error can say what happened. */
  lastDrop(): string | null;
  close(): Promise<void>;
}
