/**
 * Throws a `TypeError` naming the option unless `value` is a number ≥ `min` (> `min` when `exclusive`).
 * NaN fails both comparisons, so it is rejected too; Infinity passes ("no limit").
 */
export function assertNumber(name: string, value: unknown, min: number, exclusive = false): void {
  if (typeof value !== 'number' || !(exclusive ? value > min : value >= min)) {
    throw new TypeError(
      `typed-sse: \`${name}\` must be a number ${exclusive ? '>' : '≥'} ${min}, got ${String(value)}`,
    )
  }
}
