import type { EventStreamError } from './errors'

/**
 * Event name → data type. Events sent without an `event:` field are named `message`.
 * @example
 * type ChatEvents = { message: { text: string }; typing: { user: string } }
 * @public
 */
export type EventMap = Record<string, unknown>

/** One decoded event, as handlers and iterators receive it. @public */
export interface StreamEvent<K extends string = string, D = unknown> {
  /** The event name (`event:` field), `message` when the server sent none. */
  type: K
  /** The decoded data. */
  data: D
  /** The exact data string the server sent (multi-line data joined with LF). */
  raw: string
  /** The last event ID at dispatch (the `id:` of this event or an earlier one). */
  id: string
}

/** The union of {@link StreamEvent}s over an event map, narrowed by `type`. @public */
export type AnyStreamEvent<E extends EventMap> = {
  [K in keyof E & string]: StreamEvent<K, E[K]>
}[keyof E & string]

/** Connection status. @public */
export type StreamStatus = 'connecting' | 'open' | 'reconnecting' | 'closed'

/** An immutable snapshot of a stream's connection; a new object only when something changed. @public */
export interface StreamState {
  /** `connecting` (first attempt) → `open` → `reconnecting` (waiting or retrying) → … → `closed`. */
  status: StreamStatus
  /** The last event ID received (sent as `Last-Event-ID` on reconnect). */
  lastEventId: string
  /** The last error; cleared when a connection opens. */
  error?: EventStreamError
  /**
   * Consecutive failed attempts; back to 0 when a connection makes progress (a new last event ID) or has
   * stayed open for `retry.resetAfter`.
   */
  attempt: number
  /** While `reconnecting`: the wait in ms before the next attempt (backoff, jitter, `Retry-After`). */
  retryDelay?: number
}

/** A typed, self-reconnecting event stream. Iterate it with `for await` to get every event in order. @public */
export interface EventStream<E extends EventMap = EventMap> extends AsyncIterable<AnyStreamEvent<E>> {
  /**
   * Calls `handler` for every event named `type`.
   * @returns a function that removes the handler
   */
  on<K extends keyof E & string>(
    type: K,
    handler: (data: E[K], event: StreamEvent<K, E[K]>) => void,
  ): () => void
  /**
   * Calls `handler` for every event of every type, in order (what `for await` yields, synchronously).
   * @returns a function that removes the handler
   */
  onAny(handler: (event: AnyStreamEvent<E>) => void): () => void
  /**
   * Calls `handler` for every error (network, HTTP, decode, …), also the ones that are retried.
   * @returns a function that removes the handler
   */
  onError(handler: (error: EventStreamError) => void): () => void
  /** The current state, an immutable snapshot. */
  readonly state: StreamState
  /**
   * Calls `listener` with the new state after every change of status, error, attempt or last event ID
   * (it also fits React's `useSyncExternalStore`).
   * @returns a function that removes the listener
   */
  onState(listener: (state: StreamState) => void): () => void
  /**
   * Calls `listener` when a finite stream starts again from the start (`reconnect()`): what was built
   * from its events so far (an answer's text) is void, the events come again.
   * @returns a function that removes the listener
   */
  onRestart(listener: () => void): () => void
  /** Reconnects now with the backoff reset; after a fatal error or a 204 it starts again. */
  reconnect(): void
  /** Closes the stream for good: aborts the request, clears every timer, ends every iterator. */
  close(): void
}

/**
 * What a consumer of a {@link Connection} hears: raw events, errors, state changes and the end. A
 * {@link ShareStrategy}'s connection calls these on the listeners attached to it.
 * @public
 */
export interface ConnectionListener {
  /** An event, undecoded: its type, its data and the last event ID at dispatch. */
  event(type: string, raw: string, id: string): void
  /** A recoverable or fatal error; `state.error` holds it already. */
  error(error: EventStreamError): void
  /** `state` changed (read it there). */
  state(): void
  /** A finite stream starts again from the start (`reconnect()`). */
  restarted?(): void
  /** The connection closed: by `close()`, a 204, the end of a finite stream, or a fatal error (then `error` is set). */
  closed(error: EventStreamError | undefined): void
  /**
   * Whether this consumer has more events waiting than it wants (a slow `for await` loop). The
   * connection stops reading while every consumer is backed up, and reads on after `drained()`.
   */
  backedUp?(): boolean
}

/**
 * One HTTP event-stream connection and its life: request, parse, reconnect with backoff, resume with
 * `Last-Event-ID`. It emits raw events; decoding belongs to each consumer, so that a connection can be
 * shared by consumers with different decoders. What a {@link ShareStrategy} supplies.
 * @public
 */
export interface Connection {
  /** The absolute URL this connection requests. */
  readonly url: string
  /** The current state, an immutable snapshot. */
  readonly state: StreamState
  /** `state.status`, without building a snapshot. */
  readonly status: StreamState['status']
  /**
   * Adds a consumer.
   * @returns a function that removes it
   */
  attach(listener: ConnectionListener): () => void
  /** A backed-up consumer caught up: read on, if reading waited for it. */
  drained?(): void
  /** Reconnects now with the backoff reset. */
  reconnect(): void
  /** Closes for good. */
  close(): void
}
