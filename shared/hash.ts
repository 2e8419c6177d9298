/**
 * The one non-cryptographic string hash (stable choices keyed by a string: blind-mode sides, colours for
 * unknown stage names). Pure and isomorphic. Content hashing (image ids) is sha256 via node:crypto, elsewhere.
 */

/**
 * FNV-1a (32 bit) over the UTF-16 code units, then a final avalanche (xor-shift-multiply) so that every bit,
 * the low bit included, depends on every input character. Unsigned 32-bit result.
 */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x45d9f3b);
  h ^= h >>> 16;
  return h >>> 0;
}
