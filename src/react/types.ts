import type { StateFields } from '../core/connection/state'
import type { AnyStreamEvent, EventHandlers, EventMap, EventStreamError, EventStreamOptions } from '../index'

/**
 * `E` as it is, but not a place to infer it from (like TypeScript 5.4's `NoInfer`, for older compilers):
 * the event map comes from the type argument or the `decode` map, and `on` is checked against it.
 */
type Deferred<E> = [E][E extends unknown ? 0 : never]

/**
 * Options of {@link useEventStream}: those of `createEventStream`, plus `on`, `onError`, `history` and
 * `enabled`.
 * @public
 */
export interface UseEventStreamOptions<E extends EventMap = EventMap> extends EventStreamOptions<E> {
  /**
   * Handlers by event name, called synchronously for every event (also between renders, at any rate)
   * without causing a render. Inline functions are fine: the latest ones are always called.
   * @example
   * useEventStream<ChatEvents>('/chat', { on: { message: (data) => appendToLog(data) } })
   */
  on?: EventHandlers<Deferred<E>>
  /** Called for every error, also the retried ones (the latest function is always called). */
  onError?: (error: EventStreamError) => void
  /** Keep the last `history` events in `events`. @defaultValue 0 */
  history?: number
  /** `false` disconnects (like a `null` URL); `true` connects again. @defaultValue true */
  enabled?: boolean
}

/**
 * What {@link useEventStream} returns: the stream's state (`status` is `closed` while disabled or without
 * a URL), its latest events, and `close()`/`reconnect()`. Its identity changes only when something in it
 * changed.
 * @public
 */
export interface UseEventStreamResult<E extends EventMap = EventMap> extends StateFields {
  /** The latest event: a union over the event map, narrowed by `lastEvent.type`. */
  lastEvent: AnyStreamEvent<E> | undefined
  /** The last `history` events, oldest first (empty unless `history` is set). */
  events: readonly AnyStreamEvent<E>[]
  /** Closes this component's subscription (a shared connection stays open for the other components). */
  close(): void
  /** Reconnects now with the backoff reset; after `close()` or a fatal error it connects again. */
  reconnect(): void
}
