import { assertNumber } from './assert'
import { createConsumers } from './consumers'
import type { EventStreamError } from './errors'
import { createFailures } from './failures'
import type { ConnectionOptions } from './options'
import { whenHiddenFor } from './pageEvents'
import { createParser } from './parse'
import { readBody } from './readBody'
import { createRequestBuilder } from './request'
import { classifyResponse, discard } from './response'
import { createResumeStore } from './resume'
import { normalizeRetryOptions, retryDelay, shouldRetry } from './retry'
import { createStateStore, initialState, type StateFields } from './state'
import { after, afterDelayOrOnline, type Cancel, watchIdle } from './timers'
import type { Connection } from './types'
import { resolveUrl } from './url'

/** The default `maxEventSize`: 4 MiB of text. */
export const DEFAULT_MAX_EVENT_SIZE = 4 * 1024 * 1024

/** One request and the reading of its response. Whatever arrives for an attempt that is no longer active is ignored. */
interface Attempt {
  active: boolean
  controller: AbortController
  /** What to stop when the attempt ends: its timers and its body reader. */
  stops: Cancel[]
}

/**
 * Opens a connection at once; it runs until `close()`. Each attempt goes: build the request (headers,
 * `Last-Event-ID`) → fetch → classify the response (`classifyResponse`: open, done, or failed) → read and
 * parse the body → end, and then the retry policy (`retry.ts`) decides between waiting for the next attempt
 * and closing. No attempt ever rejects: anything thrown in it becomes an `EventStreamError`.
 */
