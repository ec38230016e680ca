import type { Consumers } from '../connection/consumers'
import { type Cancel, watchIdle } from '../connection/timers'
import type { EventStreamError } from '../errors'
import { keepShape } from '../keepShape'
import { createParser, type ParserCallbacks } from '../wire/parse'
import type { createFailures } from './failures'
import { readBody } from './readBody'
import type { RequestBuilder } from './request'
import { classifyResponse, discard } from './response'

/** One request and the reading of its response. Whatever arrives for an attempt that is no longer active is ignored. */
export class Attempt {
  /** Cleared when the attempt ends. (Read for every event: a class, see `keepShape`.) */
  active = true
  readonly controller = new AbortController()
  /** What to stop when the attempt ends: its timers and its body reader. */
  readonly stops: Cancel[] = []

  constructor() {
    keepShape(Attempt, () => new Attempt())
  }
}

/** What an attempt needs from its connection, and how it reports back. */
export interface AttemptHost {
  readonly href: string
  readonly request: RequestBuilder
  readonly failures: ReturnType<typeof createFailures>
  readonly fetch: typeof globalThis.fetch
  readonly idleTimeout: number | undefined
  readonly maxEventSize: number
  readonly consumers: Consumers
  /** The last event ID: the resume point of the request, where its parser starts. */
  lastEventId(): string
  /** A new last event ID arrived (consumers hear of it at the end of its chunk). */
  setLastEventId(id: string): void
  /** The response is an event stream: its body is read next. */
  opened(attempt: Attempt): void
  /** The attempt failed with `error`, or its body ended (`undefined`): retry or close. */
  ended(attempt: Attempt, error: EventStreamError | undefined, retryAfter?: number): void
  /** The server answered 204: no more attempts. */
  finished(attempt: Attempt): void
  /** The server sent `retry:`. */
  serverRetry(delay: number): void
  /** A recoverable error (an event over `maxEventSize`). */
  report(error: EventStreamError): void
  /** Before every read: a promise to wait for while the consumers are backed up, else `undefined`. */
  ready(): Promise<void> | undefined
  /** Whether reading waits for backed-up consumers (the idle watchdog excuses the silence then). */
  waitingForConsumers(): boolean
}

/**
 * Runs one attempt: build the request (headers, `Last-Event-ID`) → fetch → classify the response
 * (`classifyResponse`: open, done, or failed) → read and parse the body → report how it ended. It never
 * rejects: anything thrown in it becomes an `EventStreamError` for `host.ended`.
 */
export async function runAttempt(attempt: Attempt, host: AttemptHost): Promise<void> {
  const { request, failures, idleTimeout } = host
  let secrets = request.urlSecrets
  const fail = (what: string, cause: unknown) => {
    if (attempt.active) host.ended(attempt, failures.network(what, cause, secrets))
  }
  const watchdog =
    idleTimeout === undefined
      ? undefined
      : watchIdle(
          idleTimeout,
          () => host.ended(attempt, failures.idle(idleTimeout)),
          host.waitingForConsumers,
        )
  if (watchdog) attempt.stops.push(watchdog.cancel)

  let response: unknown
  try {
    const built = await request.build(host.lastEventId(), attempt.controller.signal)
    if (!attempt.active) return
    secrets = built.secrets
    response = await host.fetch(built.url, built.init)
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
    const outcome = classifyResponse(response, failures.where, host.href)
    if (outcome.kind !== 'open') {
      discard(response)
      if (outcome.kind === 'done') host.finished(attempt)
      else host.ended(attempt, outcome.error, outcome.retryAfter)
      return
    }
    body = outcome.body
  } catch (cause) {
    fail('unreadable response', cause) // a response whose getters throw
    return
  }
  host.opened(attempt)
  if (!attempt.active) {
    discard(response) // a state listener closed or reconnected as the stream opened
    return
  }
  try {
    await read(attempt, host, body, watchdog?.touch)
  } catch (cause) {
    fail('connection lost', cause)
    return
  }
  if (attempt.active) host.ended(attempt, undefined)
}

/**
 * Reads and parses `body` until it ends or the attempt does; each attempt has a parser of its own.
 * A new last event ID is in `state` at once; consumers hear of it once per chunk, not once per event.
 */
function read(
  attempt: Attempt,
  host: AttemptHost,
  body: ReadableStream<Uint8Array | string>,
  touch?: () => void,
): Promise<void> {
  const events = new ParsedEvents(attempt, host)
  const parser = createParser(events, {
    lastEventId: host.lastEventId(),
    maxEventSize: host.maxEventSize,
  })
  return readBody(body, {
    active: () => attempt.active,
    onCancel: (cancel) => attempt.stops.push(cancel),
    onText(text) {
      touch?.()
      parser.feed(text)
      events.endOfChunk()
    },
    ready: host.ready,
  })
}

/**
 * Where an attempt's parser reports: to the connection's consumers, while the attempt is active. A class:
 * `onEvent` runs for every event (see `keepShape`).
 */
class ParsedEvents implements ParserCallbacks {
  readonly #attempt: Attempt
  readonly #host: AttemptHost
  /** A new last event ID arrived in this chunk. */
  #idChanged = false

  constructor(attempt: Attempt, host: AttemptHost) {
    this.#attempt = attempt
    this.#host = host
    keepShape(ParsedEvents, () => new ParsedEvents(new Attempt(), {} as AttemptHost))
  }

  onEvent(type: string, data: string, id: string): void {
    if (this.#attempt.active) this.#host.consumers.event(type, data, id)
  }

  onLastEventId(id: string): void {
    if (!this.#attempt.active) return
    this.#host.setLastEventId(id)
    this.#idChanged = true
  }

  onRetry(delay: number): void {
    this.#host.serverRetry(delay)
  }

  onTooLarge(type: string, preview: string): void {
    const host = this.#host
    if (this.#attempt.active) host.report(host.failures.tooLarge(type, preview, host.maxEventSize))
  }

  /** The end of a chunk: consumers hear of a new last event ID. */
  endOfChunk(): void {
    if (this.#idChanged && this.#attempt.active) this.#host.consumers.state()
    this.#idChanged = false
  }
}
