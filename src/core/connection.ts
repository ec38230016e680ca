import { assertNumber } from './assert'
import { EventStreamError, reasonOf } from './errors'
import { createEventStreamDecoder, createParser } from './parse'
import { backoffDelay, isRetryableByDefault, normalizeRetryOptions, parseRetryAfter } from './retry'
import type { ConnectionOptions, StreamState } from './types'

/** What a consumer of a connection hears: raw events, errors, state changes and the end. */
export interface ConnectionListener {
  event(type: string, raw: string, id: string): void
  error(error: EventStreamError): void
  state(): void
  /** The connection closed: by `close()`, a 204, or a fatal error (then `error` is set). */
  closed(error: EventStreamError | undefined): void
}

/**
 * One HTTP event-stream connection and its life: request, parse, reconnect with backoff, resume with
 * `Last-Event-ID`. It emits raw events; decoding belongs to each consumer, so that a connection can be
 * shared by consumers with different decoders.
 */
export interface Connection {
  /** The absolute URL this connection requests. */
  readonly url: string
  readonly state: StreamState
  /** `state.status`, without building a snapshot. */
  readonly status: StreamState['status']
  attach(listener: ConnectionListener): () => void
  reconnect(): void
  close(): void
}

/** The default `maxEventSize`: 4 MiB of text. */
export const DEFAULT_MAX_EVENT_SIZE = 4 * 1024 * 1024

/** Timers fire at once beyond 2^31 - 1 ms (~24.8 days): longer waits (a huge Retry-After) are capped to it. */
const MAX_TIMER_DELAY = 2 ** 31 - 1

/** Resolves `url` against the page's location (in browsers) and rejects what fetch could never request. */
export function resolveUrl(url: string | URL): string {
  const base = (globalThis as { location?: { href?: string } }).location?.href
  try {
    return new URL(url, base).href
  } catch {
    throw new TypeError(
      `typed-sse: invalid URL ${JSON.stringify(String(url))}${base ? '' : ' (outside a browser, pass an absolute URL)'}`,
    )
  }
}

