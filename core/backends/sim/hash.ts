/**
 * Deterministic hashing for the simulators: sha256 over length-prefixed parts. Everything that varies between
 * requests (faults, jitter, noise, seeded layout offsets) is derived from these, or from shared/random.ts's
 * generator seeded with them, so the same request always gives the same answer on every machine. sha256 (not
 * shared/hash.ts's string hash) because it takes bytes (input images) and every fault decision and simulated
 * output depends on these exact values.
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
