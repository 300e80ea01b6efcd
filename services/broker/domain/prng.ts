/**
 * A counter-based seeded PRNG: the n-th number of a stream is a pure function of
 * (seed, stream, n), so any step of the simulated market can be computed on its own, by
 * any replica, in any order, and always gives the same value. Integers only.
 */

/** murmur3's 32-bit finaliser: a bijection with full avalanche. */
export function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a of a string: turns a seed or a name into a 32-bit stream id. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The n-th uint32 of a stream (n a non-negative safe integer). */
export function randomUint32(seed: number, stream: number, n: number): number {
  const low = n % 0x1_0000_0000;
  const high = Math.floor(n / 0x1_0000_0000);
  let h = mix32(seed ^ 0x9e3779b9);
  h = mix32(h ^ stream);
  h = mix32(h ^ low);
  return mix32(h ^ high ^ 0x7f4a7c15);
}

/** A uniform integer in [min, max] (inclusive); the modulo's bias is below range / 2^32 (< 0.02 % here). */
export function randomInt(
  seed: number,
  stream: number,
  n: number,
  min: number,
  max: number,
): number {
  return min + (randomUint32(seed, stream, n) % (max - min + 1));
}
