import { type ConnectionConfig, isDoneMarker } from '../api/resolveOptions'
import { Consumers } from '../connection/consumers'
import { EventStreamError, reasonOf } from '../errors'
import { keepShape } from '../keepShape'
import { createParser } from '../wire/parse'
import type { EventStreamParser, ParserCallbacks } from '../wire/types'
import { Attempt, type AttemptHost } from './attemptHost'
import type { Failures } from './failures'
import type { BodyReader } from './readBody'

/**
 * Reads the body of one attempt: it feeds each chunk to the attempt's parser, which reports here. Events go
 * to `doneWhen` first, then to the connection's consumers, while the attempt is active. A class, whose
 * methods every attempt shares: `onEvent` runs for every event, the rest for every chunk (see `keepShape`;
 * closures of an attempt would be new call targets at every attempt, see `callUser.ts`).
 */
export class AttemptReader implements ParserCallbacks, BodyReader {
  readonly parser: EventStreamParser
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
  /** Tells the idle watchdog that something arrived. */
  readonly #touch: (() => void) | undefined

  constructor(attempt: Attempt, host: AttemptHost, failures: Failures, touch?: () => void) {
    this.#attempt = attempt
    this.#touch = touch
    this.#host = host
    this.#failures = failures
    this.#consumers = host.consumers
    this.#doneWhen = host.config?.doneWhen
    this.#started = host.fields?.started === true
    this.#reportedId = host.fields?.lastEventId ?? ''
    this.parser = createParser(this, {
      lastEventId: this.#reportedId,
      maxEventSize: host.config?.maxEventSize,
    })
    keepShape(
      AttemptReader,
      () => new AttemptReader(new Attempt(), { consumers: new Consumers() } as AttemptHost, failures),
    )
  }

  // How the body is read (BodyReader).

  active(): boolean {
    return this.#attempt.active
  }

  onCancel(cancel: () => void): void {
    this.#attempt.stops.push(cancel)
  }

  ready(): Promise<void> | undefined {
    return this.#host.ready()
  }

  onText(text: string): void {
    this.#touch?.()
    this.parser.feed(text)
    this.#endOfChunk(this.parser.lastEventId)
  }

  // What the parser reports (ParserCallbacks).

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
  #endOfChunk(lastEventId: string): void {
    if (lastEventId === this.#reportedId || !this.#attempt.active) return
    this.#reportedId = lastEventId
    this.#host.setLastEventId(lastEventId)
    if (this.#host.fields.attempt > 0) this.#host.input(this.#attempt, { type: 'progress' })
    this.#host.consumers.state()
  }
}
