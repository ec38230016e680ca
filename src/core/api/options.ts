import type { StandardSchemaV1 } from '../delivery/standardSchema'
import type { Connection, EventMap } from '../types'
import type { RetryOptions } from './retryOptions'

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

/**
 * The request to resume a stream with (see `reconnectRequest`): each field given replaces the original
 * request's (`headers` are merged over the original headers). A `method` of GET or HEAD drops the
 * original body. `Last-Event-ID` (or `lastEventIdParam`) is added as usual.
 * @public
 */
export interface ReconnectRequest {
  /** Where to resume, e.g. `/chat/${id}/stream`; relative URLs resolve against the original URL. */
  url?: string | URL
  /** The method, e.g. `'GET'` to resume an answer started with a POST. */
  method?: string
  /** The body; `null` sends none. */
  body?: BodyInit | null
  /** Headers merged over the original ones. */
  headers?: HeadersInit
}

/** What `reconnectRequest` gets to decide how to resume. @public */
export interface ReconnectContext {
  /** The last event ID received ('' when the server sent none). */
  lastEventId: string
  /** Consecutive failed attempts so far, from 1. */
  attempt: number
}

/** An event as `doneWhen` sees it, before it is decoded. @public */
export interface RawEvent {
  /** The event name, `message` when the server sent none. */
  type: string
  /** The exact data string. */
  raw: string
  /** The last event ID at dispatch. */
  id: string
}

/** Headers for every request; a function is called before every attempt (refresh a token there). @public */
export type HeadersOption = HeadersInit | (() => HeadersInit | Promise<HeadersInit>)

/**
 * Where `persist` keeps last event IDs: `sessionStorage`, `localStorage`, or an object of yours with the
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
  persist?: 'session' | 'local' | StorageLike
  /**
   * Close the connection after the page has been hidden this many ms, and reconnect at once (no backoff,
   * with `Last-Event-ID`) when it is visible again. While paused, `status` is `reconnecting` without a
   * `retryDelay`. With `share: tabs` the connection pauses only when every tab that uses it has been
   * hidden for its own `pauseWhenHidden` (a tab whose streams lack the option keeps it open), and resumes
   * when any of them shows again. A finite stream that has started and cannot resume (no event IDs, no
   * `reconnectRequest`) stays open instead. Off by default.
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
  /**
   * A response that ends (an LLM answer, a GraphQL subscription over SSE) rather than a feed. A finite
   * stream completes when its body ends or `doneWhen` accepts an event: status `closed` without an error,
   * `for await` ends, no reconnect. Before its first event it retries as the `retry` policy says; after
   * it, it is never sent again from the start (that would run the model again and repeat the text): it
   * resumes with the server's event IDs (the same request with `Last-Event-ID`) or `reconnectRequest`,
   * and otherwise a drop closes it with the `network` error. `reconnect()` starts it again on purpose.
   * A feed (`finite: false`) reconnects when its body ends, as `EventSource` does.
   * @defaultValue `true` for methods other than GET, `false` for GET
   */
  finite?: boolean
  /**
   * Whether this event ends the stream: it is not delivered (never a `decode` error), and the stream
   * completes as a finished finite stream does. Works for feeds too. A finite stream with a `doneWhen` of
   * yours completes only at its event: a body that ends before it counts as a cut (a killed server behind
   * a close-delimited response cannot be told from a clean end otherwise), resumed where it can be.
   * @defaultValue for finite streams, `raw === '[DONE]'` (the end marker of OpenAI-compatible APIs); none for feeds
   * @example
   * doneWhen: (event) => event.type === 'message_stop' // Anthropic's messages API
   */
  doneWhen?: (event: RawEvent) => boolean
  /**
   * The request that resumes the stream after its first event (a finite stream's or a feed's): a
   * {@link ReconnectRequest} merged over the original, `false` to close instead (with the error that
   * ended the connection). May be async. It is called when the next attempt starts, after the retry
   * delay, with that attempt's context. Before the first event, the original request is retried.
   * @example
   * // an answer started with a POST resumes with a GET of its chat ID
   * reconnectRequest: () => ({ url: `/chat/${chatId}/stream`, method: 'GET' })
   */
  reconnectRequest?: (
    context: ReconnectContext,
  ) => ReconnectRequest | false | Promise<ReconnectRequest | false>
}

/** Options of {@link createEventStream}. @public */
export interface EventStreamOptions<E extends EventMap = EventMap> extends ConnectionOptions {
  /** How event data is decoded. @defaultValue 'json' */
  decode?: DecodeOption<E>
  /** Aborting it closes the stream, like `close()`. */
  signal?: AbortSignal
  /**
   * Which connection the stream uses: `false` its own, `'page'` the one this page opens for equal
   * connection options (every option but `decode` and `signal`: values by value, functions by identity;
   * ref-counted, `close()` releases this stream only), or a {@link ShareStrategy} such as `tabs` from
   * `typed-sse/tabs` (one connection for all tabs of the browser).
   * @defaultValue `false` for `createEventStream`, `'page'` for `subscribe` and `useEventStream`
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
   * The page's connection key: every connection option (all but `decode` and `signal`), values by value
   * and the rest (functions, a body that is not text, a storage object) by a number that only means
   * something in this page. It may contain credentials: never show or store it as it is.
   */
  readonly key: string
  /**
   * The key as other pages can compare it: every connection option but `pauseWhenHidden`, by value;
   * `undefined` when one only compares by identity (a function, a custom `fetch`, a body that is not
   * text). It may contain credentials too.
   */
  readonly portableKey: string | undefined
  /** The options of the first stream that asked (checked already). */
  readonly options: ConnectionOptions
  /**
   * Opens a connection of this page for the request, starting with `lastEventId` as its resume point;
   * with `''`, where the options say (their `lastEventId`, or the ID that `persist` stored).
   */
  open(lastEventId: string): Connection
}
