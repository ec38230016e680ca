import type { EventStreamOptions } from '../api/options'
import { sameState } from '../connection/state'
import type { EventStreamError } from '../errors'
import type { AnyStreamEvent, Connection, EventMap, EventStream, StreamState } from '../types'
import { createDecoder } from './decode'
import { Fanout, handlerError, LOW_WATER } from './fanout'
import { createPushIterator } from './iterator'

/**
 * The typed face of a connection: decodes its raw events with this consumer's decoders and fans them out
 * to handlers and iterators (`fanout.ts`), and keeps this consumer's view of the state. `release` runs
 * once when this consumer closes (it closes or unshares the connection).
 */
export function createStreamOver<E extends EventMap>(
  connection: Connection,
  options: Pick<EventStreamOptions<E>, 'decode' | 'signal'>,
  release: () => void,
): EventStream<E> {
  const errorHandlers = new Set<(error: EventStreamError) => void>()
  const stateListeners = new Set<() => void>()
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

  const fanout = new Fanout<E>(createDecoder(options.decode), {
    ownError(error) {
      ownError = error
      notifyState()
      reportError(error)
    },
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
      // Without listeners nobody needs the snapshot now: `state` builds it when read.
      if (stateListeners.size > 0) notifyState()
    },
    closed(error) {
      fatal = error
      endLoops(error)
    },
  })
  const { handlers, anyHandlers, sinks } = fanout

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

  function reportError(error: EventStreamError): void {
    for (const handler of errorHandlers) {
      try {
        handler(error)
      } catch (cause) {
        console.error('typed-sse: an onError handler threw', cause)
      }
    }
  }

  function endLoops(error?: EventStreamError): void {
    for (const sink of sinks) sink.end(error)
    sinks.clear()
  }

  const detach = connection.attach(fanout)

  function close(): void {
    if (closed) return
    const last = currentState()
    closed = true
    fanout.stop()
    options.signal?.removeEventListener('abort', close)
    detach()
    if (last.status === 'closed') state = last
    else {
      const { retryDelay: _noMoreRetry, ...rest } = last // closed: no attempt is scheduled any more
      state = { ...rest, status: 'closed' }
    }
    endLoops()
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
      const set = handlers.get(type) ?? new Set()
      handlers.set(type, set)
      const entry = handler as (data: unknown) => void
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
