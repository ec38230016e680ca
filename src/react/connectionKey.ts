import { identity, sharingKey } from '../core/api/connectionKey'
import type { EventMap } from '../index'
import type { UseEventStreamOptions } from './types'

/**
 * What decides whether a render needs another connection, as `useMemo` dependencies: the core's sharing
 * key (the same definition of "same connection" as `subscribe`'s), with any `headers` or `fetch`
 * function standing as one (stand-ins call the latest one, so an inline function does not reconnect), and
 * `share`. The first entry is `null` when disconnected; the list's length never changes, as React wants.
 */
export function connectionKey<E extends EventMap>(
  url: string | URL | null,
  options: UseEventStreamOptions<E>,
): [key: string | null, share: unknown] {
  if (url === null || options.enabled === false) return [null, options.share]
  return [keyOf(url, options), options.share]
}

function keyOf<E extends EventMap>(url: string | URL, options: UseEventStreamOptions<E>): string {
  try {
    return sharingKey(url, options, (value) => (typeof value === 'function' ? 'function' : identity(value)))
  } catch {
    // A relative URL while rendering on the server (no page to resolve it against), or an invalid one,
    // which the core reports when the stream opens.
    return String(url)
  }
}
