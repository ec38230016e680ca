import type { ReconnectContext, ReconnectRequest } from '../api/options'
import { assertMethod, type ConnectionConfig } from '../api/resolveOptions'
import { EventStreamError, reasonOf } from '../errors'
import { toHeaders } from './headers'
import { scrub, secretsOf } from './url'

/** One attempt's request: what goes to `fetch`, and the values its error messages must not quote. */
export interface AttemptRequest {
  /** The URL, with the resume point as a query parameter when `lastEventIdParam` asks for one. */
  url: string
  init: RequestInit
  /** Query values and header values of this request. */
  secrets: string[]
}

/** Builds each attempt's request from the connection's resolved options. */
export interface RequestBuilder {
  /** The URL's values that messages must not quote (query values, user name, password). */
  readonly urlSecrets: readonly string[]
  /**
   * The request of the next attempt, resuming after `lastEventId`; with `resume`, the one that
   * `reconnectRequest` gives for it (`false`: it declined). Rejects with a `headers` or `request`
   * `EventStreamError` when the `headers` function or `reconnectRequest` fails.
   */
  build(lastEventId: string, signal: AbortSignal, resume?: ReconnectContext): Promise<AttemptRequest | false>
}

export function createRequestBuilder(config: ConnectionConfig): RequestBuilder {
  const { url: href, headers, reconnectRequest, lastEventIdParam } = config
  const urlSecrets = secretsOf(href)

  return {
    urlSecrets,
    async build(lastEventId, signal, resume) {
      const override =
        resume && reconnectRequest ? await callReconnectRequest(config, resume, urlSecrets) : {}
      if (override === false) return false
      const requestHeaders =
        typeof headers === 'function' ? await callHeaders(headers, urlSecrets) : new Headers(headers)
      for (const [name, value] of override.headers ?? []) requestHeaders.set(name, value)
      let url = override.url ?? href
      const secrets = [...urlSecrets, ...secretsOf(url), ...requestHeaders.values()]
      requestHeaders.set('accept', 'text/event-stream')
      requestHeaders.delete('last-event-id')
      if (lastEventId !== '' && lastEventIdParam !== undefined) {
        const withId = new URL(url)
        withId.searchParams.set(lastEventIdParam, lastEventId) // percent-encoded as UTF-8
        url = withId.href
      } else if (lastEventId !== '') requestHeaders.set('last-event-id', utf8Bytes(lastEventId))
      const init: RequestInit = { method: override.method ?? config.method, headers: requestHeaders, signal }
      init.cache = 'no-store'
      const body = override.body === undefined ? config.body : override.body
      if (body != null) init.body = body
      if (config.credentials !== undefined) init.credentials = config.credentials
      if (config.redirect !== undefined) init.redirect = config.redirect
      return { url, init, secrets }
    },
  }
}

/** A resume request as the builder merges it: the URL resolved, the headers checked. */
interface Override {
  url?: string
  method?: string
  body?: BodyInit | null
  headers?: Headers
}

/**
 * Calls `reconnectRequest` and checks what it gives: a URL (resolved against the original), a method
 * (GET or HEAD drop the original body), a body and headers. Anything invalid is a `request` error.
 */
async function callReconnectRequest(
  config: ConnectionConfig,
  context: ReconnectContext,
  urlSecrets: readonly string[],
): Promise<Override | false> {
  const reconnectRequest = config.reconnectRequest as NonNullable<ConnectionConfig['reconnectRequest']>
  const given = await callUser(() => reconnectRequest(context), 'request', '`reconnectRequest`', urlSecrets)
  if (given === false) return false
  try {
    if (typeof given !== 'object' || given === null) throw new TypeError('it must return an object or false')
    const { url, method, body, headers } = given as ReconnectRequest
    const override: Override = {}
    if (url !== undefined) override.url = new URL(url, config.url).href
    if (method !== undefined) {
      assertMethod('reconnectRequest().method', method, body ?? null)
      override.method = method
      if (/^(get|head)$/i.test(method)) override.body = null
    }
    if (body !== undefined) override.body = body
    if (headers !== undefined) override.headers = toHeaders(headers, '`reconnectRequest`')
    return override
  } catch (cause) {
    throw new EventStreamError(
      'request',
      `typed-sse: invalid \`reconnectRequest\` result: ${reasonOf(cause)}`,
      {
        cause,
      },
    )
  }
}

/** Calls a user's function of the request; whatever it throws becomes one `code` error. */
async function callUser(
  call: () => unknown,
  code: 'headers' | 'request',
  name: string,
  urlSecrets: readonly string[],
): Promise<unknown> {
  try {
    return await call()
  } catch (cause) {
    throw new EventStreamError(code, `typed-sse: ${name} threw: ${scrub(reasonOf(cause), urlSecrets)}`, {
      cause,
    })
  }
}

/** Calls a `headers` function; whatever goes wrong becomes one `headers` error. */
async function callHeaders(headers: () => unknown, urlSecrets: readonly string[]): Promise<Headers> {
  const name = 'the `headers` function'
  const init = await callUser(headers, 'headers', name, urlSecrets)
  try {
    return toHeaders(init === undefined ? {} : init, name)
  } catch (cause) {
    throw new EventStreamError('headers', (cause as Error).message, { cause })
  }
}

/**
 * `id` as fetch takes a header value: one character per UTF-8 byte, so that any event ID is sent as its
 * UTF-8 bytes (WHATWG), not rejected (`€`) or sent as one Latin-1 byte (`é`).
 */
function utf8Bytes(id: string): string {
  let bytes = ''
  for (const byte of new TextEncoder().encode(id)) bytes += String.fromCharCode(byte)
  return bytes
}
