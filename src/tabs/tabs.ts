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

/** Whether this context can take part: a page (no worker) with Web Locks, BroadcastChannel and SHA-256. */
function canShareTabs(): boolean {
  return (
    typeof document === 'object' &&
    typeof BroadcastChannel === 'function' &&
    !!globalThis.navigator?.locks &&
    !!globalThis.crypto?.subtle
  )
}

function strategy(explicit?: string): ShareStrategy {
  return {
    connect(request) {
      const key = tabsKey(request, explicit)
      return canShareTabs()
        ? createTabConnection(request, channelName(key))
        : request.open(request.options.lastEventId ?? '')
    },
  }
}

const keyed = new Map<string, ShareStrategy>()

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
    if (typeof key !== 'string' || key === '') {
      throw new TypeError('typed-sse/tabs: tabs.key(key) needs a non-empty string')
    }
    let keyedStrategy = keyed.get(key)
    if (!keyedStrategy) {
      keyedStrategy = strategy(key)
      keyed.set(key, keyedStrategy)
    }
    return keyedStrategy
  },
}
