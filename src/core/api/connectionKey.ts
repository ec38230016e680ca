import { resolveUrl } from '../transport/url'
import type { ConnectionOptions } from './options'

/** What stands for a value compared by identity (a function, a stream body, FormData) in a key. */
export type Identify = (value: object) => unknown

const identities = new WeakMap<object, number>()
let nextIdentity = 0

/** A number standing for `value`: the same for the same object, only meaningful in this page. */
export function identity(value: object): number {
  let id = identities.get(value)
  if (id === undefined) {
    id = ++nextIdentity
    identities.set(value, id)
  }
  return id
}

/**
 * The one definition of "the same connection": two requests may share a connection only when their keys
 * are equal. The key holds the URL (resolved against the page), the method, credentials, body, headers
 * and `fetch`: strings, `URLSearchParams` bodies and static headers by value (headers in any spelling or
 * order), the rest (a headers function, `fetch`, other bodies) by `identify`. It may hold credentials:
 * never show or store it as it is.
 */
export function sharingKey(
  url: string | URL,
  options: ConnectionOptions,
  identify: Identify = identity,
): string {
  const { method = 'GET', body, credentials = '', headers, fetch } = options
  return JSON.stringify([
    resolveUrl(url),
    method.toUpperCase(),
    credentials,
    // A URLSearchParams body also sets a content type, so it never equals the same text as a string.
    typeof body === 'string'
      ? body
      : body instanceof URLSearchParams
        ? [String(body)]
        : body && identify(body),
    // Headers iterate sorted by lowercased name (Fetch spec "sort and combine"): equal sets give equal keys.
    typeof headers === 'function' ? identify(headers) : headers && [...new Headers(headers)],
    fetch && identify(fetch),
  ])
}
