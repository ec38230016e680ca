import { assertNumber, invalidOption } from '../api/assert'
import type { RetryOptions } from '../api/options'
import type { EventStreamError } from '../errors'

/** A validated retry policy with every default filled in. */
export type RetryPolicy = Required<Omit<RetryOptions, 'shouldRetry'>> & Pick<RetryOptions, 'shouldRetry'>

/**
 * The default reconnect policy: 1 s doubling up to 30 s, full jitter, never giving up, reset after 5 s
 * open. Only ever copied.
 */
export const defaultRetryOptions: Readonly<RetryPolicy> = {
  initialDelay: 1000,
  maxDelay: 30_000,
  factor: 2,
  jitter: true,
  maxAttempts: Number.POSITIVE_INFINITY,
  resetAfter: 5000,
}

/**
 * The smallest base delay a server's `retry:` field can set. `retry: 0` asks for an immediate reconnect;
 * after a healthy connection that costs nothing, but a server that also ends every response at once would
 * otherwise get hundreds of requests per second from each client.
 */
export const MIN_SERVER_RETRY = 100

/** Fills in defaults and rejects invalid numbers with a message that says what to pass instead. */
export function normalizeRetryOptions(retry: false | RetryOptions | undefined): RetryPolicy | false {
  if (retry === false) return false
  if (retry !== undefined && (typeof retry !== 'object' || retry === null)) {
    invalidOption('retry', 'an options object or false', retry)
  }
  const policy: RetryPolicy = { ...defaultRetryOptions, ...retry }
  const minimum = { initialDelay: 0, maxDelay: 0, factor: 1, maxAttempts: 1, resetAfter: 0 } as const
  for (const [name, min] of Object.entries(minimum)) {
    // A factor below 1 would shrink the delay on every failure; fewer than 1 attempt means no request.
    assertNumber(`retry.${name}`, policy[name as keyof typeof minimum], min)
  }
  return policy
}

/**
 * Whether to try again after `attempt` consecutive failed attempts (from 1), the last one failing with
 * `error` (`undefined`: the server ended the body). A throwing `shouldRetry` counts as "no".
 */
export function shouldRetry(
  policy: RetryPolicy | false,
  error: EventStreamError | undefined,
  attempt: number,
): boolean {
  if (policy === false || attempt >= policy.maxAttempts) return false
  if (error === undefined) return true
  if (!policy.shouldRetry) return isRetryableByDefault(error)
  try {
    return policy.shouldRetry(error, attempt)
  } catch {
    return false
  }
}

/**
 * The wait before the attempt after `attempt` consecutive failures (from 1): the backoff from the server's
 * `retry:` (at least {@link MIN_SERVER_RETRY}) or `initialDelay`, and no less than a `Retry-After`.
 */
export function retryDelay(
  policy: RetryPolicy,
  attempt: number,
  serverRetry: number | undefined,
  retryAfter: number | undefined,
): number {
  // At least 1 ms, so that consecutive failures still grow the delay after `initialDelay: 0`.
  const base = Math.max(
    1,
    serverRetry === undefined ? policy.initialDelay : Math.max(MIN_SERVER_RETRY, serverRetry),
  )
  return Math.max(retryAfter ?? 0, backoffDelay(policy, attempt - 1, base))
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
  return code === 'network' || code === 'idle-timeout' || code === 'headers'
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
