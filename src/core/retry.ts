import { assertNumber } from './assert'
import type { EventStreamError } from './errors'
import type { RetryOptions } from './types'

/** A validated retry policy with every default filled in. */
export type RetryPolicy = Required<Omit<RetryOptions, 'shouldRetry'>> & Pick<RetryOptions, 'shouldRetry'>

/** The default reconnect policy: 1 s doubling up to 30 s, full jitter, never giving up. Only ever copied. */
export const defaultRetryOptions: Readonly<RetryPolicy> = {
  initialDelay: 1000,
  maxDelay: 30_000,
  factor: 2,
  jitter: true,
  maxAttempts: Number.POSITIVE_INFINITY,
}

/** Fills in defaults and rejects invalid numbers with a message that says what to pass instead. */
export function normalizeRetryOptions(retry: false | RetryOptions | undefined): RetryPolicy | false {
  if (retry === false) return false
  if (retry !== undefined && (typeof retry !== 'object' || retry === null)) {
    throw new TypeError(`typed-sse: \`retry\` must be an options object or false, got ${String(retry)}`)
  }
  const policy: RetryPolicy = { ...defaultRetryOptions, ...retry }
  for (const name of ['initialDelay', 'maxDelay', 'factor', 'maxAttempts'] as const) {
    // A factor below 1 would shrink the delay on every failure.
    assertNumber(`retry.${name}`, policy[name], name === 'factor' ? 1 : 0)
  }
  return policy
}

/**
 * The delay before retry number `attempt` (0 for the first): min(maxDelay, base·factor^attempt), and with
 * jitter a uniformly random time between 0 and that ("full jitter", so that many clients spread out).
 */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  baseDelay = policy.initialDelay,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelay, baseDelay * policy.factor ** attempt)
  return policy.jitter ? Math.floor(random() * ceiling) : ceiling
}

/** Whether an error is retried when the user gave no `shouldRetry`. */
export function isRetryableByDefault({ code, status = 0 }: EventStreamError): boolean {
  if (code === 'http') return status >= 500 || status === 408 || status === 429
  return code === 'network' || code === 'idle-timeout'
}

/**
 * Parses a `Retry-After` header (delta seconds or an HTTP date) into milliseconds from `now`;
 * `undefined` when it is absent or invalid.
 */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined
  const value = header.trim()
  if (/^\d+$/.test(value)) return Number.parseInt(value, 10) * 1000
  const date = /^[a-z]{3},/i.test(value) ? Date.parse(value) : Number.NaN // an HTTP date: "Wed, 21 Oct 2026 …"
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}
