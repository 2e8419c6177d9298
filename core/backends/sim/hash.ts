/**
 * Deterministic hashing and pseudo-random numbers for the simulators. Everything that varies between requests
 * (faults, jitter, noise, seeded layout offsets) is derived from these, so the same request always gives the same
 * answer on every machine.
 */
import { createHash } from 'node:crypto';

type HashPart = string | number | Uint8Array;

/** sha256 over the parts, each length-prefixed so ("ab","c") and ("a","bc") never collide. */
export function hashBytes(...parts: HashPart[]): Buffer {
  const h = createHash('sha256');
  for (const part of parts) {
    const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : typeof part === 'number' ? Buffer.from(String(part)) : part;
    const len = Buffer.alloc(4);
    len.writeUInt32BE(bytes.length);
    h.update(len);
    h.update(bytes);
  }
  return h.digest();
}

export function hashHex(...parts: HashPart[]): string {
  return hashBytes(...parts).toString('hex');
}

/** Unsigned 32-bit integer from the parts. */
export function hash32(...parts: HashPart[]): number {
  return hashBytes(...parts).readUInt32BE(0);
}

/** Uniform in [0, 1) from the parts (48 bits of the hash). */
export function hashUnit(...parts: HashPart[]): number {
  return hashBytes(...parts).readUIntBE(0, 6) / 2 ** 48;
}

/** mulberry32: a small, fast, well-mixed generator; uniform in [0, 1). */
export function makeRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
