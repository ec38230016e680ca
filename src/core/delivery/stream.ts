import type { ResolvedOptions } from '../api/resolveOptions'
import { sameFields } from '../connection/state'
import type { EventStreamError } from '../errors'
import type { AnyStreamEvent, Connection, EventMap, EventStream, StreamEvent, StreamState } from '../types'
import { callUser } from './callUser'
import { Fanout, handlerError, LOW_WATER, type StreamHooks } from './fanout'
import type { Handler } from './handlers'
import { type LoopOwner, PushIterator } from './iterator'

/**
 * The typed face of a connection: decodes its raw events with this consumer's decoder and fans them out
 * to handlers and iterators (`fanout.ts`), and keeps this consumer's view of the state. `release` runs
 * once when this consumer closes (it closes or unshares the connection).
 */
export function createStreamOver<E extends EventMap>(
  connection: Connection,
  options: Pick<ResolvedOptions, 'decode' | 'signal'>,
  release: () => void,
): EventStream<E> {
  return new ConsumerStream<E>(connection, options, release)
}

class ConsumerStream<E extends EventMap> implements EventStream<E>, StreamHooks, LoopOwner {
  readonly #connection: Connection
  readonly #fanout: Fanout<E>
  readonly #signal: AbortSignal | undefined
  readonly #release: () => void
  readonly #detach: () => void
  readonly #errorHandlers = new Set<(error: EventStreamError) => void>()
  readonly #stateListeners = new Set<(state: StreamState) => void>()
  readonly #restartListeners = new Set<() => void>()
  #closed = false
  /** The fatal error that closed the connection, for loops started after it. */
  #fatal: EventStreamError | undefined
  /** This consumer's own last error (decode, handler), newer than the connection's. */
  #ownError: EventStreamError | undefined
  /** The state `state` last returned (the same object until something changed). */
  #state: StreamState
  /** The state the state listeners last heard of (reading `state` in a handler must not swallow a change). */
  #notified: StreamState
  #lastStatus: StreamState['status']

  constructor(
    connection: Connection,
    options: Pick<ResolvedOptions, 'decode' | 'signal'>,
    release: () => void,
  ) {
    this.#connection = connection
    this.#signal = options.signal
    this.#release = release
    this.#state = this.#notified = connection.state
    this.#lastStatus = this.#state.status
    this.#fanout = new Fanout<E>(options.decode, this)
    this.#detach = connection.attach(this.#fanout)
    this.close = this.close.bind(this)
    if (this.#signal?.aborted) this.close()
    else this.#signal?.addEventListener('abort', this.close, { once: true })
  }

  on<K extends keyof E & string>(
    type: K,
    handler: (data: E[K], event: StreamEvent<K, E[K]>) => void,
  ): () => void {
    this.#connection.drained?.() // a handler cannot wait: reading goes on if it waited for loops
    return this.#fanout.handlers.on(type, handler as Handler)
  }

  onAny(handler: (event: AnyStreamEvent<E>) => void): () => void {
    this.#connection.drained?.()
    return this.#fanout.handlers.onAny(handler as Handler)
  }

  onError(handler: (error: EventStreamError) => void): () => void {
    return listen(this.#errorHandlers, handler)
  }

  onState(listener: (state: StreamState) => void): () => void {
    return listen(this.#stateListeners, listener)
  }

  onRestart(listener: () => void): () => void {
    return listen(this.#restartListeners, listener)
  }

  get state(): StreamState {
    if (!this.#closed) this.#state = this.#currentState()
    return this.#state
  }

  reconnect(): void {
    if (!this.#closed) this.#connection.reconnect()
  }

  close(): void {
    if (this.#closed) return
    const last = this.#currentState()
    this.#closed = true
    this.#fanout.stop()
    this.#signal?.removeEventListener('abort', this.close)
    this.#detach()
    if (last.status === 'closed') this.#state = last
    else {
      const { retryDelay: _noMoreRetry, ...rest } = last // closed: no attempt is scheduled any more
      this.#state = { ...rest, status: 'closed' }
    }
    this.#endLoops()
    this.#release()
    if (this.#state !== this.#notified) this.#emitState()
    this.#errorHandlers.clear()
    this.#stateListeners.clear()
    this.#restartListeners.clear()
  }

  [Symbol.asyncIterator](): AsyncIterator<AnyStreamEvent<E>> {
    const loop = new PushIterator<AnyStreamEvent<E>>(this)
    if (this.#closed) loop.end()
    else if (this.#connection.status === 'closed') loop.end(this.#fatal)
    else this.#fanout.sinks.add(loop)
    return loop
  }

  // What a `for await` loop reports (LoopOwner).

  loopLeft(): void {
    this.close()
  }

  loopTook(buffered: number): void {
    if (buffered === LOW_WATER) this.#connection.drained?.()
  }

  // What the fan-out reports besides events (StreamHooks).

  ownError(error: EventStreamError): void {
    this.#ownError = error
    this.#notifyState()
    this.#reportError(error)
  }

  error(error: EventStreamError): void {
    this.#ownError = undefined
    this.#notifyState()
    this.#reportError(error)
  }

  stateChanged(): void {
    const { status } = this.#connection
    if (status !== 'closed') this.#fatal = undefined
    if (status === 'open' && this.#lastStatus !== 'open') this.#ownError = undefined
    this.#lastStatus = status
    // Without listeners nobody needs the snapshot now: `state` builds it when read.
    if (this.#stateListeners.size > 0) this.#notifyState()
  }

  restarted(): void {
    for (const listener of this.#restartListeners) this.#call(listener)
  }

  closed(error: EventStreamError | undefined): void {
    this.#fatal = error
    this.#endLoops(error)
  }

  #currentState(): StreamState {
    const base = this.#connection.state
    const state = this.#state
    const ownError = this.#ownError
    if (this.#closed) return state
    if (ownError === undefined) return base
    return state.error === ownError && sameFields(state, base, 'error') ? state : { ...base, error: ownError }
  }

  #notifyState(): void {
    this.#state = this.#currentState()
    if (this.#state !== this.#notified) this.#emitState()
  }

  #emitState(): void {
    const state = this.#state
    this.#notified = state
    for (const listener of this.#stateListeners) this.#call(listener, state)
  }

  /** Calls a state or restart listener; a throw is reported as a `handler` error. */
  #call<T>(listener: (value: T) => void, value?: T): void {
    try {
      callUser(listener, value as T, undefined)
    } catch (cause) {
      this.#reportError(handlerError(cause))
    }
  }

  #reportError(error: EventStreamError): void {
    for (const handler of this.#errorHandlers) {
      try {
        callUser(handler, error, undefined)
      } catch (cause) {
        console.error('typed-sse: an onError handler threw', cause)
      }
    }
  }

  #endLoops(error?: EventStreamError): void {
    const { sinks } = this.#fanout
    for (const sink of sinks) sink.end(error)
    sinks.clear()
  }
}

/** Adds `listener` to `set`; returns the function that removes it. */
function listen<T>(set: Set<T>, listener: T): () => void {
  set.add(listener)
  return () => set.delete(listener)
}
