// The external store behind `useEventStream`: one per hook instance and connection key, shaped for
// `useSyncExternalStore`, batching events per frame into immutable snapshots.
import { initialState } from '../core/connection/state'
import {
  type AnyStreamEvent,
  createEventStream,
  type EventMap,
  type EventStream,
  type EventStreamOptions,
} from '../index'
import { scheduleFrame } from './frame'
import { keepEvents } from './kept'
import { createStandIns } from './standIns'
import type { UseEventStreamOptions, UseEventStreamResult } from './types'

export interface Store<E extends EventMap, V = undefined> {
  /** Takes a render's options: the latest function options. */
  update(options: UseEventStreamOptions<E, V>): void
  subscribe(listener: () => void): () => void
  getSnapshot(): UseEventStreamResult<E, V>
  getServerSnapshot(): UseEventStreamResult<E, V>
}

/**
 * One hook instance's view of one connection. Nothing happens until React subscribes (so rendering on
 * the server connects nothing); subscribing opens a shared stream, unsubscribing closes it (the shared
 * connection closes with its last stream). Events are batched per frame into the snapshot; status
 * changes are rendered at once. `reduce` folds each event into `value` as it arrives (so the batching
 * skips none), and `value` renders with the batch.
 *
 * Each function option (`headers`, `fetch`, `doneWhen`, `reconnectRequest`, `retry.shouldRetry`) becomes a
 * stand-in (the same for the same function, so that components passing one share a connection) that calls
 * the latest function rendered: inline functions do not reconnect on every render.
 */
export function createStore<E extends EventMap, V = undefined>(
  url: string | null,
  options: UseEventStreamOptions<E, V>,
  latest: { readonly current: UseEventStreamOptions<E, V> },
): Store<E, V> {
  /** React's listener: only this store's hook instance subscribes, once at a time. */
  let listener: (() => void) | undefined
  const standIns = createStandIns(options as EventStreamOptions)
  let stream: EventStream<E> | undefined
  /** `close()` was called: stay closed until `reconnect()`. */
  let closedByUser = false
  /** The events since the last flush, and `value`, ahead of the snapshot until the next flush. */
  const keeper = keepEvents<E, V>(latest)
  let cancelFrame: (() => void) | undefined

  const initial: UseEventStreamResult<E, V> = {
    ...initialState(url === null ? 'closed' : 'connecting', options.lastEventId ?? ''),
    ...keeper.take(),
    close,
    reconnect,
  }
  let snapshot = initial

  function open(target: string): void {
    const { on, onError, history, enabled, reduce: _reduce, initial: _initial, ...rendered } = latest.current
    standIns.track(rendered as EventStreamOptions)
    // The connection options equal the first render's (they are the store's key); function options go
    // through their stand-ins, which call the latest ones.
    const options = { share: 'page' as const, ...standIns.apply<E>(rendered) }
    // Reopening after `close()` (or after being hidden) resumes where this component left off.
    if (snapshot.lastEventId) options.lastEventId = snapshot.lastEventId
    let current: EventStream<E>
    try {
      current = createEventStream<E>(target, options)
    } catch (error) {
      standIns.release()
      throw error
    }
    stream = current
    // Requested anew with nothing to resume from (after `close()`, or when React subscribes again), the
    // stream starts from its first event: so does `value`. One that resumes goes on, and so does a shared
    // connection that is under way already (the same key reopened within a microtask).
    if (current.state.status === 'connecting' && !options.lastEventId) keeper.restart()
    // A handler of its own: a throwing `on` handler does not keep an event from `value`, nor the reverse.
    current.onAny(keeper.fold)
    current.onAny(receive)
    current.onRestart(() => {
      // The answer comes again from its first event: what was folded from it is void.
      keeper.restart()
      if (listener) flush()
    })
    current.onError((error) => latest.current.onError?.(error))
    current.onState(() => {
      // Unsubscribed (unmount): the `closed` state stays out of the snapshot, which a new subscription
      // (StrictMode, Activity) resumes from.
      if (!listener) return
      // Status changes render at once (with the events before them); the rest waits for the frame.
      if (current.state.status !== snapshot.status) flush()
      else cancelFrame ??= scheduleFrame(flush)
    })
    flush()
  }

  /** An event: kept for the next frame, and to this component's `on` handlers at once. */
  function receive(event: AnyStreamEvent<E>): void {
    keeper.keep(event)
    cancelFrame ??= scheduleFrame(flush)
    // Own handlers only: an event named `toString` or `__proto__` must not call Object.prototype members.
    const { on } = latest.current
    if (on && Object.hasOwn(on, event.type)) {
      const handler = on[event.type] as ((data: unknown, event: AnyStreamEvent<E>) => void) | undefined
      handler?.(event.data, event)
    }
  }

  /** Moves pending events and the stream's state into a new snapshot, if anything changed. */
  function flush(): void {
    cancelFrame?.()
    cancelFrame = undefined
    if (!stream) return
    // `initial` puts back the fields that the stream's state leaves out when they are `undefined`.
    const next: UseEventStreamResult<E, V> = { ...initial, ...stream.state, ...keeper.take() }
    const keys = Object.keys(next) as (keyof UseEventStreamResult<E, V>)[]
    if (keys.every((key) => next[key] === snapshot[key])) return
    snapshot = next
    listener?.()
  }

  /** Closes this component's stream: its `closed` state renders while React is subscribed. */
  function stop(): void {
    if (!stream) return
    flush() // the snapshot's last event ID is where a new stream resumes
    stream.close()
    stream = undefined
    standIns.release()
  }

  function close(): void {
    closedByUser = true
    stop()
  }

  function reconnect(): void {
    if (stream) stream.reconnect()
    else if (url !== null) {
      closedByUser = false
      if (listener) open(url)
    }
  }

  return {
    update(next) {
      if (stream) standIns.track(next as EventStreamOptions)
    },
    subscribe(onChange) {
      listener = onChange
      if (url !== null && !closedByUser && !stream) open(url)
      return () => {
        listener = undefined
        stop()
      }
    },
    getSnapshot: () => snapshot,
    getServerSnapshot: () => initial,
  }
}
