// A seeded PRNG for the property and differential tests (mulberry32: 32-bit state, fast, good
// enough to generate cases): the same seed gives the same cases on every run, so a failure is
// reproduced by its seed.
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
