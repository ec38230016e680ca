import type { EventStreamError } from '../errors'

/** Reconnect policy: exponential backoff with full jitter. @public */
export interface RetryOptions {
  /** Base delay of the first retry in ms; the server's `retry:` field replaces it. @defaultValue 1000 */
  initialDelay?: number
  /** Upper bound of any delay in ms. @defaultValue 30000 */
  maxDelay?: number
  /** Growth of the delay per consecutive failure. @defaultValue 2 */
  factor?: number
  /** Full jitter: wait a random time between 0 and the computed delay. @defaultValue true */
  jitter?: boolean
  /**
   * Give up after this many consecutive failed attempts (requests that failed, or connections that ended
   * before `resetAfter`): `maxAttempts: 3` sends at most 3 requests in a row that fail, then closes.
   * @defaultValue Infinity
   */
  maxAttempts?: number
  /**
   * The backoff (and `state.attempt`) resets when a connection makes progress (an event with a new last
   * event ID) or has stayed open this many ms. A connection that ends sooner without progress counts as a
   * failed attempt, so that a server that ends every response at once (even with `retry: 0`) gets a few
   * requests per second at most, while one that cuts every few events but moves on is followed at its pace.
   * @defaultValue 5000
   */
  resetAfter?: number
  /**
   * Decides whether an error is retried. `byDefault` is what the default policy decides (network, idle
   * timeout, `headers`, `request`, 5xx, 408 and 429 retry; other 4xx and wrong content types do not), so
   * that a rule for one case keeps the rest as it was. `attempt` counts consecutive failures, from 1.
   * @example
   * // refresh the token on a 401, three times at most; everything else as by default
   * shouldRetry: (error, attempt, byDefault) => (error.status === 401 ? attempt <= 3 : byDefault)
   */
  shouldRetry?: (error: EventStreamError, attempt: number, byDefault: boolean) => boolean
}
