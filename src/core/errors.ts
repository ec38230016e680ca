/**
 * What went wrong, as the `code` of an {@link EventStreamError}:
 *
 * - `network`: the request failed or the connection dropped (retried).
 * - `http`: the server answered with a non-2xx status (5xx, 408 and 429 retried; other 4xx fatal).
 * - `content-type`: a 2xx response that is not `text/event-stream` (fatal).
 * - `decode`: an event's data could not be decoded or failed its schema (event skipped, stream goes on).
 * - `too-large`: an event exceeded `maxEventSize` (event dropped, stream goes on).
 * - `idle-timeout`: no bytes arrived for `idleTimeout` ms (retried).
 * - `handler`: one of your handlers threw (reported, the other handlers and the stream go on).
 * - `headers`: the `headers` function threw, rejected or returned something that is not valid headers
 *   (retried unless `shouldRetry` says otherwise).
 * - `request`: `reconnectRequest` threw, rejected or returned an invalid request (retried unless
 *   `shouldRetry` says otherwise).
 * - `storage`: the `persist` storage threw (full, disabled, private mode); reported once, the stream goes
 *   on without it.
 * @public
 */
export type EventStreamErrorCode =
  | 'network'
  | 'http'
  | 'content-type'
  | 'decode'
  | 'too-large'
  | 'idle-timeout'
  | 'handler'
  | 'headers'
  | 'request'
  | 'storage'

/** Details attached to an {@link EventStreamError}. @public */
export interface EventStreamErrorDetails {
  /** The HTTP status, for `http` errors. */
  status?: number
  /** The event that failed, for `decode`, `too-large` and `handler` errors. */
  event?: { type: string; raw: string }
  /** The underlying error: a thrown value, a `TypeError` from fetch, Standard Schema issues. */
  cause?: unknown
  /** The full URL of the request, for errors of a request or response. */
  url?: string
}

/**
 * The one error type of typed-sse. Recoverable errors are reported to `onError` and `state.error`;
 * only misuse (invalid options) throws.
 * @public
 */
export class EventStreamError extends Error {
  override name = 'EventStreamError'
  /** What went wrong; see {@link EventStreamErrorCode}. */
  readonly code: EventStreamErrorCode
  /** The HTTP status, for `http` errors. */
  readonly status?: number
  /** The event that failed, for `decode`, `too-large` and `handler` errors. */
  readonly event?: { type: string; raw: string }
  /** The underlying error (fetch's TypeError, a thrown value, Standard Schema issues). */
  declare readonly cause?: unknown
  /**
   * The full URL of the request, query included, for errors of a request or response. The message shows it
   * with query values redacted; this property is not enumerable, so that logging or serialising the error
   * does not copy a token from the query.
   */
  declare readonly url?: string

  constructor(code: EventStreamErrorCode, message: string, details: EventStreamErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause })
    this.code = code
    if (details.status !== undefined) this.status = details.status
    if (details.event !== undefined) this.event = details.event
    if (details.url !== undefined) Object.defineProperty(this, 'url', { value: details.url })
  }
}

/**
 * Whether `value` is an {@link EventStreamError}, also across realms and bundle copies.
 * @public
 */
export function isEventStreamError(value: unknown): value is EventStreamError {
  return value instanceof EventStreamError || (value instanceof Error && value.name === 'EventStreamError')
}

/** What a thrown value says, for error messages that quote it: an `Error`'s message, else the value as text. */
export function reasonOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause)
}

/** What kind of value `value` is, for messages: `null`, `undefined`, `a string`, `an object`… */
export function kindOf(value: unknown): string {
  if (value === null || value === undefined) return String(value)
  const type = typeof value
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`
}
