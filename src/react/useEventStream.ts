import { useEffect, useLayoutEffect, useMemo, useRef, useSyncExternalStore } from 'react'
import type {
  AnyStreamEvent,
  EventHandlers,
  EventMap,
  EventStreamError,
  EventStreamOptions,
  StreamStatus,
} from '../index'
import { createStore } from './store'
import { connectionDependencies } from './transport'

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

/** What {@link useEventStream} returns. Its identity changes only when something in it changed. @public */
export interface UseEventStreamResult<E extends EventMap = EventMap> {
  /** `connecting` → `open` → `reconnecting` → … → `closed` (also while disabled or without a URL). */
  status: StreamStatus
  /** The latest event: a union over the event map, narrowed by `lastEvent.type`. */
  lastEvent: AnyStreamEvent<E> | undefined
  /** The last `history` events, oldest first (empty unless `history` is set). */
  events: readonly AnyStreamEvent<E>[]
  /** The last event ID received (sent as `Last-Event-ID` when reconnecting). */
  lastEventId: string
  /** The last error; cleared when a connection opens. */
  error: EventStreamError | undefined
  /** Consecutive failed attempts; 0 once a connection delivers an event. */
  attempt: number
  /** While `reconnecting`: the wait in ms before the next attempt. */
  retryDelay: number | undefined
  /** Closes this component's subscription (a shared connection stays open for the other components). */
  close(): void
  /** Reconnects now with the backoff reset; after `close()` or a fatal error it connects again. */
  reconnect(): void
}

/**
 * Subscribes a component to a Server-Sent Events stream and renders its status, latest event and history.
 *
 * Components asking for the same URL, method, body, credentials and static headers share one connection
 * (the last one to unmount closes it; StrictMode's double mount keeps one). Re-renders with new inline
 * options or handlers keep the connection; a new URL or transport option (method, body, credentials,
 * static headers) opens a new one that starts afresh (no `Last-Event-ID` from the old one). Fast streams
 * render at most about once per animation frame; `on` handlers still see every event as it arrives.
 * On the server it renders `connecting` without connecting.
 *
 * `headers` and `fetch` functions are called through their latest version and never reconnect when they
 * change; components share a connection only when they pass the same function. `retry`, `decode`,
 * `lastEventId`, `idleTimeout`, `maxEventSize` and `signal` are read when the connection opens.
 *
 * @param url - the `text/event-stream` endpoint, or `null` to stay disconnected
 * @param options - request, decoding and reconnect options, `on` handlers, `history`, `enabled`
 * @returns the stream's state and latest events, with `close()` and `reconnect()`
 * @example
 * type Events = { price: { symbol: string; value: number } }
 * function Ticker() {
 *   const { status, lastEvent } = useEventStream<Events>('/prices')
 *   if (!lastEvent) return <p>{status}…</p>
 *   return <p>{lastEvent.data.symbol}: {lastEvent.data.value}</p>
 * }
 * @public
 */
export function useEventStream<E extends EventMap = EventMap>(
  url: string | URL | null,
  options: UseEventStreamOptions<E> = {},
): UseEventStreamResult<E> {
  const latest = useRef(options)
  const dependencies = connectionDependencies(url, options)
  // The dependencies hold everything that needs a new connection; the rest is read through `latest`.
  const store = useMemo(
    () => createStore<E>(dependencies[0], options, latest),
    // biome-ignore lint/correctness/useExhaustiveDependencies: they stand for `url` and `options`
    dependencies,
  )
  useIsomorphicLayoutEffect(() => {
    latest.current = options
    store.update(options)
  })
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getServerSnapshot)
}

/** `useLayoutEffect` in browsers (options are current before any effect runs), `useEffect` on the server. */
const useIsomorphicLayoutEffect = typeof document === 'undefined' ? useEffect : useLayoutEffect
