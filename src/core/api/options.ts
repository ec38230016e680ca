import type { StandardSchemaV1 } from '../delivery/standardSchema'
import type { EventStreamError } from '../errors'
import type { Connection, EventMap } from '../types'

// The options users pass: what a connection requests and how it survives failures, how a stream decodes,
// and how it shares its connection.

/** A decoder for one event type: a function of the raw data, or a Standard Schema for its JSON. @public */
export type EventDecoder<D> = ((raw: string) => D) | StandardSchemaV1<unknown, D>

/** Per-event-type decoders; types without an entry are delivered as raw text. @public */
export type DecodeMap<E extends EventMap> = { [K in keyof E]?: EventDecoder<E[K]> }

/**
 * How to decode `data`: `'json'` (default) parses it, `'text'` keeps the string, a function decodes every
 * event, and a map decodes per event type (functions or Standard Schemas; the event map is inferred from it).
 * @public
 */
export type DecodeOption<E extends EventMap> =
  | 'json'
  | 'text'
  | ((raw: string, type: string) => unknown)
  | DecodeMap<E>

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
   * The backoff (and `state.attempt`) resets once a connection has stayed open this many ms. A connection
   * that ends sooner counts as a failed attempt, so that a server that ends every response at once (even
   * with `retry: 0`) gets a few requests per second at most, not a storm.
   * @defaultValue 5000
   */
  resetAfter?: number
  /**
   * Decides whether an error is retried (overrides the default: network, idle timeout, `headers`, 5xx, 408
   * and 429 retry; other 4xx and wrong content types do not). `attempt` counts consecutive failures, from 1.
   */
  shouldRetry?: (error: EventStreamError, attempt: number) => boolean
}

/** Headers for every request; a function is called before every attempt (refresh a token there). @public */
export type HeadersOption = HeadersInit | (() => HeadersInit | Promise<HeadersInit>)

/**
 * Where `resume` keeps last event IDs: `sessionStorage`, `localStorage`, or an object of yours with the
 * same synchronous methods. For an asynchronous store (IndexedDB, React Native's AsyncStorage), keep a
 * synchronous copy in memory, load it before creating the stream, and write it through in `setItem`.
 * @public
 */
export interface StorageLike {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

/** Options of the connection itself: what is requested and how it survives failures. @public */
export interface ConnectionOptions {
  /** Reconnect policy, or `false` to never reconnect. */
  retry?: false | RetryOptions
  /** Resume point for the first request (sent as `Last-Event-ID`). @defaultValue '' */
  lastEventId?: string
  /** HTTP method. @defaultValue 'GET' */
  method?: string
  /** Request body (use a string or another re-readable body: it is sent again on every reconnect). */
  body?: BodyInit
  /** Whether cookies are sent (`'include'` for cross-origin cookies). */
  credentials?: RequestCredentials
  /** Extra request headers; `Accept` and `Last-Event-ID` are set by the client. */
  headers?: HeadersOption
  /**
   * What fetch does with a redirect. `'follow'` (the default, as `EventSource` does) sends the request's
   * headers on to the new URL, also to another origin (fetch drops only `Authorization` and cookies there):
   * with secrets in custom headers, pass `'error'` to refuse redirects. `'manual'` reports a redirect as an
   * `http` error.
   * @defaultValue 'follow'
   */
  redirect?: RequestRedirect
  /** The transport, for tests or custom agents. @defaultValue globalThis.fetch */
  fetch?: typeof fetch
  /** Reconnect when no bytes (comments and heartbeats count) arrive for this many ms. Off by default. */
  idleTimeout?: number
  /**
   * Keep the last event ID of this connection across reloads: in `sessionStorage` (`'session'`: per tab),
   * `localStorage` (`'local'`: shared by the tabs of the origin) or any {@link StorageLike}. On start, the
   * stored ID is the first request's resume point (unless `lastEventId` is given), so that the server
   * replays what was missed while the page was away. Writes are throttled (at most 2 per second, and one
   * on `pagehide`); a 204 clears the stored ID; storage that throws is reported once (`storage` error)
   * and then left alone. The key is a hash of the URL, method, credentials, string body and static headers,
   * never the credentials themselves. Off by default.
   */
  resume?: 'session' | 'local' | StorageLike
  /**
   * Close the connection after the page has been hidden this many ms, and reconnect at once (no backoff,
   * with `Last-Event-ID`) when it is visible again. While paused, `status` is `reconnecting` without a
   * `retryDelay`. With `share: tabs` the connection pauses only when every tab that uses it has been
   * hidden for its own `pauseWhenHidden` (a tab whose streams lack the option keeps it open), and resumes
   * when any of them shows again. Off by default.
   */
  pauseWhenHidden?: number
  /**
   * Send the resume point as this query parameter (`?last_event_id=42`) instead of the `Last-Event-ID`
   * header: a custom header makes every cross-origin reconnect pay a CORS preflight, a query parameter
   * does not (Nchan reads `last_event_id`). The first request without an ID has no parameter.
   */
  lastEventIdParam?: string
  /**
   * Largest event, in characters of its data as `raw` has them (the values of its `data` lines joined
   * with LF; field names and comments do not count). An event that grows past it is dropped with a
   * `too-large` error as soon as it does, also while its line is still arriving; the stream goes on with
   * the next event. @defaultValue 4 MiB (4,194,304 characters)
   */
  maxEventSize?: number
}

/** Options of {@link createEventStream}. @public */
export interface EventStreamOptions<E extends EventMap = EventMap> extends ConnectionOptions {
  /** How event data is decoded. @defaultValue 'json' */
  decode?: DecodeOption<E>
  /** Aborting it closes the stream, like `close()`. */
  signal?: AbortSignal
  /**
   * Which connection the stream uses: `false` its own, `'page'` the one this page opens for the same
   * URL, method, body, credentials, headers and `fetch` (ref-counted), or a {@link ShareStrategy} such as
   * `tabs` from `typed-sse/tabs` (one connection for all tabs of the browser).
   * @defaultValue `false` for `createEventStream`, `'page'` for `subscribe`, `shareEventStream` and `useEventStream`
   */
  share?: false | 'page' | ShareStrategy
}

/**
 * Supplies the connection that the streams of one page share for a sharing key (`tabs` from
 * `typed-sse/tabs` is one). The page asks it once per key and strategy, counts the streams on the
 * connection and calls its `close()` when the last one closes.
 * @public
 */
export interface ShareStrategy {
  /**
   * Returns the connection for `request`.
   * @throws TypeError when the request cannot be shared this way
   */
  connect(request: ShareRequest): Connection
}

/** What a {@link ShareStrategy} gets to supply a connection. @public */
export interface ShareRequest {
  /** The absolute URL. */
  readonly url: string
  /**
   * The page's sharing key: URL, method, credentials, body and headers, with strings and static headers
   * by value and the rest (a headers function, `fetch`, a non-string body) by a number that only means
   * something in this page. It may contain credentials: never show or store it as it is.
   */
  readonly key: string
  /** The options of the first stream that asked. */
  readonly options: ConnectionOptions
  /**
   * Opens a connection of this page for the request, starting with `lastEventId` as its resume point;
   * with `''`, where the options say (their `lastEventId`, or the ID that `resume` stored).
   */
  open(lastEventId: string): Connection
}
