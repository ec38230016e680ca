import { type ConnectionConfig, isDoneMarker, resolveConnection } from '../api/resolveOptions'
import type { EventStreamError } from '../errors'
import { keepShape } from '../keepShape'
import { runAttempt } from '../transport/attempt'
import { Attempt, type AttemptHost } from '../transport/attemptHost'
import { createFailures, type Failures } from '../transport/failures'
import { createRequestBuilder, type RequestBuilder } from '../transport/request'
import type { Connection, ConnectionListener, StreamState } from '../types'
import { Consumers } from './consumers'
import { whenHiddenFor } from './pageEvents'
import { createPersistedId, type PersistedId } from './persist'
import { type ConnectionState, type Effect, type Input, next, type Rules } from './rules'
import { createStateStore, initialState, type StateStore } from './state'
import { after, afterDelayOrOnline, type Cancel } from './timers'

/**
 * Opens a connection at once; it runs until `close()`. The rules (`rules.ts`) decide what happens on each
 * input; the connection performs their effects: it runs one attempt at a time (`attempt.ts`: request,
 * response, body), waits, watches the page, persists the last event ID and tells the consumers.
 */
export function createConnection(config: ConnectionConfig): Connection {
  const connection = new RunningConnection(config)
  connection.start()
  return connection
}

/**
 * A connection and the runner of its rules; the host of its attempts. A class whose shape is kept
 * (`keepShape`): its methods run for every event with an ID.
 */
class RunningConnection implements Connection, AttemptHost {
  readonly url: string
  readonly config: ConnectionConfig
  readonly request: RequestBuilder
  readonly failures: Failures
  readonly consumers = new Consumers()
  readonly #rules: Rules
  readonly #store: StateStore<ConnectionState>
  readonly #persisted: PersistedId | undefined
  #current: Attempt | undefined
  /** The wait for the next attempt. */
  #waiting: Cancel | undefined
  /** Set while reading waits for backed-up consumers: calling it reads on. */
  #readOn: (() => void) | undefined
  #stopWatchingPage: Cancel | undefined
  /** Inputs that arrived while an earlier one was being handled (a listener that calls `close()`). */
  readonly #queue: Input[] = []

