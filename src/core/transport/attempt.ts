import { type ConnectionConfig, isDoneMarker } from '../api/resolveOptions'
import { Consumers } from '../connection/consumers'
import type { ConnectionState, Input } from '../connection/rules'
import { type Cancel, watchIdle } from '../connection/timers'
import { EventStreamError, reasonOf } from '../errors'
import { keepShape } from '../keepShape'
import { createParser } from '../wire/parse'
import type { EventStreamParser, ParserCallbacks } from '../wire/types'
import { createFailures, type Failures } from './failures'
import { readBody } from './readBody'
import type { RequestBuilder } from './request'
import { classifyResponse, discard } from './response'

/** One request and the reading of its response. Whatever arrives for an attempt that is no longer active is ignored. */
export class Attempt {
  /** Cleared when the attempt stops. (Read for every event: a class, see `keepShape`.) */
  active = true
  readonly controller = new AbortController()
  /** What to stop when the attempt stops: its timers and its body reader. */
  readonly stops: Cancel[] = []
  /** The parser of its body, once it reads one: the newest last event ID is there. */
  parser: EventStreamParser | undefined = undefined

  constructor() {
    keepShape(Attempt, () => new Attempt())
  }
}

/** What an attempt needs from its connection, and how it reports back. */
export interface AttemptHost {
  readonly config: ConnectionConfig
  readonly request: RequestBuilder
  readonly failures: Failures
  readonly consumers: Consumers
  /** The connection's live state: the resume point, the attempt count, whether the stream has started. */
  readonly fields: Readonly<ConnectionState>
  /** What happened, for the connection's rules (ignored once the attempt is not the current one). */
  input(attempt: Attempt, input: Input): void
  /** A recoverable error (an event over `maxEventSize`, a throwing `doneWhen`): `state.error`, and reported. */
  report(error: EventStreamError): void
  /** A new last event ID, at the end of the chunk that brought it (read before from `Attempt.parser`). */
  setLastEventId(id: string): void
  /** Before every read: a promise to wait for while the consumers are backed up, else `undefined`. */
  ready(): Promise<void> | undefined
  /** Whether reading waits for backed-up consumers (the idle watchdog excuses the silence then). */
  waitingForConsumers(): boolean
}

const OPENED: Input = { type: 'opened' }
const FINISHED: Input = { type: 'finished' }
const DECLINED: Input = { type: 'declined' }

/**
 * Runs one attempt: build the request (headers, `Last-Event-ID`; with `resume`, `reconnectRequest`'s) →
 * fetch → classify the response (`classifyResponse`: open, done, or failed) → read and parse the body →
 * report how it ended as an input. It never rejects: anything thrown becomes an `EventStreamError`.
 */
export async function runAttempt(attempt: Attempt, host: AttemptHost, resume: boolean): Promise<void> {
  const { request, config, fields } = host
  const { idleTimeout } = config
  /** How errors name this attempt's request: the original, or the one `reconnectRequest` gave. */
  let { failures } = host
  let secrets = request.urlSecrets
  let opened = false
  const fail = (what: string, cause: unknown) => {
    const error = failures.network(what, cause, secrets)
    host.input(attempt, opened ? { type: 'dropped', error } : { type: 'failed', error })
  }
  const watchdog =
    idleTimeout === undefined
      ? undefined
      : watchIdle(
          idleTimeout,
          () => host.input(attempt, { type: 'dropped', error: failures.idle(idleTimeout) }),
          () => host.waitingForConsumers(),
        )
  if (watchdog) attempt.stops.push(watchdog.cancel)

  let response: unknown
  try {
    const context = resume ? { lastEventId: fields.lastEventId, attempt: fields.attempt } : undefined
    const built = await request.build(fields.lastEventId, attempt.controller.signal, context)
    if (!attempt.active) return
    if (built === false) return host.input(attempt, DECLINED)
    secrets = built.secrets
    if (resume && config.reconnectRequest) failures = createFailures(String(built.init.method), built.url)
    // Looked up at every attempt (a test may install its mock later), and called as a plain function.
    response = await (config.fetch ?? globalThis.fetch)(built.url, built.init)
  } catch (cause) {
    return fail('request failed', cause)
  }
  if (!attempt.active) return discard(response)
  let body: ReadableStream<Uint8Array | string>
  try {
    const outcome = classifyResponse(response, failures.where, failures.url)
    if (outcome.kind !== 'open') {
      discard(response)
      return host.input(attempt, outcome.kind === 'done' ? FINISHED : { type: 'failed', ...outcome })
    }
    body = outcome.body
  } catch (cause) {
    return fail('unreadable response', cause) // a response whose getters throw
  }
  opened = true
  host.input(attempt, OPENED)
  if (!attempt.active) return discard(response) // a state listener closed or reconnected as the stream opened
  try {
    await read(attempt, host, failures, body, watchdog?.touch)
  } catch (cause) {
    return fail('connection lost', cause)
  }
  host.input(attempt, { type: 'ended', cut: failures.cut() })
}

