// What tabs compare to share a connection, and the name that their Web Lock and BroadcastChannel get
// from it: a hash, because the key holds the URL, the static headers and the body (credentials, often).
import type { ShareRequest } from '../index'

/**
 * The key that tabs compare: the connection key as other pages can compare it (every connection option
 * but `pauseWhenHidden`, by value), with the explicit key, if any. A function option, a custom `fetch` or a
 * body other than text only compare within a page, and two tabs may hold different users' tokens: those
 * need an explicit key (and then URL, method and credentials compare).
 */
export function tabsKey({ portableKey, url, options }: ShareRequest, explicit: string | undefined): string {
  if (portableKey === undefined && !explicit) {
    throw new TypeError(
      "typed-sse/tabs: a function option (headers, doneWhen, reconnectRequest, retry.shouldRetry), a custom fetch, a non-string body or a storage object cannot be compared across tabs, which may hold other users' credentials: use share: tabs.key('user-42')",
    )
  }
  const { method = 'GET', credentials } = options
  // 3: the version of the messages (`protocol.ts`; raise it with any change to them or to the key), so that
  // the tabs of two versions of an app (one loaded before a deploy, one after) never share a channel.
  return JSON.stringify([3, portableKey ?? [url, method.toUpperCase(), credentials], explicit])
}

/** `typed-sse:` and the SHA-256 of `key` in hex: the name of the key's Web Lock and BroadcastChannel. */
export async function channelName(key: string): Promise<string> {
  let name = 'typed-sse:'
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key)))
  for (const byte of digest) name += (byte | 256).toString(16).slice(1)
  return name
}
