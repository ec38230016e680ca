// The `share` strategy of `typed-sse/tabs`: for each request, the key that tabs compare, and this tab's
// side of the connection for it (or, where tabs cannot share, a connection of the page).
import type { ShareStrategy } from '../index'
import { channelName, tabsKey } from './key'
import { createTabConnection } from './tabConnection'

/**
 * The `share` strategy that gives all tabs of a browser one connection per key. `tabs` itself compares
 * what a page compares (URL, method, credentials, a string body, static headers by value); `key()` gives
 * the strategy for an explicit key, which a headers function, a custom `fetch` or another body needs.
 * @public
 */
export interface TabsStrategy extends ShareStrategy {
  /**
   * The strategy for streams that share when their URL, method, credentials and this key are equal: the
   * key stands for what tabs cannot compare (a headers function, `fetch`, a body that is not a string),
   * typically the user. The same key gives the same strategy.
   * @param key - a non-empty string, such as `user-42`; it never shows in lock or channel names
   * @example
   * useEventStream<Events>('/feed', { headers: () => ({ authorization: token() }), share: tabs.key(`user-${userId}`) })
   */
  key(key: string): ShareStrategy
}

function strategy(explicit?: string): ShareStrategy {
  return {
    connect(request) {
      const key = tabsKey(request, explicit)
      // Tabs share in a page (a document: there `navigator` and `crypto` exist) with Web Locks,
      // BroadcastChannel and SHA-256 (`crypto.subtle`: secure contexts only).
      const scope: Partial<typeof globalThis> = globalThis
      return scope.document && scope.BroadcastChannel && navigator.locks && crypto.subtle
        ? createTabConnection(request, channelName(key))
        : request.open('') // where the options say, as a connection of the page
    },
  }
}

/** The strategies of `tabs.key()` by key (the same key must give the same strategy). */
const keyed: Record<string, ShareStrategy> = Object.create(null)

/**
 * Share one connection per key among all tabs of the browser: `share: tabs`. One tab leads (it holds a
 * Web Lock named after the hashed key) and runs the request; the others receive its events, errors and
 * state over a BroadcastChannel and decode for themselves. When the leader closes, reloads, navigates
 * away or is frozen, the next tab leads and resumes from the last event ID it received. Where Web Locks,
 * BroadcastChannel or `crypto.subtle` are missing (Node, workers, old browsers, pages that are not a
 * secure context) it shares within the page, like `'page'`.
 *
 * @throws TypeError (from the stream factory) for a headers function, a custom `fetch` or a body that is
 * not a string without an explicit key: use `tabs.key(...)`
 * @example
 * import { tabs } from 'typed-sse/tabs'
 * const stop = subscribe<Events>('/feed', handlers, { share: tabs })
 * @public
 */
export const tabs: TabsStrategy = {
  ...strategy(),
  key(key) {
    if (typeof key !== 'string' || !key) {
      throw new TypeError('typed-sse/tabs: tabs.key() needs a non-empty string')
    }
    keyed[key] ??= strategy(key)
    return keyed[key]
  },
}
