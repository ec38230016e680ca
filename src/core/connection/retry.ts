import type { RetryOptions } from '../api/retryOptions'
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
  const byDefault = isRetryableByDefault(error)
  if (!policy.shouldRetry) return byDefault
  try {
    return policy.shouldRetry(error, attempt, byDefault)
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
  random?: () => number,
): number {
  // At least 1 ms, so that consecutive failures still grow the delay after `initialDelay: 0`.
  const base = Math.max(
    1,
    serverRetry === undefined ? policy.initialDelay : Math.max(MIN_SERVER_RETRY, serverRetry),
  )
  return Math.max(retryAfter ?? 0, backoffDelay(policy, attempt - 1, base, random))
}

/**
 * The delay before retry number `attempt` (0 for the first): min(maxDelay, base·factor^attempt), and with
 * jitter a uniformly random time between 0 and that ("full jitter", so that many clients spread out).
 */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  baseDelay = policy.initialDelay,
  random = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelay, baseDelay * policy.factor ** attempt)
  return policy.jitter ? Math.floor(random() * ceiling) : ceiling
}

/** Whether the default policy retries an error (`shouldRetry` gets it as `byDefault`). */
export function isRetryableByDefault({ code, status = 0 }: EventStreamError): boolean {
  if (code === 'http') return status >= 500 || status === 408 || status === 429
  return code === 'network' || code === 'idle-timeout' || code === 'headers' || code === 'request'
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