  constructor(config: ConnectionConfig) {
    this.config = config
    this.url = config.url
    this.request = createRequestBuilder(config)
    this.failures = createFailures(config.method, config.url)
    this.#rules = {
      retry: config.retry,
      finite: config.finite,
      untilDone: config.finite && config.doneWhen !== isDoneMarker,
      reconnectRequest: config.reconnectRequest !== undefined,
      firstEventId: config.lastEventId ?? '',
    }
    this.#store = createStateStore<ConnectionState>({
      ...initialState('connecting', config.lastEventId ?? ''),
      serverRetry: undefined,
      paused: false,
      started: false,
      stopped: false,
    })
    this.#persisted = createPersistedId(config, (error) => this.report(error))
    if (this.#persisted && config.lastEventId === undefined)
      this.#store.setLastEventId(this.#persisted.read())
    keepShape(
      RunningConnection,
      () => new RunningConnection(resolveConnection('http://typed-sse.invalid/', {})),
    )
  }

  /** Starts: the first attempt, and the watch of the page. */
  start(): void {
    this.#watchPage()
    this.#perform({ type: 'connect', resume: false })
  }

  /** The live fields: the resume point, the attempt count, whether the stream has started. */
  get fields(): Readonly<ConnectionState> {
    this.#readLastEventId()
    return this.#store.fields
  }

  get state(): StreamState {
    this.#readLastEventId()
    return this.#store.snapshot()
  }

  get status(): StreamState['status'] {
    return this.#store.fields.status
  }

  attach(listener: ConnectionListener): () => void {
    const detach = this.consumers.add(listener)
    return () => {
      detach()
      this.drained() // the consumers left may not be backed up
    }
  }

  reconnect(): void {
    this.#dispatch({ type: 'reconnect' })
  }

  close(): void {
    this.#dispatch({ type: 'close' })
  }

  /** Lets a read that waits for backed-up consumers go on. */
  drained(): void {
    const read = this.#readOn
    this.#readOn = undefined
    read?.()
  }

  input(attempt: Attempt, input: Input): void {
    if (attempt === this.#current) this.#dispatch(input)
  }

  /** Reports a recoverable error: it becomes `state.error` and goes to every error listener. */
  report(error: EventStreamError): void {
    if (this.#store.set({ ...this.fields, error })) this.consumers.state()
    this.consumers.error(error)
  }

  setLastEventId(id: string): void {
    if (id === this.#store.fields.lastEventId) return
    this.#store.setLastEventId(id)
    this.#persisted?.write(id)
  }

  /**
   * Takes the last event ID from the parser of the attempt reading now: it is current for every event at
   * the cost of a field write there, and read here only when asked for.
   */
  #readLastEventId(): void {
    const parser = this.#current?.parser
    if (parser !== undefined) this.setLastEventId(parser.lastEventId)
  }

  ready(): Promise<void> | undefined {
    return this.consumers.backedUp() ? new Promise<void>((resolve) => (this.#readOn = resolve)) : undefined
  }

  waitingForConsumers(): boolean {
    return this.#readOn !== undefined
  }

  /** Runs the rules on `input` and performs their effects; inputs that arrive meanwhile wait their turn. */
  #dispatch(input: Input): void {
    const queue = this.#queue
    queue.push(input)
    if (queue.length > 1) return
    this.#readLastEventId()
    try {
      while (queue.length > 0) {
        const { state, effects } = next(this.#store.fields, queue[0] as Input, this.#rules)
        if (this.#store.set(state)) this.consumers.state()
        for (const effect of effects) this.#perform(effect)
        queue.shift()
      }
    } finally {
      queue.length = 0 // empty unless something threw: later inputs must not wait behind it forever
    }
  }

  #perform(effect: Effect): void {
    switch (effect.type) {
      case 'connect':
        this.#current = new Attempt()
        void runAttempt(this.#current, this, effect.resume)
        break
      case 'stop':
        this.#stop()
        break
      case 'wait':
        this.#waiting = afterDelayOrOnline(effect.delay, () => {
          this.#waiting = undefined
          this.#dispatch({ type: 'wake' })
        })
        break
      case 'settle':
        this.#current?.stops.push(after(effect.delay, () => this.#dispatch({ type: 'settled' })))
        break
      case 'report':
        this.consumers.error(effect.error)
        break
      case 'closed':
        this.consumers.closed(effect.error)
        break
      case 'restarted':
        this.consumers.restarted()
        break
      case 'forget':
        this.#persisted?.clear()
        break
      case 'watch':
        this.#watchPage()
        break
      case 'release':
        this.#stopWatchingPage?.()
        this.#persisted?.close()
        this.consumers.clear()
    }
  }

  /** Stops whatever runs now: the attempt in progress (its request, timers and body) or the wait. */
  #stop(): void {
    const attempt = this.#current
    this.#current = undefined
    this.#waiting?.()
    this.#waiting = undefined
    if (!attempt) return
    attempt.active = false
    this.drained() // a read waiting for consumers sees the attempt is over
    attempt.controller.abort()
    for (const cancel of attempt.stops) cancel()
  }

  /** (Re)starts watching the page for `pauseWhenHidden`: a hidden page pauses after the delay. */
  #watchPage(): void {
    const delay = this.config.pauseWhenHidden
    this.#stopWatchingPage?.()
    this.#stopWatchingPage =
      delay === undefined
        ? undefined
        : whenHiddenFor(
            delay,
            () => this.#dispatch({ type: 'hidden' }),
            () => this.#dispatch({ type: 'visible' }),
          )
  }
}
