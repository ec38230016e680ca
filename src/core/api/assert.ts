/** Throws the `TypeError` of an invalid option, saying what it must be and what it got. */
export function invalidOption(name: string, expected: string, value: unknown): never {
  throw new TypeError(`typed-sse: \`${name}\` must be ${expected}, got ${String(value)}`)
}

/**
 * Throws a `TypeError` naming the option unless `value` is a number ≥ `min` (> `min` when `exclusive`).
 * NaN fails both comparisons, so it is rejected too; Infinity passes ("no limit").
 */
export function assertNumber(name: string, value: unknown, min: number, exclusive = false): void {
  if (typeof value !== 'number' || !(exclusive ? value > min : value >= min)) {
    invalidOption(name, `a number ${exclusive ? '>' : '≥'} ${min}`, value)
  }
}

/** Throws a `TypeError` naming the option unless `value` is `undefined` or one of `allowed`. */
export function assertOneOf(name: string, value: unknown, allowed: readonly string[]): void {
  if (value !== undefined && !allowed.includes(value as string))
    invalidOption(name, allowed.join(' | '), value)
}
