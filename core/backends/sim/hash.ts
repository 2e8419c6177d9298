/**
 * Deterministic hashing and pseudo-random numbers for the simulators. Everything that varies between requests
 * (faults, jitter, noise, seeded layout offsets) is derived from these, so the same request always gives the same
 * answer on every machine.
 */
import { createHash } from 'node:crypto';
import { mulberry32 } from '../../../shared/random.ts';

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

/** The simulators' seeded generator (shared/random.ts, also used by the renderer's synthetic data). */
export const makeRng = mulberry32;
