/**
 * mulberry32: a small seeded PRNG giving numbers in [0, 1), so that randomised runs (chaos, storms, parser
 * chunkings) reproduce from their printed seed.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** {@link mulberry32} with integers in a range. */
export function createRandom(seed: number): { next(): number; int(min: number, max: number): number } {
  const next = mulberry32(seed)
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
