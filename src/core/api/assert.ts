import { kindOf } from '../errors'

/**
 * Throws the `TypeError` of an invalid option, saying what it must be and what it got: a number or boolean
 * as it is, anything else by its kind only. Strings and objects are never quoted: options hold tokens
 * (headers, URLs, bodies), and messages reach logs.
 */
export function invalidOption(name: string, expected: string, value: unknown): never {
  const got = typeof value === 'number' || typeof value === 'boolean' ? String(value) : kindOf(value)
  throw new TypeError(`typed-sse: \`${name}\` must be ${expected}, got ${got}`)
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
export function assertOneOf(name: string, value: unknown, allowed: readonly unknown[]): void {
  if (value !== undefined && !allowed.includes(value)) invalidOption(name, allowed.join(' | '), value)
}

/** Throws a `TypeError` naming the option unless `value` is `undefined` or of the type `type`. */
export function assertType(name: string, value: unknown, type: 'function' | 'string' | 'boolean'): void {
  if (value !== undefined && typeof value !== type) invalidOption(name, `a ${type}`, value)
}
