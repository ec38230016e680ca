// What tabs compare to share a connection, and the name that their Web Lock and BroadcastChannel get
// from it: a hash, because the key holds the URL, the static headers and the body (credentials, often).
import type { ShareRequest } from '../index'

/**
 * The key that tabs compare: the page's sharing key (URL, method, credentials, body, static headers) with
 * the explicit key, if any. A headers function, a custom `fetch` or a body other than a string only
 * compare within a page, and two tabs may hold different users' tokens: those need an explicit key.
 */
export function tabsKey({ key, url, options }: ShareRequest, explicit: string | undefined): string {
  const { headers, fetch, body, method = 'GET', credentials } = options
  const comparable =
    typeof headers !== 'function' && !fetch && (body === undefined || typeof body === 'string')
  if (!comparable && explicit === undefined) {
    throw new TypeError(
      "typed-sse/tabs: a headers function, a custom fetch or a body that is not a string cannot be compared across tabs, which may hold other users' credentials: give an explicit key, e.g. share: tabs.key('user-42')",
    )
  }
  return JSON.stringify(comparable ? [key, explicit] : [url, method.toUpperCase(), credentials, explicit])
}

/** `typed-sse:` and the SHA-256 of `key` in hex: the name of the key's Web Lock and BroadcastChannel. */
export async function channelName(key: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key))
  let hex = ''
  for (const byte of new Uint8Array(digest)) hex += byte.toString(16).padStart(2, '0')
  return `typed-sse:${hex}`
}
