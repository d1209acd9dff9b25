/**
 * TEST SUPPORT — a small deterministic PRNG (mulberry32): values vary, but a run with the same
 * seed repeats exactly. Good enough to draw gaps or pick moments; not for anything secret. Not
 * imported by app code.
 */
export function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
