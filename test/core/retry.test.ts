import { describe, expect, it } from 'vitest'
import { resolveConnection } from '../../src/core/api/resolveOptions'
import type { RetryOptions } from '../../src/core/api/retryOptions'
import {
  backoffDelay,
  isRetryableByDefault,
  parseRetryAfter,
  type RetryPolicy,
  shouldRetry,
} from '../../src/core/connection/retry'
import { EventStreamError } from '../../src/core/errors'

/** The retry policy that `resolveConnection` makes of a `retry` option (validated, defaults filled in). */
const retryPolicy = (retry: RetryOptions | false | undefined) =>
  resolveConnection('http://127.0.0.1:9/stream', retry === undefined ? {} : { retry }).retry

const noJitter = retryPolicy({ jitter: false }) as RetryPolicy

describe('backoff', () => {
  it('doubles from 1 s up to the 30 s ceiling by default', () => {
    const delays = Array.from({ length: 8 }, (_, attempt) => backoffDelay(noJitter, attempt))
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000])
  })

  it('uses the base delay given (the server `retry:` value) instead of initialDelay', () => {
    expect(backoffDelay(noJitter, 0, 250)).toBe(250)
    expect(backoffDelay(noJitter, 2, 250)).toBe(1000)
  })

  it('draws full jitter uniformly between 0 and the exponential ceiling', () => {
    const policy = retryPolicy({}) as RetryPolicy
    expect(backoffDelay(policy, 3, undefined, () => 0)).toBe(0)
    expect(backoffDelay(policy, 3, undefined, () => 0.5)).toBe(4000)
    expect(backoffDelay(policy, 3, undefined, () => 0.999_999)).toBe(7999)
  })

  it('honours factor and maxDelay', () => {
    const policy = retryPolicy({
      jitter: false,
      initialDelay: 100,
      factor: 3,
      maxDelay: 1000,
    }) as RetryPolicy
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(policy, attempt))).toEqual([100, 300, 900, 1000])
  })
})

describe('retry options', () => {
  it('fills in the documented defaults', () => {
    expect(retryPolicy(undefined)).toEqual({
      initialDelay: 1000,
      maxDelay: 30000,
      factor: 2,
      jitter: true,
      maxAttempts: Number.POSITIVE_INFINITY,
      resetAfter: 5000,
    })
  })

  it('keeps `false` as "never reconnect"', () => {
    expect(retryPolicy(false)).toBe(false)
  })

  it.each([
    [{ initialDelay: -1 }, /retry.initialDelay/],
    [{ maxDelay: Number.NaN }, /retry.maxDelay/],
    [{ factor: 0.5 }, /retry.factor/],
    [{ maxAttempts: -2 }, /retry.maxAttempts/],
  ])('rejects %o with a message naming the option', (options, message) => {
    expect(() => retryPolicy(options)).toThrow(message)
  })

  it('rejects a number where an options object belongs', () => {
    expect(() => retryPolicy(3 as never)).toThrow(/options object or false/)
  })
})

describe('Retry-After', () => {
  it('reads delta seconds', () => {
    expect(parseRetryAfter('120')).toBe(120_000)
    expect(parseRetryAfter(' 0 ')).toBe(0)
  })

  it('reads an HTTP date relative to now', () => {
    const now = Date.parse('Wed, 21 Oct 2026 07:28:00 GMT')
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:30 GMT', now)).toBe(30_000)
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:27:00 GMT', now)).toBe(0)
  })

  it('ignores a missing or invalid header', () => {
    expect(parseRetryAfter(null)).toBeUndefined()
    expect(parseRetryAfter('soon')).toBeUndefined()
    expect(parseRetryAfter('-5')).toBeUndefined()
  })
})

describe('default retry classification', () => {
  it.each([
    ['network', undefined, true],
    ['idle-timeout', undefined, true],
    ['http', 500, true],
    ['http', 503, true],
    ['http', 408, true],
    ['http', 429, true],
    ['http', 401, false],
    ['http', 404, false],
    ['content-type', undefined, false],
  ] as const)('%s %s → retry %s', (code, status, expected) => {
    const error = new EventStreamError(code, 'x', status === undefined ? {} : { status })
    expect(isRetryableByDefault(error)).toBe(expected)
  })

  it('gives shouldRetry what the default decides, so a rule for 401 keeps the rest', () => {
    const calls: unknown[][] = []
    const policy = retryPolicy({
      shouldRetry: (error, attempt, byDefault) => {
        calls.push([error.code, attempt, byDefault])
        return error.status === 401 ? attempt <= 3 : byDefault
      },
    }) as RetryPolicy
    const http = (status: number) => new EventStreamError('http', 'x', { status })
    expect(shouldRetry(policy, http(401), 3)).toBe(true)
    expect(shouldRetry(policy, http(401), 4)).toBe(false)
    expect(shouldRetry(policy, http(404), 1)).toBe(false)
    expect(shouldRetry(policy, new EventStreamError('network', 'x'), 9)).toBe(true)
    expect(calls).toEqual([
      ['http', 3, false],
      ['http', 4, false],
      ['http', 1, false],
      ['network', 9, true],
    ])
  })
})
