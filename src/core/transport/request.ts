import { assertOneOf, invalidOption } from '../api/assert'
import type { ConnectionOptions } from '../api/options'
import { EventStreamError, kindOf, reasonOf } from '../errors'
import { scrub, secretsOf } from './url'

/** One attempt's request: what goes to `fetch`, and the values its error messages must not quote. */
export interface AttemptRequest {
  /** The URL, with the resume point as a query parameter when `lastEventIdParam` asks for one. */
  url: string
  init: RequestInit
  /** Query values and header values of this request. */
  secrets: string[]
}

/** Builds each attempt's request. Created with the connection, so that invalid options throw at once. */
export interface RequestBuilder {
  /** The URL's values that messages must not quote (query values, user name, password). */
  readonly urlSecrets: readonly string[]
  /**
   * The request of the next attempt, resuming after `lastEventId`. Rejects with a `headers`
   * `EventStreamError` when the `headers` function throws or returns something that is not headers.
   */
  build(lastEventId: string, signal: AbortSignal): Promise<AttemptRequest>
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/**
 * Checks the request options the way fetch would, but once and with a `TypeError` that says what to
 * change: fetch would reject every attempt, and the stream would retry a mistake forever.
 */
export function createRequestBuilder(href: string, options: ConnectionOptions): RequestBuilder {
  const { method = 'GET', body, credentials, headers, redirect, lastEventIdParam } = options
  if (typeof method !== 'string' || !TOKEN.test(method) || /^(connect|trace|track)$/i.test(method)) {
    invalidOption('method', 'an HTTP method', method)
  }
  if (body != null && /^(get|head)$/i.test(method))
    invalidOption('method', 'POST (or another method) with a `body`', method)
  assertOneOf('credentials', credentials, ['omit', 'same-origin', 'include'])
  assertOneOf('redirect', redirect, ['follow', 'error', 'manual'])
  if (lastEventIdParam !== undefined && (typeof lastEventIdParam !== 'string' || lastEventIdParam === '')) {
    invalidOption('lastEventIdParam', 'a query parameter name', lastEventIdParam)
  }
  const staticHeaders = typeof headers === 'function' ? undefined : toHeaders(headers ?? {}, 'static')
  const urlSecrets = secretsOf(href)

  return {
    urlSecrets,
    async build(lastEventId, signal) {
      const requestHeaders =
        typeof headers === 'function' ? await callHeaders(headers, urlSecrets) : new Headers(staticHeaders)
      const secrets = [...urlSecrets, ...requestHeaders.values()]
      requestHeaders.set('accept', 'text/event-stream')
      requestHeaders.delete('last-event-id')
      let url = href
      if (lastEventId !== '' && lastEventIdParam !== undefined) {
        const withId = new URL(href)
        withId.searchParams.set(lastEventIdParam, lastEventId)
        url = withId.href
      } else if (lastEventId !== '') requestHeaders.set('last-event-id', lastEventId)
      const init: RequestInit = { method, headers: requestHeaders, cache: 'no-store', signal }
      if (body != null) init.body = body
      if (credentials !== undefined) init.credentials = credentials
      if (redirect !== undefined) init.redirect = redirect
      return { url, init, secrets }
    },
  }
}

/** Calls a `headers` function; whatever goes wrong becomes one `headers` error. */
async function callHeaders(headers: () => unknown, urlSecrets: readonly string[]): Promise<Headers> {
  let init: unknown
  try {
    init = await headers()
  } catch (cause) {
    const reason = scrub(reasonOf(cause), urlSecrets)
    throw new EventStreamError('headers', `typed-sse: the \`headers\` function threw: ${reason}`, { cause })
  }
  try {
    return toHeaders(init === undefined ? {} : init, 'function')
  } catch (cause) {
    throw new EventStreamError('headers', (cause as Error).message, { cause })
  }
}

/**
 * `init` as `Headers`, or a `TypeError` that names the invalid header but never quotes a value (values
 * are often tokens). `source` says where `init` came from, for the message.
 */
function toHeaders(init: unknown, source: 'static' | 'function'): Headers {
  const where = source === 'static' ? '`headers`' : 'the `headers` function'
  const expected = 'an object, [name, value] pairs or Headers'
  if (typeof init !== 'object' || init === null) {
    throw new TypeError(`typed-sse: ${where} gave ${kindOf(init)}, not ${expected}`)
  }
  try {
    return new Headers(init as HeadersInit)
  } catch {
    const name = invalidHeaderName(init)
    throw new TypeError(
      name === undefined
        ? `typed-sse: ${where} gave something other than ${expected}`
        : `typed-sse: invalid header ${JSON.stringify(name)} from ${where} (the value is not shown): a name must be a token, a value must not contain CR, LF or NUL`,
    )
  }
}

/** The name of the first header of `init` that fetch rejects; `undefined` when `init` is not made of pairs. */
function invalidHeaderName(init: object): string | undefined {
  const pairs: unknown[] = Symbol.iterator in init ? [...(init as Iterable<unknown>)] : Object.entries(init)
  for (const pair of pairs) {
    if (!Array.isArray(pair) || pair.length !== 2) return undefined
    const [name, value] = pair.map(String) as [string, string]
    try {
      new Headers([[name, value]])
    } catch {
      return name
    }
  }
  return undefined
}
