// What identifies a connection for `useEventStream` (its key), and stable stand-ins for `headers` and
// `fetch` functions so that inline functions neither reconnect nor go stale.
import type { EventMap, EventStreamOptions } from '../index'
import type { UseEventStreamOptions } from './useEventStream'

type TransportOptions = Pick<EventStreamOptions, 'method' | 'body' | 'credentials' | 'headers' | 'fetch'>

// biome-ignore lint/suspicious/noExplicitAny: any function (parameters are contravariant)
type AnyFunction = (...args: any[]) => unknown

/** A stable stand-in for a function, calling the latest version rendered by a component using it. */
interface LatestFunction<F extends AnyFunction> {
  readonly proxy: F
  /** The latest function of each component with an open stream, the most recently changed last. */
  readonly latest: Map<object, F>
}

/** Stand-ins by the function a connection was opened with, so that equal functions share one connection. */
const latestFunctions = new WeakMap<AnyFunction, LatestFunction<AnyFunction>>()

function latestFunction<F extends AnyFunction>(initial: F): LatestFunction<F> {
  let entry = latestFunctions.get(initial) as LatestFunction<F> | undefined
  if (!entry) {
    const latest = new Map<object, F>()
    const proxy = ((...args: Parameters<F>) => {
      let current = initial
      for (const fn of latest.values()) current = fn
      return current(...args)
    }) as F
    entry = { proxy, latest }
    latestFunctions.set(initial, entry as unknown as LatestFunction<AnyFunction>)
  }
  return entry
}

/**
 * The options that identify a connection, fixed for the store's life. A `headers` or `fetch` function
 * becomes a stand-in (the same for the same function, so components passing one share a connection)
 * that calls the latest function rendered: inline functions do not reconnect on every render.
 * @returns the options; `acquire`/`release` around each open stream, `update` with every render's options
 */
export function transportOptions<E extends EventMap>(initial: EventStreamOptions<E>) {
  const { method, body, credentials, headers, fetch } = initial
  const options: TransportOptions = {}
  if (method !== undefined) options.method = method
  if (body !== undefined) options.body = body
  if (credentials !== undefined) options.credentials = credentials
  const headersFunction = typeof headers === 'function' ? latestFunction(headers) : undefined
  if (headersFunction) options.headers = headersFunction.proxy
  else if (headers !== undefined) options.headers = headers
  const fetchFunction = fetch ? latestFunction(fetch) : undefined
  if (fetchFunction) options.fetch = fetchFunction.proxy
  const owner = {}
  let acquired = false

  function set<F extends AnyFunction>(entry: LatestFunction<F> | undefined, fn: F | undefined): void {
    if (!entry || typeof fn !== 'function' || entry.latest.get(owner) === fn) return
    entry.latest.delete(owner) // the most recently changed function goes last
    entry.latest.set(owner, fn)
  }

  function update(next: EventStreamOptions<E>): void {
    if (!acquired) return
    set(headersFunction, next.headers as Exclude<typeof next.headers, HeadersInit>)
    set(fetchFunction, next.fetch)
  }

  return {
    options,
    update,
    acquire(next: EventStreamOptions<E>): void {
      acquired = true
      update(next)
    },
    release(): void {
      acquired = false
      headersFunction?.latest.delete(owner)
      fetchFunction?.latest.delete(owner)
    },
  }
}

/**
 * What decides whether a render needs another connection, as `useMemo` dependencies: the URL and the
 * transport options, with strings (URL, method, string bodies, static headers) compared by value and
 * other bodies by identity. The first entry is the URL, `null` when disconnected; the list's length never
 * changes, as React wants of dependencies.
 */
export function connectionDependencies<E extends EventMap>(
  url: string | URL | null,
  options: UseEventStreamOptions<E>,
): unknown[] {
  const { method = 'GET', body, credentials = '', headers, fetch } = options
  const headersKey =
    typeof headers === 'function'
      ? 'function'
      : headers === undefined
        ? ''
        : // Headers iterate sorted by lowercased name (Fetch spec "sort and combine"): no sort needed.
          JSON.stringify([...new Headers(headers)])
  const bodyKey = body instanceof URLSearchParams ? `params:${body}` : body
  const target = url === null || options.enabled === false ? null : String(url)
  return [target, method.toUpperCase(), credentials, bodyKey, headersKey, Boolean(fetch)]
}
