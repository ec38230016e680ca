import type { StateFields } from '../core/connection/state'
import type { AnyStreamEvent, EventHandlers, EventMap, EventStreamError, EventStreamOptions } from '../index'

/**
 * `E` as it is, but not a place to infer it from (like TypeScript 5.4's `NoInfer`, for older compilers):
 * the event map comes from the type argument or the `decode` map, and `on` is checked against it.
 */
type Deferred<E> = [E][E extends unknown ? 0 : never]

/**
 * Options of {@link useEventStream}: those of `createEventStream`, plus `on`, `onError`, `history`,
 * `reduce`, `initial` and `enabled`. `V` is the type of the `value` that `reduce` builds.
 * @public
 */
export interface UseEventStreamOptions<E extends EventMap = EventMap, V = undefined>
  extends EventStreamOptions<E> {
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
  /**
   * Folds every event into `value`, in order: none is skipped, however many arrive within one frame, while
   * `value` renders at most once per frame (a 3,000-token answer renders a few dozen times). Called as
   * each event arrives, with the value so far; return the next value without changing the old one (a new
   * array or object, as with React state). Inline functions are fine: the latest one is always called and
   * a new one never reconnects. A throw skips that event (reported like a throwing `on` handler).
   *
   * `value` starts at `initial`, and goes back to it on a new stream (a new `url` or connection option,
   * `enabled` again) and whenever the stream starts again from its first event (`reconnect()` of a finite
   * stream such as a POST answer, or a reopening after `close()` with no event ID to resume from): the
   * events come again and are not folded twice. A feed that reconnects, or a stream that resumes with
   * `Last-Event-ID`, goes on from the value it had.
   *
   * Type arguments are all or nothing: pass both (`useEventStream<Events, string>`) or neither (the
   * events from a `decode` map, `V` from `initial` and `reduce`).
   * @param value - the value so far (`initial` for the first event)
   * @param event - the event, narrowed by `event.type`
   * @returns the next value
   * @example OpenAI-compatible answer as one string
   * type Chunk = { choices: { delta: { content?: string } }[] }
   * const { value: answer, status } = useEventStream<{ message: Chunk }, string>('/v1/chat/completions', {
   *   method: 'POST',
   *   headers: { 'content-type': 'application/json' },
   *   body: JSON.stringify({ model, messages, stream: true }),
   *   reduce: (text, event) => text + (event.data.choices[0]?.delta.content ?? ''),
   *   initial: '',
   * })
   */
  reduce?: (value: V, event: AnyStreamEvent<Deferred<E>>) => V
  /**
   * The start of `value`: what it is before the first event and after a new stream or a restart (see
   * `reduce`). Read when `value` starts again, so an inline `[]` or `''` is fine. Needed when `V` leaves out
   * `undefined`.
   * @defaultValue undefined
   */
  initial?: V
  /** `false` disconnects (like a `null` URL); `true` connects again. @defaultValue true */
  enabled?: boolean
}

/** Where `V` leaves out `undefined`, `initial` is required: `value` starts there, before any event. */
export type InitialOption<V> = undefined extends V ? unknown : { initial: V }

/**
 * What {@link useEventStream} returns: the stream's state (`status` is `closed` while disabled or without
 * a URL), its latest events, and `close()`/`reconnect()`. Its identity changes only when something in it
 * changed.
 * @public
 */
export interface UseEventStreamResult<E extends EventMap = EventMap, V = undefined> extends StateFields {
  /** The latest event: a union over the event map, narrowed by `lastEvent.type`. */
  lastEvent: AnyStreamEvent<E> | undefined
  /** The last `history` events, oldest first (empty unless `history` is set). */
  events: readonly AnyStreamEvent<E>[]
  /**
   * Every event so far folded by `reduce`, starting from `initial` (just `initial` without `reduce`). It
   * renders with the other fields, at most once per frame, and goes back to `initial` on a new stream or a
   * restart of a finite stream.
   */
  value: V
  /** Closes this component's subscription (a shared connection stays open for the other components). */
  close(): void
  /** Reconnects now with the backoff reset; after `close()` or a fatal error it connects again. */
  reconnect(): void
}