/** Opens a connection at once; it runs until `close()`. */
export function createConnection(url: string | URL, options: ConnectionOptions = {}): Connection {
  const href = resolveUrl(url)
  const {
    method = 'GET',
    body,
    credentials,
    headers,
    idleTimeout,
    maxEventSize = DEFAULT_MAX_EVENT_SIZE,
  } = options
  const policy = normalizeRetryOptions(options.retry)
  if (idleTimeout !== undefined) assertNumber('idleTimeout', idleTimeout, 0, true)
  assertNumber('maxEventSize', maxEventSize, 0, true)

  const listeners = new Set<ConnectionListener>()
  /** The live state. Changes go through `setState` (or set `lastEventId` and drop the snapshot). */
  const fields: StateFields = {
    status: 'connecting',
    lastEventId: options.lastEventId ?? '',
    attempt: 0,
    error: undefined,
    retryDelay: undefined,
  }
  /**
   * The immutable copy of `fields` that `state` hands out, built lazily: a new last event ID (hot, one
   * per event) only makes a new snapshot when someone reads `state`. `undefined` after a change.
   */
  let snapshot: StreamState | undefined
  let closedForGood = false
  /** Bumped whenever an attempt ends, so that late results of an old attempt are ignored. */
  let generation = 0
  let controller: AbortController | undefined
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let idleTimer: ReturnType<typeof setTimeout> | undefined
  let lastActivity = 0
  let stopWaitingForOnline: (() => void) | undefined
  /** The server's `retry:` value, which replaces `initialDelay`. */
  let serverRetryDelay: number | undefined
  /** The generation whose body the parser is reading; events of an ended attempt are dropped. */
  let readingGeneration = -1

  const parser = createParser(
    {
      onEvent(type, data, id) {
        if (readingGeneration !== generation) return
        if (fields.attempt !== 0) setState({ attempt: 0 })
        for (const listener of listeners) listener.event(type, data, id)
      },
      onLastEventId(id) {
        if (readingGeneration !== generation) return
        fields.lastEventId = id
        snapshot = undefined
        for (const listener of listeners) listener.state()
      },
      onRetry(delay) {
        serverRetryDelay = delay
      },
      onTooLarge(type, preview) {
        if (readingGeneration !== generation) return
        report(
          new EventStreamError(
            'too-large',
            `Dropped a "${type}" event from ${href}: larger than maxEventSize (${maxEventSize} characters)`,
            { event: { type, raw: preview } },
          ),
        )
      },
    },
    { lastEventId: fields.lastEventId, maxEventSize },
  )

  /** The current snapshot: the same object until something changed. */
  function currentState(): StreamState {
    snapshot ??= buildState(fields)
    return snapshot
  }

  /** Applies `patch` (a key present with `undefined` clears that field); listeners hear only real changes. */
  function setState(patch: StatePatch): void {
    const keys = Object.keys(patch) as (keyof StatePatch)[]
    if (keys.every((key) => fields[key] === patch[key])) return
    Object.assign(fields, patch)
    snapshot = undefined
    for (const listener of listeners) listener.state()
  }

  /** Reports a recoverable error: it becomes `state.error` and goes to every error listener. */
  function report(error: EventStreamError): void {
    setState({ error })
    for (const listener of listeners) listener.error(error)
  }

  /**
   * Ends the current attempt: aborts its request and clears its timers. (Each of these is harmless to
   * repeat, so the handles are simply replaced by the next attempt.)
   */
  function stopAttempt(): void {
    generation++
    controller?.abort()
    clearTimeout(retryTimer)
    clearTimeout(idleTimer)
    stopWaitingForOnline?.()
  }

  async function connect(): Promise<void> {
    const attemptGeneration = generation
    const request = new AbortController()
    controller = request
    watchIdle(attemptGeneration)

    let response: Response
    try {
      const init: RequestInit = {
        method,
        headers: await requestHeaders(),
        cache: 'no-store',
        signal: request.signal,
      }
      if (body !== undefined) init.body = body
      if (credentials !== undefined) init.credentials = credentials
      if (attemptGeneration !== generation) return
      response = await (options.fetch ?? globalThis.fetch)(href, init)
    } catch (cause) {
      if (attemptGeneration === generation) fail(networkError(cause))
      return
    }
    if (attemptGeneration !== generation) {
      discard(response)
      return
    }
    if (response.status === 204) {
      discard(response)
      stopAttempt()
      finish()
      return
    }
    if (!response.ok) {
      discard(response)
      const retryAfter =
        response.status === 429 || response.status === 503
          ? parseRetryAfter(response.headers.get('retry-after'))
          : undefined
      const statusText = response.statusText ? ` ${response.statusText}` : ''
      fail(
        new EventStreamError('http', `${method} ${href} failed with HTTP ${response.status}${statusText}`, {
          status: response.status,
        }),
        retryAfter,
      )
      return
    }
    const contentType = response.headers.get('content-type')
    if (!isEventStream(contentType)) {
      discard(response)
      fail(
        new EventStreamError(
          'content-type',
          `${method} ${href} answered with content type ${JSON.stringify(contentType ?? '')} instead of text/event-stream: check the URL and the server's response headers`,
        ),
      )
      return
    }
    setState({ status: 'open', error: undefined, retryDelay: undefined })
    if (attemptGeneration !== generation) {
      discard(response) // a state listener closed or reconnected as the stream opened
      return
    }
    await read(response, attemptGeneration, request.signal)
  }

  async function read(response: Response, attemptGeneration: number, signal: AbortSignal): Promise<void> {
    parser.reset()
    readingGeneration = attemptGeneration
    const decode = createEventStreamDecoder()
    const reader = response.body?.getReader()
    // Ending the attempt cancels the body itself, also when a custom `fetch` ignores the abort signal.
    signal.addEventListener('abort', () => reader?.cancel().catch(() => {}), { once: true })
    try {
      while (reader) {
        const { done, value } = await reader.read()
        if (attemptGeneration !== generation) return
        if (done) break
        lastActivity = Date.now()
        parser.feed(decode(value))
        if (attemptGeneration !== generation) return
      }
    } catch (cause) {
      if (attemptGeneration === generation) fail(networkError(cause, 'connection lost'))
      return
    }
    stopAttempt()
    retryOrClose(undefined)
  }

  async function requestHeaders(): Promise<Headers> {
    const init = typeof headers === 'function' ? await headers() : headers
    const result = new Headers(init)
    result.set('accept', 'text/event-stream')
    if (fields.lastEventId !== '') result.set('last-event-id', fields.lastEventId)
    else result.delete('last-event-id')
    return result
  }

  function networkError(cause: unknown, what = 'request failed'): EventStreamError {
    return new EventStreamError('network', `${method} ${href}: ${what} (${reasonOf(cause)})`, { cause })
  }

  /** An attempt failed with `error`: retry it or, when the policy says no, close with it. */
  function fail(error: EventStreamError, retryAfter?: number): void {
    stopAttempt()
    retryOrClose(error, retryAfter)
  }

  /** After an attempt ended (`error` undefined: the server ended the body), schedules the next or closes. */
  function retryOrClose(error: EventStreamError | undefined, retryAfter?: number): void {
    const attempt = fields.attempt + 1
    const retrying = shouldRetry(error, attempt)
    // At least 1 ms, so that consecutive failures still grow the delay after `retry: 0` (no tight loop).
    const base = Math.max(1, serverRetryDelay ?? (policy ? policy.initialDelay : 0))
    const delay =
      retrying && policy ? Math.max(retryAfter ?? 0, backoffDelay(policy, attempt - 1, base)) : undefined
    setState({
      status: retrying ? 'reconnecting' : 'closed',
      attempt,
      retryDelay: delay,
      ...(error && { error }),
    })
    const current = generation
    if (error) for (const listener of listeners) listener.error(error)
    if (current !== generation || closedForGood) return // an error listener called reconnect() or close()
    if (delay === undefined) for (const listener of listeners) listener.closed(error)
    else scheduleAttempt(delay)
  }

  function shouldRetry(error: EventStreamError | undefined, attempt: number): boolean {
    if (policy === false || closedForGood || attempt > policy.maxAttempts) return false
    if (error === undefined) return true
    if (!policy.shouldRetry) return isRetryableByDefault(error)
    try {
      return policy.shouldRetry(error, attempt)
    } catch {
      return false
    }
  }

  /** Waits `delay` ms, or while the browser is offline, for its `online` event. */
  function scheduleAttempt(delay: number): void {
    const scope = globalThis as { navigator?: { onLine?: boolean } } & Partial<EventTarget>
    if (scope.navigator?.onLine === false && typeof scope.addEventListener === 'function') {
      const onOnline = () => void connect()
      scope.addEventListener('online', onOnline, { once: true })
      stopWaitingForOnline = () => scope.removeEventListener?.('online', onOnline)
      return
    }
    retryTimer = setTimeout(() => void connect(), Math.min(delay, MAX_TIMER_DELAY))
  }

  /** Aborts the attempt when no bytes arrive for `idleTimeout` ms (one timer, re-armed lazily). */
  function watchIdle(attemptGeneration: number): void {
    if (idleTimeout === undefined) return
    lastActivity = Date.now()
    const check = () => {
      if (attemptGeneration !== generation) return
      const idle = Date.now() - lastActivity
      if (idle < idleTimeout) {
        idleTimer = setTimeout(check, Math.min(idleTimeout - idle, MAX_TIMER_DELAY))
        return
      }
      fail(new EventStreamError('idle-timeout', `No data from ${href} for ${idleTimeout} ms: reconnecting`))
    }
    idleTimer = setTimeout(check, Math.min(idleTimeout, MAX_TIMER_DELAY))
  }

  /** Closes without error (a 204 or `close()`). */
  function finish(): void {
    setState({ status: 'closed', retryDelay: undefined })
    for (const listener of listeners) listener.closed(undefined)
  }

  void connect()

  return {
    url: href,
    get state() {
      return currentState()
    },
    get status() {
      return fields.status
    },
    attach(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    reconnect() {
      if (closedForGood) return
      stopAttempt()
      setState({ status: 'connecting', attempt: 0, retryDelay: undefined })
      void connect()
    },
    close() {
      if (closedForGood) return
      closedForGood = true
      stopAttempt()
      finish()
      listeners.clear()
    },
  }
}

/** Whether a Content-Type header names `text/event-stream` (parameters such as charset allowed). */
function isEventStream(contentType: string | null): boolean {
  return /^\s*text\/event-stream\s*(;|$)/i.test(contentType ?? '')
}

/** Releases a response we will not read. */
function discard(response: Response): void {
  response.body?.cancel().catch(() => {})
}

/** The fields of a state, where `undefined` means an optional field is absent. */
interface StateFields {
  status: StreamState['status']
  lastEventId: string
  attempt: number
  error: EventStreamError | undefined
  retryDelay: number | undefined
}

/** A change of state (the last event ID changes apart, see `onLastEventId`). */
type StatePatch = Partial<Omit<StateFields, 'lastEventId'>>

/** A snapshot without `undefined` optional fields, built field by field (cheaper than a spread copy). */
function buildState(fields: Readonly<StateFields>): StreamState {
  const { status, lastEventId, attempt, error, retryDelay } = fields
  const state: StreamState = { status, lastEventId, attempt }
  if (error !== undefined) state.error = error
  if (retryDelay !== undefined) state.retryDelay = retryDelay
  return state
}
