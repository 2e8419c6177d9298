/**
 * The one seeded pseudo-random generator (simulators, the review statistics' bootstrap, test data). Pure and
 * isomorphic. mulberry32: small, fast and well mixed; the same seed gives the same sequence on every machine.
 * The bootstrap intervals printed in reports depend on this exact sequence: do not change the algorithm.
 */

/** mulberry32 as raw unsigned 32-bit words (for callers that consume bits, e.g. image noise). */
export function mulberry32Words(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** mulberry32: numbers uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  const next = mulberry32Words(seed);
  return () => next() / 4294967296;
}
