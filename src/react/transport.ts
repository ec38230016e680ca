// What identifies a connection for `useEventStream` (its key), and stable stand-ins for `headers` and
// `fetch` functions so that inline functions neither reconnect nor go stale.
import type { EventMap } from '../index'
import type { UseEventStreamOptions } from './useEventStream'

// biome-ignore lint/suspicious/noExplicitAny: any function (parameters are contravariant)
type AnyFunction = (...args: any[]) => unknown

/**
 * A stable stand-in for a function, and the latest version of that function by each component with an
 * open stream, the most recently changed last. The stand-in calls the last of them.
 */
type StandIn<F extends AnyFunction> = [call: F, latest: Map<object, F>]

/** Stand-ins by the function a connection was opened with, so that equal functions share one connection. */
const standIns = new WeakMap<AnyFunction, StandIn<AnyFunction>>()

/** The stand-in for `initial`, the same for the same function. */
export function standIn<F extends AnyFunction>(initial: F): StandIn<F> {
  let entry = standIns.get(initial)
  if (!entry) {
    const latest = new Map<object, AnyFunction>()
    const call = (...args: unknown[]) => ([...latest.values()].at(-1) ?? initial)(...args)
    entry = [call, latest]
    standIns.set(initial, entry)
  }
  return entry as StandIn<F>
}

/**
 * What decides whether a render needs another connection, as `useMemo` dependencies: the URL, the
 * transport options and `share`, with strings (URL, method, string bodies, static headers) compared by
 * value and other bodies and share strategies by identity (`tabs.key(k)` is the same for the same key). The first entry is the URL, `null` when disconnected; the list's length never
 * changes, as React wants of dependencies.
 */
export function connectionDependencies<E extends EventMap>(
  url: string | URL | null,
  options: UseEventStreamOptions<E>,
): [url: string | null, ...transport: unknown[]] {
  const { method = 'GET', body, credentials, headers, fetch, share } = options
  const headersKey =
    typeof headers === 'function'
      ? 'function'
      : // Headers iterate sorted by lowercased name (Fetch spec "sort and combine"): no sort needed.
        headers && JSON.stringify([...new Headers(headers)])
  const bodyKey = body instanceof URLSearchParams ? `params:${body}` : body
  const target = url === null || options.enabled === false ? null : String(url)
  return [target, method.toUpperCase(), credentials, bodyKey, headersKey, Boolean(fetch), share]
}
