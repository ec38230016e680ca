// The external store behind `useEventStream`: one per hook instance and connection key, shaped for
// `useSyncExternalStore`, batching events per frame into immutable snapshots.
import {
  type AnyStreamEvent,
  type EventMap,
  type EventStream,
  type EventStreamOptions,
  type RetryOptions,
  shareEventStream,
} from '../index'
import { scheduleFrame } from './frame'
import { transportOptions } from './transport'
import type { UseEventStreamOptions, UseEventStreamResult } from './useEventStream'

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
 * the server connects nothing); the first subscriber opens a shared stream, the last one closes it.
 * Events are batched per frame into the snapshot; status changes are rendered at once.
 */
export function createStore<E extends EventMap>(
  url: string | URL | null,
  options: UseEventStreamOptions<E>,
  latest: { readonly current: UseEventStreamOptions<E> },
): Store<E> {
  const listeners = new Set<() => void>()
  const transport = transportOptions(options)
  let stream: EventStream<E> | undefined
  /** `close()` was called: stay closed until `reconnect()`. */
  let closedByUser = false
  /** Events since the last flush: the latest, and the tail that `history` can keep. */
  let pendingLast: AnyStreamEvent<E> | undefined
  let pending: AnyStreamEvent<E>[] = []
  let cancelFrame: (() => void) | undefined

  const initial: UseEventStreamResult<E> = {
    status: url === null ? 'closed' : 'connecting',
    lastEvent: undefined,
    events: NO_EVENTS,
    lastEventId: options.lastEventId ?? '',
    error: undefined,
    attempt: 0,
    retryDelay: undefined,
    close,
    reconnect,
  }
  let snapshot = initial

  function emit(): void {
    for (const listener of listeners) listener()
  }

  function open(target: string | URL): void {
    const { on, onError, history, enabled, retry, headers, fetch, ...rest } = latest.current
    // Reopening after `close()` (or after being hidden) resumes where this component left off.
    const resume = snapshot.lastEventId === '' ? {} : { lastEventId: snapshot.lastEventId }
    transport.acquire(latest.current)
    let current: EventStream<E>
    try {
      current = shareEventStream<E>(target, {
        ...rest,
        ...resume,
        ...transport.options,
        ...retryOption(retry, latest),
      })
    } catch (error) {
      transport.release()
      throw error
    }
    stream = current
    current.onAny((event) => {
      if (stream === current) receive(event)
    })
    current.onError((error) => {
      if (stream === current) latest.current.onError?.(error)
    })
    current.subscribeState(() => {
      if (stream !== current) return
      // Status changes render at once (with the events before them); the rest waits for the frame.
      if (current.state.status !== snapshot.status) flush()
      else requestFlush()
    })
    flush()
  }

  function receive(event: AnyStreamEvent<E>): void {
    pendingLast = event
    const history = historySize(latest.current.history)
    if (history > 0) {
      pending.push(event)
      // Amortised trimming keeps the buffer bounded when frames are slow or paused.
      if (pending.length >= 2 * history) pending.splice(0, pending.length - history)
    }
    requestFlush()
    const handler = latest.current.on?.[event.type] as
      | ((data: unknown, event: AnyStreamEvent<E>) => void)
      | undefined
    handler?.(event.data, event)
  }

  function requestFlush(): void {
    cancelFrame ??= scheduleFrame(flush)
  }

  /** Moves pending events and the stream's state into a new snapshot, if anything changed. */
  function flush(): void {
    cancelFrame?.()
    cancelFrame = undefined
    if (!stream) return
    let { lastEvent, events } = snapshot
    const history = historySize(latest.current.history)
    if (pendingLast) {
      lastEvent = pendingLast
      pendingLast = undefined
      if (history > 0) events = [...events, ...pending].slice(-history)
      pending = []
    }
    if (history === 0) events = NO_EVENTS
    else if (events.length > history) events = events.slice(-history)
    const { status, lastEventId, error, attempt, retryDelay } = stream.state
    const next: UseEventStreamResult<E> = {
      status,
      lastEvent,
      events,
      lastEventId,
      error,
      attempt,
      retryDelay,
      close,
      reconnect,
    }
    if (sameSnapshot(snapshot, next)) return
    snapshot = next
    emit()
  }

  /** Closes this component's stream; `render` shows its `closed` state (for `close()`, not on unmount). */
  function stop(render: boolean): void {
    const current = stream
    if (!current) return
    flush()
    if (!render) stream = undefined
    current.close()
    stream = undefined
    transport.release()
    cancelFrame?.()
    cancelFrame = undefined
  }

  function close(): void {
    closedByUser = true
    stop(true)
  }

  function reconnect(): void {
    if (url === null) return
    if (stream) {
      stream.reconnect()
      return
    }
    closedByUser = false
    if (listeners.size > 0) open(url)
  }

  return {
    update: transport.update,
    subscribe(listener) {
      listeners.add(listener)
      if (listeners.size === 1 && url !== null && !closedByUser && !stream) open(url)
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0) stop(false)
      }
    },
    getSnapshot: () => snapshot,
    getServerSnapshot: () => initial,
  }
}

function historySize(history: number | undefined): number {
  return history !== undefined && history > 0 ? Math.floor(history) : 0
}

function sameSnapshot<E extends EventMap>(a: UseEventStreamResult<E>, b: UseEventStreamResult<E>): boolean {
  return (
    a.status === b.status &&
    a.lastEvent === b.lastEvent &&
    a.events === b.events &&
    a.lastEventId === b.lastEventId &&
    a.error === b.error &&
    a.attempt === b.attempt &&
    a.retryDelay === b.retryDelay
  )
}

/** `retry` with `shouldRetry` calling the latest function. */
function retryOption<E extends EventMap>(
  retry: false | RetryOptions | undefined,
  latest: { readonly current: EventStreamOptions<E> },
): { retry?: false | RetryOptions } {
  if (retry === undefined) return {}
  const first = retry !== false ? retry.shouldRetry : undefined
  if (retry === false || first === undefined) return { retry }
  return {
    retry: {
      ...retry,
      shouldRetry(error, attempt) {
        const current = latest.current.retry
        const shouldRetry = (current !== false && current?.shouldRetry) || first
        return shouldRetry(error, attempt)
      },
    },
  }
}
