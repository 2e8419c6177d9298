/**
 * Arrival times of an open-loop load, as `vllm bench serve` draws them (benchmarks/serve.py `get_request`): with a
 * finite rate r and burstiness b, inter-arrival gaps follow a gamma distribution of shape b and scale 1 / (r·b), so
 * the mean rate is r whatever b is; b = 1 is a Poisson process, b < 1 burstier, b > 1 more even. `inf` sends
 * every request at once. Seeded: the same seed gives the same schedule on every machine.
 */
import { mulberry32 } from '../../shared/random.ts';
import type { RequestRate } from '../../shared/sweep.ts';

/** A standard normal draw (Box–Muller) from a uniform source. */
function normal(u: () => number): number {
  let a = u();
  while (a <= Number.EPSILON) a = u();
  return Math.sqrt(-2 * Math.log(a)) * Math.cos(2 * Math.PI * u());
}

/** Gamma(shape k, scale 1) by Marsaglia and Tsang (2000); shape < 1 through the boost Gamma(k + 1)·U^(1/k). */
export function gammaDraw(shape: number, u: () => number): number {
  if (shape < 1) {
    let v = u();
    while (v <= Number.EPSILON) v = u();
    return gammaDraw(shape + 1, u) * Math.pow(v, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  // Expected tries per draw are below 1.05; the bound only guards a broken uniform source.
  for (let tries = 0; tries < 1000; tries++) {
    let x: number;
    let v: number;
    do {
      x = normal(u);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const w = u();
    if (w < 1 - 0.0331 * x ** 4 || Math.log(w) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
  return shape;
}

/** Offsets (ms from the start) at which each of `count` requests arrives: the first at once, each next after a gap, as in vLLM. */
export function arrivalOffsetsMs(count: number, rate: RequestRate, burstiness: number, seed: number): number[] {
  if (rate === 'inf') return Array.from({ length: count }, () => 0);
  if (!(rate > 0) || !(burstiness > 0)) throw new RangeError(`request rate and burstiness must be positive (got ${rate}, ${burstiness})`);
  const u = mulberry32(seed);
  const scaleS = 1 / (rate * burstiness);
  const out: number[] = [];
  let t = 0;
  for (let i = 0; i < count; i++) {
    out.push(t);
    t += gammaDraw(burstiness, u) * scaleS * 1000;
  }
  return out;
}
