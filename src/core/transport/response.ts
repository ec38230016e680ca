import { parseRetryAfter } from '../connection/retry'
import { EventStreamError, kindOf } from '../errors'

/**
 * What a response means for the stream:
 * - `open`: a 2xx `text/event-stream` with a body to read;
 * - `done`: a 204, the server's "this stream is finished": close for good, without an error;
 * - `failed`: an error for the retry policy to judge (see `isRetryableByDefault`), with the wait that a
 *   429 or 503 asked for in `Retry-After`.
 */
export type ResponseOutcome =
  | { kind: 'open'; body: ReadableStream<Uint8Array | string> }
  | { kind: 'done' }
  | { kind: 'failed'; error: EventStreamError; retryAfter?: number }

/**
 * Classifies what `fetch` resolved to. It trusts nothing about its shape: a custom `fetch` (a polyfill,
 * React Native, a test double) may return an object without `ok`, with headers as a plain object, or a
 * body that is a string; anything unusable becomes a clear `network` error. `request` names the request
 * in messages (method and redacted URL); `url` is the full URL for `EventStreamError.url`.
 */
export function classifyResponse(response: unknown, request: string, url: string): ResponseOutcome {
  const failed = (code: 'network' | 'http' | 'content-type', message: string, status?: number) =>
    new EventStreamError(code, `${request} ${message}`, status === undefined ? { url } : { url, status })
  if (typeof response !== 'object' || response === null) {
    return {
      kind: 'failed',
      error: failed('network', `failed: fetch resolved to ${kindOf(response)}, not a Response`),
    }
  }
  const { status, statusText } = response as Partial<Response>
  if (typeof status !== 'number') {
    return { kind: 'failed', error: failed('network', 'failed: the response has no numeric status') }
  }
  if (status === 204) return { kind: 'done' }
  if (status < 200 || status > 299) {
    const text = typeof statusText === 'string' && statusText ? ` ${statusText}` : ''
    const error = failed('http', `failed with HTTP ${status}${text}`, status)
    const retryAfter =
      status === 429 || status === 503 ? parseRetryAfter(header(response, 'retry-after')) : undefined
    return retryAfter === undefined ? { kind: 'failed', error } : { kind: 'failed', error, retryAfter }
  }
  const contentType = header(response, 'content-type')
  if (!/^\s*text\/event-stream\s*(;|$)/i.test(contentType ?? '')) {
    const message = `answered with content type ${JSON.stringify(contentType ?? '')} instead of text/event-stream: check the URL and the server's response headers`
    return { kind: 'failed', error: failed('content-type', message) }
  }
  const { body } = response as { body?: unknown }
  if (!isReadableStream(body)) {
    const message = `failed: the response body is ${kindOf(body)}, not a ReadableStream (a custom fetch must return a web Response)`
    return { kind: 'failed', error: failed('network', message) }
  }
  return { kind: 'open', body }
}

/** Releases a response that will not be read; never throws, whatever the response is. */
export function discard(response: unknown): void {
  const body = (response as { body?: unknown } | null | undefined)?.body
  if (!isReadableStream(body) || body.locked) return
  try {
    body.cancel().catch(() => {})
  } catch {
    // a body whose cancel() throws has nothing left to release
  }
}

/** A header of a response whose `headers` may be a `Headers`, anything with `get`, or missing. */
function header(response: object, name: string): string | null {
  const { headers } = response as { headers?: { get?: unknown } }
  if (typeof headers?.get !== 'function') return null
  const value: unknown = headers.get(name)
  return typeof value === 'string' ? value : null
}

function isReadableStream(value: unknown): value is ReadableStream<Uint8Array | string> {
  return typeof (value as ReadableStream | null | undefined)?.getReader === 'function'
}