export function createConnection(url: string | URL, options: ConnectionOptions = {}): Connection {
  const href = resolveUrl(url)
  const request = createRequestBuilder(href, options)
  const policy = normalizeRetryOptions(options.retry)
  const { idleTimeout, maxEventSize = DEFAULT_MAX_EVENT_SIZE, pauseWhenHidden } = options
  if (idleTimeout !== undefined) assertNumber('idleTimeout', idleTimeout, 0, true)
  if (pauseWhenHidden !== undefined) assertNumber('pauseWhenHidden', pauseWhenHidden, 0)
  assertNumber('maxEventSize', maxEventSize, 0, true)
  const failures = createFailures(options.method ?? 'GET', href)

  const consumers = createConsumers()
  const store = createStateStore(initialState('connecting', options.lastEventId ?? ''))
  const { fields } = store
  const resume = createResumeStore(href, options, report)
  if (resume && options.lastEventId === undefined) store.setLastEventId(resume.read())
  let closedForGood = false
  let current: Attempt | undefined
  /** The wait for the next attempt. */
  let waiting: Cancel | undefined
  /** The server's `retry:` value, which replaces `initialDelay`. */
  let serverRetry: number | undefined
  /** Set while reading waits for backed-up consumers: calling it reads on. */
  let readOn: (() => void) | undefined
  /** Closed while the page is hidden (`pauseWhenHidden`); reconnects when it is visible again. */
  let paused = false
  /** Starts watching the page for `pauseWhenHidden` (again: a hidden page pauses after the delay). */
  const watchPage = () =>
    pauseWhenHidden === undefined ? undefined : whenHiddenFor(pauseWhenHidden, pause, unpause)
  let stopWatchingPage = watchPage()

  function setState(patch: Partial<StateFields>): void {
    if (store.set(patch)) consumers.state()
  }

  /** Reports a recoverable error: it becomes `state.error` and goes to every error listener. */
  function report(error: EventStreamError): void {
    setState({ error })
    consumers.error(error)
  }

  function startAttempt(): void {
    const attempt: Attempt = { active: true, controller: new AbortController(), stops: [] }
    current = attempt
    void run(attempt)
  }

  async function run(attempt: Attempt): Promise<void> {
    let secrets = request.urlSecrets
    const fail = (what: string, cause: unknown) => {
      if (attempt.active) end(attempt, failures.network(what, cause, secrets))
    }
    const watchdog =
      idleTimeout === undefined
        ? undefined
        : watchIdle(
            idleTimeout,
            () => end(attempt, failures.idle(idleTimeout)),
            () => readOn !== undefined,
          )
    if (watchdog) attempt.stops.push(watchdog.cancel)

    let response: unknown
    try {
      const built = await request.build(fields.lastEventId, attempt.controller.signal)
      if (!attempt.active) return
      secrets = built.secrets
      response = await (options.fetch ?? globalThis.fetch)(built.url, built.init)
    } catch (cause) {
      fail('request failed', cause)
      return
    }
    if (!attempt.active) {
      discard(response)
      return
    }
    let body: ReadableStream<Uint8Array | string>
    try {
      const outcome = classifyResponse(response, failures.where, href)
      if (outcome.kind !== 'open') {
        discard(response)
        if (outcome.kind === 'done') finish(attempt)
        else end(attempt, outcome.error, outcome.retryAfter)
        return
      }
      body = outcome.body
    } catch (cause) {
      fail('unreadable response', cause) // a response whose getters throw
      return
    }
    setState({ status: 'open', error: undefined, retryDelay: undefined })
    if (!attempt.active) {
      discard(response) // a state listener closed or reconnected as the stream opened
      return
    }
    if (policy && fields.attempt !== 0)
      attempt.stops.push(after(policy.resetAfter, () => setState({ attempt: 0 })))
    try {
      await read(attempt, body, watchdog?.touch)
    } catch (cause) {
      fail('connection lost', cause)
      return
    }
    if (attempt.active) end(attempt, undefined)
  }

  /**
   * Reads and parses `body` until it ends or the attempt does; each attempt has a parser of its own.
   * A new last event ID is in `state` at once; consumers hear of it once per chunk, not once per event.
   */
  function read(
    attempt: Attempt,
    body: ReadableStream<Uint8Array | string>,
    touch?: () => void,
  ): Promise<void> {
    let idChanged = false
    const parser = createParser(
      {
        onEvent(type, data, id) {
          if (attempt.active) consumers.event(type, data, id)
        },
        onLastEventId(id) {
          if (!attempt.active) return
          store.setLastEventId(id)
          resume?.write(id)
          idChanged = true
        },
        onRetry(delay) {
          serverRetry = delay
        },
        onTooLarge(type, preview) {
          if (attempt.active) report(failures.tooLarge(type, preview, maxEventSize))
        },
      },
      { lastEventId: fields.lastEventId, maxEventSize },
    )
    return readBody(body, {
      active: () => attempt.active,
      onCancel: (cancel) => attempt.stops.push(cancel),
      onText(text) {
        touch?.()
        parser.feed(text)
        if (idChanged && attempt.active) consumers.state()
        idChanged = false
      },
      ready: () => (consumers.backedUp() ? new Promise<void>((resolve) => (readOn = resolve)) : undefined),
    })
  }

  /** Lets a read that waits for backed-up consumers go on. */
  function drained(): void {
    const resume = readOn
    readOn = undefined
    resume?.()
  }

  function stop(attempt: Attempt): void {
    attempt.active = false
    drained() // a read waiting for consumers sees the attempt is over
    attempt.controller.abort()
    for (const cancel of attempt.stops) cancel()
    if (current === attempt) current = undefined
  }

  /**
   * Ends `attempt`, failed with `error` (`undefined`: the server ended the body), and either waits for the
   * next attempt or closes, as the retry policy says. A connection that ended before `resetAfter` counts as
   * a failed attempt too, so that a flapping server backs off like a failing one.
   */
  function end(attempt: Attempt, error: EventStreamError | undefined, retryAfter?: number): void {
    stop(attempt)
    const count = fields.attempt + 1
    const retrying = !closedForGood && shouldRetry(policy, error, count)
    const delay = retrying && policy ? retryDelay(policy, count, serverRetry, retryAfter) : undefined
    setState({
      status: delay === undefined ? 'closed' : 'reconnecting',
      attempt: count,
      retryDelay: delay,
      ...(error && { error }),
    })
    if (error) consumers.error(error)
    if (closedForGood || current !== undefined) return // a listener called close() or reconnect()
    if (delay === undefined) consumers.closed(error)
    else
      waiting = afterDelayOrOnline(delay, () => {
        waiting = undefined
        startAttempt()
      })
  }

  /** Closes without an error: a 204 (`attempt` set; the stored resume point goes too), or `close()`. */
  function finish(attempt?: Attempt): void {
    if (attempt) {
      stop(attempt)
      resume?.clear()
    }
    setState({ status: 'closed', retryDelay: undefined })
    consumers.closed(undefined)
  }

  /** The page has been hidden for `pauseWhenHidden` ms: close until it is visible again. */
  function pause(): void {
    if (closedForGood || fields.status === 'closed') return
    stopAll()
    paused = true
    setState({ status: 'reconnecting', retryDelay: undefined })
  }

  /** The page is visible again: reconnect at once, resuming after the last event ID. */
  function unpause(): void {
    if (!paused) return
    paused = false
    setState({ status: 'connecting', attempt: 0, retryDelay: undefined })
    startAttempt()
  }

  /** Stops whatever runs now: the attempt in progress or the wait for the next one. */
  function stopAll(): void {
    if (current) stop(current)
    waiting?.()
    waiting = undefined
  }

  startAttempt()

  return {
    url: href,
    get state() {
      return store.snapshot()
    },
    get status() {
      return fields.status
    },
    attach(listener) {
      const detach = consumers.add(listener)
      return () => {
        detach()
        drained() // the consumers left may not be backed up
      }
    },
    drained,
    reconnect() {
      if (closedForGood) return
      stopAll()
      paused = false
      // Reconnecting while hidden: pause again after the delay, unless the page shows first.
      stopWatchingPage?.()
      stopWatchingPage = watchPage()
      setState({ status: 'connecting', attempt: 0, retryDelay: undefined })
      if (!closedForGood && current === undefined) startAttempt() // unless a state listener did either
    },
    close() {
      if (closedForGood) return
      closedForGood = true
      stopAll()
      stopWatchingPage?.()
      resume?.close()
      finish()
      consumers.clear()
    },
  }
}
