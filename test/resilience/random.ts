/** A small seeded PRNG (mulberry32) so that chaos runs reproduce from their printed seed. */
export function createRandom(seed: number): { next(): number; int(min: number, max: number): number } {
  let a = seed >>> 0
  function next(): number {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    /** An integer in [min, max]. */
    int(min, max) {
      return min + Math.floor(next() * (max - min + 1))
    },
  }
}

/** The seed from `SEED=<n>` in the environment, or a fresh one. */
export function chooseSeed(): number {
  const fromEnv = Number.parseInt(process.env.SEED ?? '', 10)
  return Number.isFinite(fromEnv) ? fromEnv : Math.floor(Math.random() * 2 ** 31)
}
