import { createDecoder, PendingDecode } from './decode'
import { EventStreamError, reasonOf } from './errors'
import { createPushIterator, type IteratorSink } from './iterator'
import { sameState } from './state'
import type {
  AnyStreamEvent,
  Connection,
  EventMap,
  EventStream,
  EventStreamOptions,
  StreamEvent,
  StreamState,
} from './types'

type Handler = (data: unknown, event: StreamEvent) => void

/**
 * Events buffered for a `for await` loop before the connection stops reading (when nothing but loops
 * listen): then TCP flow control slows the server down, and memory stays bounded. Reading goes on
 * when the loop is down to `LOW_WATER`.
 */
const HIGH_WATER = 1024
const LOW_WATER = 256

/**
 * The typed face of a connection: decodes its raw events with this consumer's decoders and fans them out
 * to handlers and iterators. `release` runs once when this consumer closes (it closes or unshares the
 * connection).
 */
export function createStreamOver<E extends EventMap>(
  connection: Connection,
  options: Pick<EventStreamOptions<E>, 'decode' | 'signal'>,
  release: () => void,
): EventStream<E> {
  const decode = createDecoder(options.decode)
  const handlers = new Map<string, Set<Handler>>()
  const anyHandlers = new Set<(event: AnyStreamEvent<E>) => void>()
  const errorHandlers = new Set<(error: EventStreamError) => void>()
  const stateListeners = new Set<() => void>()
  const sinks = new Set<IteratorSink<AnyStreamEvent<E>>>()
  let closed = false
  /** The fatal error that closed the connection, for loops started after it. */
  let fatal: EventStreamError | undefined
  /** This consumer's own last error (decode, handler), newer than the connection's. */
  let ownError: EventStreamError | undefined
  /** The state `state` last returned (the same object until something changed). */
  let state = connection.state
  /** The state the state listeners last heard of (reading `state` in a handler must not swallow a change). */
  let notified = state
  let lastStatus = state.status
  /** The tail of events waiting for async schemas; later events queue behind it to keep order. */
  let pending: Promise<void> | undefined

  function currentState(): StreamState {
    const base = connection.state
    if (closed) return state
    if (ownError === undefined) return base
    return state.error === ownError && sameState(state, base, 'error') ? state : { ...base, error: ownError }
  }

  function notifyState(): void {
    state = currentState()
    if (state !== notified) emitState()
  }

  function emitState(): void {
    notified = state
    for (const listener of stateListeners) {
      try {
        listener()
      } catch (cause) {
        reportError(handlerError(cause))
      }
    }
  }

  /** Records a recoverable error of this consumer (decode, handler) and reports it. */
  function reportOwnError(error: EventStreamError): void {
    ownError = error
    notifyState()
    reportError(error)
  }

  function reportError(error: EventStreamError): void {
    for (const handler of errorHandlers) {
      try {
        handler(error)
      } catch (cause) {
        console.error('typed-sse: an onError handler threw', cause)
      }
    }
  }

  function deliver(type: string, raw: string, id: string, data: unknown): void {
    if (closed) return
    const event = { type, data, raw, id } as AnyStreamEvent<E>
    const typed = handlers.get(type)
    if (typed) for (const handler of typed) call(handler, data, event)
    for (const handler of anyHandlers) call(handler as Handler, event, event)
    for (const sink of sinks) sink.push(event)
  }

  /** Runs one handler; a throw is reported (as a `handler` error) and the other handlers still run. */
  function call(handler: Handler, value: unknown, event: StreamEvent): void {
    try {
      handler(value, event)
    } catch (cause) {
      reportOwnError(handlerError(cause, event))
    }
  }

  function decodeFailed(error: unknown): void {
    if (!closed) reportOwnError(error as EventStreamError)
  }

  function receive(type: string, raw: string, id: string): void {
    if (!handlers.has(type) && anyHandlers.size === 0 && sinks.size === 0) return
    if (pending) {
      enqueue(pending.then(() => decodeAndDeliver(type, raw, id)))
      return
    }
    decodeAndDeliver(type, raw, id)
  }

  function decodeAndDeliver(type: string, raw: string, id: string): void | Promise<void> {
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
    deliver(type, raw, id, data)
  }

  function enqueue(step: Promise<void>): void {
    pending = step
    step.then(() => {
      if (pending === step) pending = undefined
    })
  }

  const detach = connection.attach({
    event: receive,
    error(error) {
      ownError = undefined
      notifyState()
      reportError(error)
    },
    state() {
      const { status } = connection
      if (status !== 'closed') fatal = undefined
      if (status === 'open' && lastStatus !== 'open') ownError = undefined
      lastStatus = status
      // Without listeners nobody needs the snapshot now: `state` builds it when read (saves one object
      // per event on streams whose events carry ids).
      if (stateListeners.size > 0) notifyState()
    },
    closed(error) {
      fatal = error
      for (const sink of sinks) sink.end(error)
      sinks.clear()
    },
    backedUp() {
      // Handlers must see every event as it comes: only a stream that feeds nothing but loops may wait.
      if (handlers.size > 0 || anyHandlers.size > 0) return false
      for (const sink of sinks) if (sink.buffered >= HIGH_WATER) return true
      return false
    },
  })

  function close(): void {
    if (closed) return
    const last = currentState()
    closed = true
    options.signal?.removeEventListener('abort', close)
    detach()
    if (last.status === 'closed') state = last
    else {
      const { retryDelay: _noMoreRetry, ...rest } = last // closed: no attempt is scheduled any more
      state = { ...rest, status: 'closed' }
    }
    for (const sink of sinks) sink.end()
    sinks.clear()
    release()
    if (state !== notified) emitState()
    // Clear each set too: a handler that closes the stream stops the rest of the same event's handlers.
    for (const set of handlers.values()) set.clear()
    handlers.clear()
    anyHandlers.clear()
    errorHandlers.clear()
    stateListeners.clear()
  }

  if (options.signal?.aborted) close()
  else options.signal?.addEventListener('abort', close, { once: true })

  return {
    on(type, handler) {
      connection.drained?.() // a handler cannot wait: reading goes on if it waited for loops
      const set = handlers.get(type) ?? new Set<Handler>()
      handlers.set(type, set)
      const entry = handler as Handler
      set.add(entry)
      return () => {
        set.delete(entry)
        if (set.size === 0 && handlers.get(type) === set) handlers.delete(type)
      }
    },
    onAny(handler) {
      connection.drained?.()
      anyHandlers.add(handler)
      return () => anyHandlers.delete(handler)
    },
    onError(handler) {
      errorHandlers.add(handler)
      return () => errorHandlers.delete(handler)
    },
    get state() {
      if (!closed) state = currentState()
      return state
    },
    subscribeState(listener) {
      stateListeners.add(listener)
      return () => stateListeners.delete(listener)
    },
    reconnect() {
      if (!closed) connection.reconnect()
    },
    close,
    [Symbol.asyncIterator]() {
      const { sink, iterator } = createPushIterator<AnyStreamEvent<E>>(close, (buffered) => {
        if (buffered === LOW_WATER) connection.drained?.()
      })
      if (closed) sink.end()
      else if (connection.status === 'closed') sink.end(fatal)
      else sinks.add(sink)
      return iterator
    },
  }
}

function handlerError(cause: unknown, event?: StreamEvent): EventStreamError {
  const where = event ? `a handler of "${event.type}" events` : 'a state listener'
  return new EventStreamError('handler', `typed-sse: ${where} threw: ${reasonOf(cause)}`, {
    cause,
    ...(event && { event: { type: event.type, raw: event.raw } }),
  })
}
