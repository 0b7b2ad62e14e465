/**
 * The one PRNG of the pure core: mulberry32 (32-bit state, period 2^32, Tommy Ettinger's
 * constants). Tiny, fast and identical in every JS engine, so a seed is part of a run's value:
 * the same seed gives the same workload and the same synthetic K/V, byte for byte.
 */

/** Returns a function giving uniform floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
