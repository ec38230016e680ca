import { createConnection } from '../connection/connection'
import { createStreamOver } from '../delivery/stream'
import type { Connection, EventMap, EventStream } from '../types'
import { connectionKey, identity, portableKey } from './connectionKey'
import type { EventStreamOptions, ShareStrategy } from './options'
import { type ConnectionConfig, resolveOptions } from './resolveOptions'

interface SharedConnection {
  connection: Connection
  consumers: number
}

/** Open shared connections by connection key (and strategy). */
const registry = new Map<string, SharedConnection>()

/**
 * A stream on the connection that `options.share` (or `byDefault` when it is absent) names: its own, the
 * page's for its connection key, or the one a strategy supplies for its key (asked once per key and
 * strategy). Every option is checked before anything starts.
 */
export function openEventStream<E extends EventMap>(
  url: string | URL,
  options: EventStreamOptions<E> | undefined,
  byDefault: false | 'page',
): EventStream<E> {
  const resolved = resolveOptions(url, options, byDefault)
  const { connection: config, share } = resolved
  if (share === false) {
    const connection = createConnection(config)
    return createStreamOver<E>(connection, resolved, () => connection.close())
  }
  const pageKey = connectionKey(config)
  const key = share === 'page' ? pageKey : pageKey + identity(share)
  let shared = registry.get(key)
  if (!shared) {
    const connection =
      share === 'page' ? createConnection(config) : connectThrough(share, config, pageKey, options ?? {})
    shared = { connection, consumers: 0 }
    registry.set(key, shared)
  }
  shared.consumers++
  const entry = shared
  return createStreamOver<E>(entry.connection, resolved, () => release(key, entry))
}

/** The connection that `strategy` supplies for the page's connection key `key`. */
function connectThrough(
  strategy: ShareStrategy,
  config: ConnectionConfig,
  key: string,
  options: EventStreamOptions,
): Connection {
  // The connection a strategy opens serves other tabs too: this tab being hidden must not pause it by
  // itself (the strategy decides; `tabs` pauses it when every tab is hidden, with the options it gets).
  // Without an ID of its own, the connection starts where the options say (`lastEventId`, or `persist`).
  const open = (lastEventId: string) =>
    createConnection({
      ...config,
      pauseWhenHidden: undefined,
      lastEventId: lastEventId === '' ? config.lastEventId : lastEventId,
    })
  return strategy.connect({ url: config.url, key, portableKey: portableKey(config), options, open })
}

/**
 * Drops one consumer. The connection closes a microtask later when nobody is left, so that React
 * StrictMode's unmount-and-mount again keeps the one connection it already opened.
 */
function release(key: string, entry: SharedConnection): void {
  entry.consumers--
  queueMicrotask(() => {
    if (entry.consumers > 0 || registry.get(key) !== entry) return
    registry.delete(key)
    entry.connection.close()
  })
}

/** The number of connections this page shares now; not exported by the package (the tests count with it). */
export function sharedConnectionCount(): number {
  return registry.size
}
