// The external store behind `useEventStream`: one per hook instance and connection key, shaped for
// `useSyncExternalStore`, batching events per frame into immutable snapshots.
import { initialState } from '../core/connection/state'
import { type AnyStreamEvent, type EventMap, type EventStream, shareEventStream } from '../index'
import { scheduleFrame } from './frame'
import { setLatest, standIn } from './standIns'
import type { UseEventStreamOptions, UseEventStreamResult } from './types'

export interface Store<E extends EventMap> {
  /** Takes a render's options: the latest `headers` and `fetch` functions. */
  update(options: UseEventStreamOptions<E>): void
  subscribe(listener: () => void): () => void
  getSnapshot(): UseEventStreamResult<E>
  getServerSnapshot(): UseEventStreamResult<E>
}

const NO_EVENTS: readonly never[] = Object.freeze([])

/**
 * One hook instance's view of one connection. Nothing happens until React subscribes (so rendering on
 * the server connects nothing); subscribing opens a shared stream, unsubscribing closes it (the shared
 * connection closes with its last stream). Events are batched per frame into the snapshot; status
 * changes are rendered at once.
 *
 * A `headers` or `fetch` function becomes a stand-in (the same for the same function, so that components
 * passing one share a connection) that calls the latest function rendered: inline functions do not
 * reconnect on every render.
 */
export function createStore<E extends EventMap>(
  url: string | null,
  options: UseEventStreamOptions<E>,
  latest: { readonly current: UseEventStreamOptions<E> },
): Store<E> {
  /** React's listener: only this store's hook instance subscribes, once at a time. */
  let listener: (() => void) | undefined
  const headers = typeof options.headers === 'function' ? standIn(options.headers) : undefined
  const fetch = options.fetch && standIn(options.fetch)
  /** This store's key in the stand-ins' lists of latest functions. */
  const owner = {}
  let stream: EventStream<E> | undefined
  /** `close()` was called: stay closed until `reconnect()`. */
  let closedByUser = false
  /** Events since the last flush: the latest, and the tail that `history` can keep. */
  let pending: AnyStreamEvent<E>[] = []
  let lastEvent: AnyStreamEvent<E> | undefined
  let events: readonly AnyStreamEvent<E>[] = NO_EVENTS
  let cancelFrame: (() => void) | undefined

  const initial: UseEventStreamResult<E> = {
    ...initialState(url === null ? 'closed' : 'connecting', options.lastEventId ?? ''),
    lastEvent,
    events,
    close,
    reconnect,
  }
  let snapshot = initial

  /** Makes a render's `headers` and `fetch` functions the ones their stand-ins call. */
  function track(next: UseEventStreamOptions<E>): void {
    setLatest(headers, owner, next.headers)
    setLatest(fetch, owner, next.fetch)
  }

  function open(target: string): void {
    // The hook's own options (`on`, `history`, …) go along: the core ignores them.
    const options = { ...latest.current }
    track(options)
    // Method, body, credentials and static headers equal the first render's (they are the store's key);
    // `headers` and `fetch` functions go through their stand-ins.
    if (headers) options.headers = headers.call
    if (fetch) options.fetch = fetch.call
    // Reopening after `close()` (or after being hidden) resumes where this component left off.
    if (snapshot.lastEventId) options.lastEventId = snapshot.lastEventId
    const { retry } = options
    const first = retry !== false && retry?.shouldRetry
    if (first) {
      // `shouldRetry` calls the latest function (the rest of `retry` is read when the connection opens).
      options.retry = {
        ...retry,
        shouldRetry(error, attempt) {
          const current = latest.current.retry
          return ((current !== false && current?.shouldRetry) || first)(error, attempt)
        },
      }
    }
    let current: EventStream<E>
    try {
      current = shareEventStream<E>(target, options)
    } catch (error) {
      release()
      throw error
    }
    stream = current
    current.onAny(receive)
    current.onError((error) => latest.current.onError?.(error))
    current.subscribeState(() => {
      // Unsubscribed (unmount): the `closed` state stays out of the snapshot, which a new subscription
      // (StrictMode, Activity) resumes from.
      if (!listener) return
      // Status changes render at once (with the events before them); the rest waits for the frame.
      if (current.state.status !== snapshot.status) flush()
      else cancelFrame ??= scheduleFrame(flush)
    })
    flush()
  }

  function release(): void {
    headers?.latest.delete(owner)
    fetch?.latest.delete(owner)
  }

  /** The `history` option as a count of events. */
  function historySize(): number {
    const { history = 0 } = latest.current
    return history > 0 ? Math.floor(history) : 0
  }

  function receive(event: AnyStreamEvent<E>): void {
    pending.push(event)
    // Amortised trimming keeps the buffer bounded when frames are slow or paused.
    const keep = historySize() || 1
    if (pending.length >= 2 * keep) pending.splice(0, pending.length - keep)
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
    if (pending.length > 0) {
      lastEvent = pending.at(-1)
      events = [...events, ...pending]
      pending = []
    }
    const history = historySize()
    if (events.length > history) events = history > 0 ? events.slice(-history) : NO_EVENTS
    // `initial` puts back the fields that the stream's state leaves out when they are `undefined`.
    const next: UseEventStreamResult<E> = { ...initial, ...stream.state, lastEvent, events }
    const keys = Object.keys(next) as (keyof UseEventStreamResult<E>)[]
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
    release()
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
      if (stream) track(next)
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
