import { useEffect, useLayoutEffect, useMemo, useRef, useSyncExternalStore } from 'react'
import type { EventMap } from '../index'
import { connectionKey } from './connectionKey'
import { createStore } from './store'
import type { InitialOption, UseEventStreamOptions, UseEventStreamResult } from './types'

/**
 * Subscribes a component to a Server-Sent Events stream and renders its status, latest event and history,
 * and the `value` that `reduce` folds its events into (an LLM answer's text).
 *
 * Components asking with equal connection options (every option but `decode` and `signal`: values by
 * value, functions by identity) share one connection (the last one to unmount closes it; StrictMode's
 * double mount keeps one). Re-renders with new inline functions or handlers keep the connection; a new URL
 * or another value of a connection option opens a new one that starts afresh (no `Last-Event-ID` from the
 * old one). Fast streams
 * render at most about once per animation frame; `on` handlers and `reduce` still see every event as it
 * arrives, in order, so `value` misses none. `value` starts at `initial` and goes back to it on a new
 * stream and when a finite stream starts again from the start (`reconnect()`).
 * On the server it renders `connecting` (and `initial`) without connecting.
 *
 * Function options (`headers`, `fetch`, `doneWhen`, `reconnectRequest`, `retry.shouldRetry`) keep one
 * identity per component: they are called through their latest version and never reconnect when they
 * change; components share a connection only when they pass the same function. `on`, `onError` and
 * `reduce` are always the latest rendered. `decode`, `lastEventId` and `signal` are read when the stream
 * opens.
 *
 * Type arguments are all or nothing: `useEventStream<Events>` or `useEventStream<Events, string>` (with
 * `reduce`), or none, and the events come from a `decode` map and `V` from `initial` and `reduce`.
 *
 * @param url - the `text/event-stream` endpoint, or `null` to stay disconnected
 * @param options - request, decoding and reconnect options, `on` handlers, `history`, `reduce` and
 *   `initial`, `enabled`
 * @returns the stream's state, latest events and `value`, with `close()` and `reconnect()`
 * @example
 * type Events = { price: { symbol: string; value: number } }
 * function Ticker() {
 *   const { status, lastEvent } = useEventStream<Events>('/prices')
 *   if (!lastEvent) return <p>{status}…</p>
 *   return <p>{lastEvent.data.symbol}: {lastEvent.data.value}</p>
 * }
 * @example A streamed answer
 * type Chunk = { choices: { delta: { content?: string } }[] }
 * function Answer({ question }: { question: string }) {
 *   const { value, status, error } = useEventStream<{ message: Chunk }, string>('/api/answer', {
 *     method: 'POST',
 *     body: JSON.stringify({ question }),
 *     reduce: (text, event) => text + (event.data.choices[0]?.delta.content ?? ''),
 *     initial: '',
 *   })
 *   return <p aria-busy={status !== 'closed'}>{error ? error.message : value}</p>
 * }
 * @public
 */
export function useEventStream<E extends EventMap = EventMap, V = undefined>(
  url: string | URL | null,
  options?: UseEventStreamOptions<E, V> & InitialOption<V>,
): UseEventStreamResult<E, V> {
  const rendered: UseEventStreamOptions<E, V> = options ?? {}
  const latest = useRef(rendered)
  // `reduce` and `initial` are not connection options: the key leaves them out.
  const { reduce: _reduce, initial: _initial, ...connection } = rendered
  const key = connectionKey<E>(url, connection)
  // The key holds everything that needs a new connection; the rest is read through `latest`.
  const store = useMemo(
    () => createStore<E, V>(key[0] === null ? null : String(url), rendered, latest),
    // biome-ignore lint/correctness/useExhaustiveDependencies: the key stands for `url` and `options`
    key,
  )
  useIsomorphicLayoutEffect(() => {
    latest.current = rendered
    store.update(rendered)
  })
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getServerSnapshot)
}

/** `useLayoutEffect` in browsers (options are current before any effect runs), `useEffect` on the server. */
const useIsomorphicLayoutEffect = typeof document === 'undefined' ? useEffect : useLayoutEffect
