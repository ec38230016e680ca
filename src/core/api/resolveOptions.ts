import { defaultRetryOptions, type RetryPolicy } from '../connection/retry'
import { createDecoder, type Decoder } from '../delivery/decode'
import { toHeaders } from '../transport/headers'
import { resolveUrl } from '../transport/url'
import type { EventMap } from '../types'
import { assertNumber, assertOneOf, assertType, invalidOption } from './assert'
import type { EventStreamOptions, HeadersOption, RawEvent, ShareStrategy, StorageLike } from './options'

/** The default `maxEventSize`: 4 MiB of text. */
export const DEFAULT_MAX_EVENT_SIZE = 4 * 1024 * 1024

/** The default `doneWhen` of finite streams: the `[DONE]` marker of OpenAI-compatible APIs. */
export const isDoneMarker = (event: RawEvent): boolean => event.raw === '[DONE]'

/**
 * A connection's options, validated and with every default filled in: what a connection and its key read,
 * never the user's object.
 */
export interface ConnectionConfig {
  /** The absolute URL, without its fragment. */
  readonly url: string
  readonly method: string
  readonly body: BodyInit | undefined
  readonly credentials: RequestCredentials | undefined
  readonly redirect: RequestRedirect | undefined
  /** Static headers, checked, or the function that gives them per attempt. */
  readonly headers: Headers | Exclude<HeadersOption, HeadersInit>
  readonly fetch: typeof fetch | undefined
  readonly retry: RetryPolicy | false
  /** The first request's resume point, when given (else the persisted one, else ''). */
  readonly lastEventId: string | undefined
  readonly idleTimeout: number | undefined
  readonly maxEventSize: number
  readonly persist: 'session' | 'local' | StorageLike | undefined
  readonly pauseWhenHidden: number | undefined
  readonly lastEventIdParam: string | undefined
  readonly finite: boolean
  readonly doneWhen: EventStreamOptions['doneWhen']
  readonly reconnectRequest: EventStreamOptions['reconnectRequest']
}

/** Everything a stream needs, resolved from the user's options before anything starts. */
export interface ResolvedOptions {
  readonly connection: ConnectionConfig
  /** This consumer's decoder. */
  readonly decode: Decoder
  readonly signal: AbortSignal | undefined
  readonly share: false | 'page' | ShareStrategy
}

const NUMBERS = { initialDelay: 0, maxDelay: 0, factor: 1, maxAttempts: 1, resetAfter: 0 } as const

/**
 * Validates every option, fills the defaults and builds the decoder, with nothing started yet: an invalid
 * option throws a `TypeError` that names it and says what to pass, never quoting a string or object value
 * (options hold tokens). `share` is used when `options.share` is absent.
 */
export function resolveOptions<E extends EventMap>(
  url: string | URL,
  options: EventStreamOptions<E> | undefined,
  share: false | 'page',
): ResolvedOptions {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    invalidOption('options', 'an object', options)
  }
  const { decode, signal, share: shareOption = share, ...connection } = options ?? {}
  if (shareOption !== false && shareOption !== 'page' && typeof shareOption?.connect !== 'function') {
    invalidOption('share', "false, 'page' or a strategy (tabs from typed-sse/tabs)", shareOption)
  }
  if (signal !== undefined && typeof signal?.addEventListener !== 'function') {
    invalidOption('signal', 'an AbortSignal', signal)
  }
  return {
    connection: resolveConnection(url, connection),
    decode: createDecoder(decode),
    signal,
    share: shareOption,
  }
}

/** Validates and fills in the options of a connection (see {@link resolveOptions}). */
export function resolveConnection(url: string | URL, options: EventStreamOptions): ConnectionConfig {
  const { method = 'GET', body, credentials, redirect, headers, fetch, lastEventId, persist } = options
  const { idleTimeout, maxEventSize = DEFAULT_MAX_EVENT_SIZE, pauseWhenHidden, lastEventIdParam } = options
  const { finite = !/^get$/i.test(method), doneWhen, reconnectRequest } = options
  const { resume } = options as { resume?: unknown }
  if (resume !== undefined) throw new TypeError('typed-sse: `resume` is named `persist` since typed-sse 0.2')
  assertMethod('method', method, body)
  assertOneOf('credentials', credentials, ['omit', 'same-origin', 'include'])
  assertOneOf('redirect', redirect, ['follow', 'error', 'manual'])
  assertType('fetch', fetch, 'function')
  assertType('lastEventId', lastEventId, 'string')
  if (idleTimeout !== undefined) assertNumber('idleTimeout', idleTimeout, 0, true)
  assertNumber('maxEventSize', maxEventSize, 0, true)
  if (pauseWhenHidden !== undefined) assertNumber('pauseWhenHidden', pauseWhenHidden, 0)
  if (lastEventIdParam !== undefined && (typeof lastEventIdParam !== 'string' || !lastEventIdParam)) {
    invalidOption('lastEventIdParam', 'a query parameter name', lastEventIdParam)
  }
  if (persist !== undefined && persist !== 'session' && persist !== 'local' && !isStorageLike(persist)) {
    invalidOption('persist', "'session', 'local' or an object with getItem, setItem and removeItem", persist)
  }
  assertType('finite', finite, 'boolean')
  assertType('doneWhen', doneWhen, 'function')
  assertType('reconnectRequest', reconnectRequest, 'function')
  return {
    url: resolveUrl(url),
    method,
    body,
    credentials,
    redirect,
    headers: typeof headers === 'function' ? headers : toHeaders(headers ?? {}, '`headers`'),
    fetch,
    retry: resolveRetry(options.retry),
    lastEventId,
    idleTimeout,
    maxEventSize,
    persist,
    pauseWhenHidden,
    lastEventIdParam,
    finite,
    doneWhen: doneWhen ?? (finite ? isDoneMarker : undefined),
    reconnectRequest,
  }
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/**
 * Checks a method as fetch would, once, with a message that says what to change: fetch would reject every
 * attempt, and the stream would retry a mistake forever.
 */
export function assertMethod(name: string, method: unknown, body: unknown): void {
  if (typeof method !== 'string' || !TOKEN.test(method) || /^(connect|trace|track)$/i.test(method)) {
    invalidOption(name, 'an HTTP method', method)
  }
  if (body != null && /^(get|head)$/i.test(method)) {
    invalidOption(name, 'POST (or another method) with a `body`', method)
  }
}

/** Fills in the retry defaults and rejects numbers a policy cannot use. */
function resolveRetry(retry: EventStreamOptions['retry']): RetryPolicy | false {
  if (retry === false) return false
  if (retry !== undefined && (typeof retry !== 'object' || retry === null)) {
    invalidOption('retry', 'an options object or false', retry)
  }
  const policy: RetryPolicy = { ...defaultRetryOptions, ...retry }
  // A factor below 1 would shrink the delay on every failure; fewer than 1 attempt means no request.
  for (const [name, min] of Object.entries(NUMBERS)) {
    assertNumber(`retry.${name}`, policy[name as keyof typeof NUMBERS], min)
  }
  assertType('retry.jitter', policy.jitter, 'boolean')
  assertType('retry.shouldRetry', policy.shouldRetry, 'function')
  return policy
}

function isStorageLike(value: unknown): value is StorageLike {
  const storage = value as Partial<StorageLike> | null
  return (
    typeof storage?.getItem === 'function' &&
    typeof storage.setItem === 'function' &&
    typeof storage.removeItem === 'function'
  )
}
