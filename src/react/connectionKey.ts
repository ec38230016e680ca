import { connectionKey as coreKey, identity } from '../core/api/connectionKey'
import type { ConnectionConfig } from '../core/api/resolveOptions'
import type { EventMap } from '../index'
import type { UseEventStreamOptions } from './types'

/**
 * What decides whether a render needs another connection, as `useMemo` dependencies: the core's
 * connection key (the one definition of "same connection") of the options as rendered, with every function
 * option standing as one (stand-ins call the latest one, so an inline function does not reconnect), and
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
  // The options as rendered, not resolved (the core checks them when the stream opens): a render that
  // spells an option another way than the last one at worst reconnects once.
  const rendered = { ...options, url: String(url) } as unknown as ConnectionConfig
  try {
    return coreKey(rendered, (value) => (typeof value === 'function' ? 'function' : identity(value)))
  } catch {
    return String(url) // headers that are not headers: the core reports them when the stream opens
  }
}