/**
 * Reads and parses `body` until it ends or the attempt does; each attempt has a parser of its own.
 * The connection reads a new last event ID from the parser when asked (so it is in `state` at once);
 * consumers hear of it once per chunk, not once per event.
 */
function read(
  attempt: Attempt,
  host: AttemptHost,
  failures: Failures,
  body: ReadableStream<Uint8Array | string>,
  touch?: () => void,
): Promise<void> {
  const events = new ParsedEvents(attempt, host, failures)
  const parser = createParser(events, {
    lastEventId: host.fields.lastEventId,
    maxEventSize: host.config.maxEventSize,
  })
  attempt.parser = parser
  return readBody(body, {
    active: () => attempt.active,
    onCancel: (cancel) => attempt.stops.push(cancel),
    onText(text) {
      touch?.()
      parser.feed(text)
      events.endOfChunk(parser.lastEventId)
    },
    ready: () => host.ready(),
  })
}

/**
 * Where an attempt's parser reports: `doneWhen` first, then the connection's consumers, while the attempt
 * is active. A class: `onEvent` runs for every event (see `keepShape`).
 */
class ParsedEvents implements ParserCallbacks {
  readonly #attempt: Attempt
  readonly #host: AttemptHost
  /** The host's consumers, read for every event. */
  readonly #consumers: Consumers
  readonly #failures: Failures
  readonly #doneWhen: ConnectionConfig['doneWhen']
  /** An event arrived in this attempt (the connection heard of the stream's first one). */
  #started: boolean
  /** The last event ID the consumers heard of. */
  #reportedId: string

  constructor(attempt: Attempt, host: AttemptHost, failures: Failures) {
    this.#attempt = attempt
    this.#host = host
    this.#failures = failures
    this.#consumers = host.consumers
    this.#doneWhen = host.config?.doneWhen
    this.#started = host.fields?.started === true
    this.#reportedId = host.fields?.lastEventId ?? ''
    keepShape(
      ParsedEvents,
      () => new ParsedEvents(new Attempt(), { consumers: new Consumers() } as AttemptHost, failures),
    )
  }

  onEvent(type: string, data: string, id: string): void {
    if (!this.#attempt.active) return
    if (this.#doneWhen !== undefined && this.#isDone(type, data, id)) return
    if (!this.#started) {
      this.#started = true
      this.#host.input(this.#attempt, { type: 'started' })
    }
    this.#consumers.event(type, data, id)
  }

  /** Whether `doneWhen` ends the stream with this event; a throwing `doneWhen` is reported, and says no. */
  #isDone(type: string, raw: string, id: string): boolean {
    const doneWhen = this.#doneWhen as NonNullable<ConnectionConfig['doneWhen']>
    let done: boolean
    try {
      done = doneWhen === isDoneMarker ? raw === '[DONE]' : doneWhen({ type, raw, id })
    } catch (cause) {
      const message = `typed-sse: \`doneWhen\` threw: ${reasonOf(cause)}`
      this.#host.report(new EventStreamError('handler', message, { cause, event: { type, raw } }))
      return false
    }
    if (done) this.#host.input(this.#attempt, { type: 'done' })
    return done
  }

  onRetry(delay: number): void {
    this.#host.input(this.#attempt, { type: 'retry', delay })
  }

  onTooLarge(type: string, preview: string): void {
    const host = this.#host
    if (this.#attempt.active) host.report(this.#failures.tooLarge(type, preview, host.config.maxEventSize))
  }

  /** The end of a chunk: consumers hear of a new last event ID, and the rules of the progress. */
  endOfChunk(lastEventId: string): void {
    if (lastEventId === this.#reportedId || !this.#attempt.active) return
    this.#reportedId = lastEventId
    this.#host.setLastEventId(lastEventId)
    if (this.#host.fields.attempt > 0) this.#host.input(this.#attempt, { type: 'progress' })
    this.#host.consumers.state()
  }
}
