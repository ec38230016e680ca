import { type Decoder, PendingDecode } from './decode'
import { EventStreamError, reasonOf } from './errors'
import type { IteratorSink } from './iterator'
import type { AnyStreamEvent, ConnectionListener, EventMap, StreamEvent } from './types'

type Handler = (data: unknown, event: StreamEvent) => void

/**
 * Events buffered for a `for await` loop before the connection stops reading (when nothing but loops
 * listen): then TCP flow control slows the server down, and memory stays bounded. Reading goes on
 * when the loop is down to `LOW_WATER`.
 */
export const HIGH_WATER = 1024
export const LOW_WATER = 256

/** What a stream does with the rest of what its connection reports. */
export interface StreamHooks {
  /** A recoverable error of this stream's own (decode, handler). */
  ownError(error: EventStreamError): void
  /** The connection's recoverable error. */
  error(error: EventStreamError): void
  /** The connection's state changed. */
  state(): void
  /** The connection closed (with the fatal error, if any). */
  closed(error: EventStreamError | undefined): void
}

/** The connection listener of one stream, with the stream's handlers and loops. */
export interface Fanout<E extends EventMap> extends ConnectionListener {
  /** `on` handlers by event type. */
  readonly handlers: Map<string, Set<Handler>>
  /** `onAny` handlers. */
  readonly anyHandlers: Set<(event: AnyStreamEvent<E>) => void>
  /** The `for await` loops. */
  readonly sinks: Set<IteratorSink<AnyStreamEvent<E>>>
  /** The stream closed: nothing is delivered any more. */
  stop(): void
}

/**
 * Creates the connection listener of one stream: it decodes each raw event with the stream's decoder and
 * hands it to the stream's handlers and `for await` loops, in order (events wait behind an async schema);
 * the rest of what the connection reports goes to `hooks`.
 */
export function createFanout<E extends EventMap>(decode: Decoder, hooks: StreamHooks): Fanout<E> {
  const handlers = new Map<string, Set<Handler>>()
  const anyHandlers = new Set<(event: AnyStreamEvent<E>) => void>()
  const sinks = new Set<IteratorSink<AnyStreamEvent<E>>>()
  let stopped = false
  /** The tail of events waiting for async schemas; later events queue behind it to keep order. */
  let pending: Promise<void> | undefined

  function decodeAndDeliver(
    type: string,
    raw: string,
    id: string,
    typed?: Set<Handler>,
  ): void | Promise<void> {
    let data: unknown
    try {
      data = decode(type, raw)
    } catch (error) {
      decodeFailed(error)
      return
    }
    if (data instanceof PendingDecode) {
      const settled = data.promise.then((value) => deliver(type, raw, id, value), decodeFailed)
      if (!pending) enqueue(settled)
      return settled
    }
    deliver(type, raw, id, data, typed)
  }

  /** `typed`: the type's `on` handlers, when the caller has looked them up already. */
  function deliver(type: string, raw: string, id: string, data: unknown, typed = handlers.get(type)): void {
    if (stopped) return
    const event = { type, data, raw, id } as AnyStreamEvent<E>
    // Iterating a Set allocates an iterator: skip the empty ones (most streams use one kind of consumer).
    if (typed) for (const handler of typed) call(handler, data, event)
    if (anyHandlers.size > 0) for (const handler of anyHandlers) call(handler as Handler, event, event)
    if (sinks.size > 0) for (const sink of sinks) sink.push(event)
  }

  /** Runs one handler; a throw is reported (as a `handler` error) and the other handlers still run. */
  function call(handler: Handler, value: unknown, event: StreamEvent): void {
    try {
      handler(value, event)
    } catch (cause) {
      hooks.ownError(handlerError(cause, event))
    }
  }

  function decodeFailed(error: unknown): void {
    if (!stopped) hooks.ownError(error as EventStreamError)
  }

  function enqueue(step: Promise<void>): void {
    pending = step
    step.then(() => {
      if (pending === step) pending = undefined
    })
  }

  return {
    handlers,
    anyHandlers,
    sinks,
    stop() {
      stopped = true
    },
    event(type, raw, id) {
      // One lookup of the type's handlers (hashing the type, a new string per event) serves the check and
      // the delivery; an event that waits behind an async schema looks them up again when its turn comes.
      const typed = handlers.get(type)
      if (!typed && anyHandlers.size === 0 && sinks.size === 0) return
      if (pending) enqueue(pending.then(() => decodeAndDeliver(type, raw, id)))
      else decodeAndDeliver(type, raw, id, typed)
    },
    error: hooks.error,
    state: hooks.state,
    closed: hooks.closed,
    backedUp() {
      // Handlers must see every event as it comes: only a stream that feeds nothing but loops may wait.
      if (handlers.size > 0 || anyHandlers.size > 0) return false
      for (const sink of sinks) if (sink.buffered >= HIGH_WATER) return true
      return false
    },
  }
}

/** The `handler` error for a throw in an event handler (with `event`) or a state listener. */
export function handlerError(cause: unknown, event?: StreamEvent): EventStreamError {
  const where = event ? `a handler of "${event.type}" events` : 'a state listener'
  return new EventStreamError('handler', `typed-sse: ${where} threw: ${reasonOf(cause)}`, {
    cause,
    ...(event && { event: { type: event.type, raw: event.raw } }),
  })
}
