import { useEffect, useLayoutEffect, useMemo, useRef, useSyncExternalStore } from 'react'
import type { EventMap } from '../index'
import { connectionKey } from './connectionKey'
import { createStore } from './store'
import type { UseEventStreamOptions, UseEventStreamResult } from './types'

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
  const key = connectionKey(url, options)
  // The key holds everything that needs a new connection; the rest is read through `latest`.
  const store = useMemo(
    () => createStore<E>(key[0] === null ? null : String(url), options, latest),
    // biome-ignore lint/correctness/useExhaustiveDependencies: the key stands for `url` and `options`
    key,
  )
  useIsomorphicLayoutEffect(() => {
    latest.current = options
    store.update(options)
  })
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getServerSnapshot)
}

/** `useLayoutEffect` in browsers (options are current before any effect runs), `useEffect` on the server. */
const useIsomorphicLayoutEffect = typeof document === 'undefined' ? useEffect : useLayoutEffect
