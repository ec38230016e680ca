import type { EventStreamError } from './errors'
import type { RetryOptions } from './types'

/** A validated retry policy with every default filled in. */
export type RetryPolicy = Required<Omit<RetryOptions, 'shouldRetry'>> & Pick<RetryOptions, 'shouldRetry'>

/** The default reconnect policy: 1 s doubling up to 30 s, full jitter, never giving up. */
export const defaultRetryOptions = Object.freeze({
  initialDelay: 1000,
  maxDelay: 30_000,
  factor: 2,
  jitter: true,
  maxAttempts: Number.POSITIVE_INFINITY,
})

/** Fills in defaults and rejects invalid numbers with a message that says what to pass instead. */
export function normalizeRetryOptions(retry: false | RetryOptions | undefined): RetryPolicy | false {
  if (retry === false) return false
  if (retry !== undefined && (typeof retry !== 'object' || retry === null)) {
    throw new TypeError(`typed-sse: \`retry\` must be an options object or false, got ${String(retry)}`)
  }
  const policy: RetryPolicy = { ...defaultRetryOptions, ...retry }
  for (const name of ['initialDelay', 'maxDelay', 'factor', 'maxAttempts'] as const) {
    const value = policy[name]
    if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
      throw new TypeError(`typed-sse: \`retry.${name}\` must be a number ≥ 0, got ${String(value)}`)
    }
  }
  if (policy.factor < 1) throw new TypeError(`typed-sse: \`retry.factor\` must be ≥ 1, got ${policy.factor}`)
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
export function isRetryableByDefault(error: EventStreamError): boolean {
  switch (error.code) {
    case 'network':
    case 'idle-timeout':
      return true
    case 'http': {
      const status = error.status ?? 0
      return status >= 500 || status === 408 || status === 429
    }
    default:
      return false
  }
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
