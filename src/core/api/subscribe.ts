import type { EventStreamError } from '../errors'
import type { EventMap, StreamEvent, StreamState } from '../types'
import { assertType } from './assert'
import type { EventStreamOptions } from './options'
import { openEventStream } from './share'

/** Handlers of {@link subscribe}, by event name. @public */
export type EventHandlers<E extends EventMap> = {
  [K in keyof E]?: (data: E[K], event: StreamEvent<K & string, E[K]>) => void
}

/** Options of {@link subscribe}: those of `createEventStream` plus error and state callbacks. @public */
export interface SubscribeOptions<E extends EventMap> extends EventStreamOptions<E> {
  /** Called for every error (also the retried ones). */
  onError?: (error: EventStreamError) => void
  /** Called with the current state at once and after every change. */
  onState?: (state: StreamState) => void
}

/**
 * Listens to an event stream with one handler per event name; the simplest way to consume SSE without
 * React. Subscriptions with equal connection options (all but `decode` and `signal`) share one connection.
 *
 * @returns a function that unsubscribes (the shared connection closes when its last subscriber leaves)
 * @example
 * const unsubscribe = subscribe<{ price: { symbol: string; value: number } }>('/prices', {
 *   price: (data) => render(data.symbol, data.value),
 * })
 * @public
 */
export function subscribe<E extends EventMap>(
  url: string | URL,
  handlers: EventHandlers<E>,
  options: SubscribeOptions<E> = {},
): () => void {
  if (typeof handlers !== 'object' || handlers === null) {
    const hint = typeof handlers === 'function' ? ' Did you mean subscribe(url, { message: handler })?' : ''
    throw new TypeError(
      `typed-sse: subscribe(url, handlers) needs an object of handlers by event name.${hint}`,
    )
  }
  const { onError, onState, ...streamOptions } = options
  const entries = Object.entries(handlers)
  for (const [type, handler] of entries) assertType(`handlers.${type}`, handler, 'function')
  assertType('onError', onError, 'function')
  assertType('onState', onState, 'function')
  const stream = openEventStream<E>(url, streamOptions, 'page')
  for (const [type, handler] of entries) if (handler) stream.on(type, handler as never)
  if (onError) stream.onError(onError)
  if (onState) {
    stream.onState(onState)
    onState(stream.state)
  }
  return () => stream.close()
}
