/**
 * The denoise stage: the real image work first, then the modelled steps. Each step's cost is asked for when the step
 * starts, so a step shared with requests that joined meanwhile costs more (A's continuous batching), and the loop
 * sleeps only when it is ahead of the modelled clock (few timers, however many steps).
 */
import type { Lifecycle } from './lifecycle.ts';

export interface DenoiseResult<T> {
  value: T;
  /** Milliseconds actually spent, real work included. */
  ms: number;
  /** Modelled cost of each step (ms), in order. */
  stepTargetsMs: number[];
  /** The model's figure for the whole stage: the sum of the step costs. What the sims report. */
  modelMs: number;
}

/** Sleep only when at least this far ahead: fewer, longer timers keep the clock honest on a busy machine. */
const MIN_SLEEP_MS = 2;

export async function runDenoise<T>(
  life: Lifecycle,
  signal: AbortSignal | undefined,
  steps: number,
  stepCostMs: (step: number) => number,
  work: () => Promise<T>,
): Promise<DenoiseResult<T>> {
  const t0 = performance.now();
  const value = await work();
  life.check(signal);
  const stepTargetsMs: number[] = [];
  let target = 0;
  for (let i = 0; i < steps; i++) {
    const cost = stepCostMs(i);
    stepTargetsMs.push(cost);
    target += cost;
    const ahead = target - (performance.now() - t0);
    if (ahead >= MIN_SLEEP_MS) await life.sleep(ahead, signal);
  }
  const rest = target - (performance.now() - t0);
  if (rest > 0.05) await life.sleep(rest, signal);
  return { value, ms: performance.now() - t0, stepTargetsMs, modelMs: target };
}

/**
 * Spread a measured total over the steps in proportion to their modelled costs, so per-step numbers add up to the
 * stage they belong to (the loop does not sleep once per step, so per-step wall clocks would be lumpy).
 */
export function distribute(totalMs: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (weights.length === 0) return [];
  if (!(sum > 0)) return weights.map(() => totalMs / weights.length);
  return weights.map((w) => (totalMs * w) / sum);
}
