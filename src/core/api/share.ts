import { createConnection } from '../connection/connection'
import { createStreamOver } from '../delivery/stream'
import { resolveUrl } from '../transport/url'
import type { Connection, EventMap, EventStream } from '../types'
import { assertNumber } from './assert'
import { identity, sharingKey } from './connectionKey'
import type { ConnectionOptions, EventStreamOptions, ShareStrategy } from './options'

interface SharedConnection {
  connection: Connection
  consumers: number
}

/** Open shared connections by sharing key. */
const registry = new Map<string, SharedConnection>()

/**
 * Like {@link createEventStream}, but streams with the same URL, method, body, credentials, headers and
 * `fetch` share one connection (ref-counted: the last `close()` closes it). Each stream decodes for itself.
 * The other connection options (`retry`, `idleTimeout`, `maxEventSize`, `lastEventId`) are those of
 * the first stream that opened the connection. `reconnect()` reconnects the shared connection.
 * `share` chooses another connection: `false` an own one, a strategy such as `tabs` one for all tabs.
 * @public
 */
export function shareEventStream<E extends EventMap>(
  url: string | URL,
  options: EventStreamOptions<E> = {},
): EventStream<E> {
  return openEventStream(url, options, 'page')
}

/**
 * A stream on the connection that `options.share` (or `byDefault` when it is absent) names: its own, the
 * page's for its sharing key, or the one a strategy supplies for its key (asked once per key and strategy).
 */
export function openEventStream<E extends EventMap>(
  url: string | URL,
  options: EventStreamOptions<E>,
  byDefault: false | 'page',
): EventStream<E> {
  const { share = byDefault } = options
  if (share === false) {
    const connection = createConnection(url, options)
    return createStreamOver<E>(connection, options, () => connection.close())
  }
  if (share !== 'page' && !share?.connect) {
    throw new TypeError("typed-sse: share must be false, 'page' or a strategy (tabs from typed-sse/tabs)")
  }
  // A strategy's connection is opened without `pauseWhenHidden` (below): check it here, as a connection would.
  if (options.pauseWhenHidden !== undefined) assertNumber('pauseWhenHidden', options.pauseWhenHidden, 0)
  const pageKey = sharingKey(url, options)
  const key = share === 'page' ? pageKey : pageKey + identity(share)
  let shared = registry.get(key)
  if (!shared) {
    const connection =
      share === 'page' ? createConnection(url, options) : connectThrough(share, url, pageKey, options)
    shared = { connection, consumers: 0 }
    registry.set(key, shared)
  }
  shared.consumers++
  const entry = shared
  return createStreamOver<E>(entry.connection, options, () => release(key, entry))
}

/** The connection that `strategy` supplies for the page's sharing key `key`. */
function connectThrough(
  strategy: ShareStrategy,
  url: string | URL,
  key: string,
  options: ConnectionOptions,
): Connection {
  // The connection a strategy opens serves other tabs too: this tab being hidden must not pause it by
  // itself (the strategy decides; `tabs` pauses it when every tab is hidden, with the options it gets).
  const { pauseWhenHidden: _forThisTabOnly, ...forEveryTab } = options
  // Without an ID of its own, the connection starts where the options say (`lastEventId`, or `resume`).
  const open = (lastEventId: string) =>
    createConnection(url, lastEventId === '' ? forEveryTab : { ...forEveryTab, lastEventId })
  return strategy.connect({ url: resolveUrl(url), key, options, open })
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
