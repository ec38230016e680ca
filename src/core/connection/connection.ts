import { assertNumber } from '../api/assert'
import type { ConnectionOptions } from '../api/options'
import type { EventStreamError } from '../errors'
import { Attempt, type AttemptHost, runAttempt } from '../transport/attempt'
import { createFailures } from '../transport/failures'
import { createRequestBuilder } from '../transport/request'
import { resolveUrl } from '../transport/url'
import type { Connection } from '../types'
import { Consumers } from './consumers'
import { whenHiddenFor } from './pageEvents'
import { createResumeStore } from './persist'
import { normalizeRetryOptions, retryDelay, shouldRetry } from './retry'
import { createStateStore, initialState, type StateFields } from './state'
import { after, afterDelayOrOnline, type Cancel } from './timers'

/** The default `maxEventSize`: 4 MiB of text. */
export const DEFAULT_MAX_EVENT_SIZE = 4 * 1024 * 1024

/**
 * Opens a connection at once; it runs until `close()`. It runs one attempt at a time (`attempt.ts`: request,
 * response, body), and when one ends the retry policy (`retry.ts`) decides between waiting for the next
 * attempt and closing. It also pauses while the page is hidden (`pauseWhenHidden`) and keeps the state.
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

  const consumers = new Consumers()
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

  const host: AttemptHost = {
    href,
    request,
    failures,
    // Looked up at every attempt (a test may install its mock later), and never called as a method of `host`.
    fetch: (input, init) => (options.fetch ?? globalThis.fetch)(input, init),
    idleTimeout,
    maxEventSize,
    consumers,
    lastEventId: () => fields.lastEventId,
    setLastEventId(id) {
      store.setLastEventId(id)
      resume?.write(id)
    },
    opened(attempt) {
      setState({ status: 'open', error: undefined, retryDelay: undefined })
      if (attempt.active && policy && fields.attempt !== 0)
        attempt.stops.push(after(policy.resetAfter, () => setState({ attempt: 0 })))
    },
    ended: end,
    finished: finish,
    serverRetry(delay) {
      serverRetry = delay
    },
    report,
    ready: () => (consumers.backedUp() ? new Promise<void>((resolve) => (readOn = resolve)) : undefined),
    waitingForConsumers: () => readOn !== undefined,
  }

  function startAttempt(): void {
    const attempt = new Attempt()
    current = attempt
    void runAttempt(attempt, host)
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
