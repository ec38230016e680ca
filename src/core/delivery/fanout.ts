import { EventStreamError, reasonOf } from '../errors'
import { keepShape } from '../keepShape'
import type { AnyStreamEvent, ConnectionListener, EventMap, StreamEvent } from '../types'
import { callUser, makeUserCallsGeneric } from './callUser'
import { type Decoder, keepText, mayPend, PendingDecode } from './decode'
import { type Handler, Handlers } from './handlers'
import type { IteratorSink } from './iterator'

/**
 * Events buffered for a `for await` loop before the connection stops reading (when nothing but loops
 * listen): then TCP flow control slows the server down, and memory stays bounded. Reading goes on
 * when the loop is down to `LOW_WATER`.
 */
export const HIGH_WATER = 1024
export const LOW_WATER = 256

/** What a stream does with the rest of what its connection reports. */
export interface StreamHooks {
  /** A recoverable error of this stream's own (decode, handler). */
  ownError(error: EventStreamError): void
  /** The connection's recoverable error. */
  error(error: EventStreamError): void
  /** The connection's state changed. */
  stateChanged(): void
  /** A finite stream starts again from the start. */
  restarted(): void
  /** The connection closed (with the fatal error, if any). */
  closed(error: EventStreamError | undefined): void
}

/**
 * The connection listener of one stream: it decodes each raw event with the stream's decoder and hands it
 * to the stream's handlers and `for await` loops, in order (events wait behind an async schema); the rest
 * of what the connection reports goes to `hooks`. A class: `event` runs for every event (see `keepShape`).
 */
export class Fanout<E extends EventMap> implements ConnectionListener {
  /** The `on` and `onAny` handlers. */
  readonly handlers = new Handlers()
  /** The `for await` loops. */
  readonly sinks = new Set<IteratorSink<AnyStreamEvent<E>>>()
  readonly #decode: Decoder
  /** `decode: 'text'`: the value is the raw data, without a call. */
  readonly #keepsText: boolean
  /** The decoder may return a `PendingDecode` (async schemas): only then is each value checked for one. */
  readonly #mayPend: boolean
  readonly #hooks: StreamHooks
  #stopped = false
  /** The tail of events waiting for async schemas; later events queue behind it to keep order. */
  #pending: Promise<void> | undefined = undefined
  /** Counts restarts: an event still decoding from before one is dropped when its decode settles. */
  #run = 0

  constructor(decode: Decoder, hooks: StreamHooks) {
    this.#decode = decode
    this.#keepsText = decode === keepText
    this.#mayPend = mayPend(decode)
    this.#hooks = hooks
    keepShape(Fanout, () => {
      makeUserCallsGeneric()
      return new Fanout(keepText, {} as StreamHooks)
    })
  }

  /** The stream closed: nothing is delivered any more, not even to the rest of an event's handlers. */
  stop(): void {
    this.#stopped = true
    this.handlers.clear()
  }

  event(type: string, raw: string, id: string): void {
    // One lookup of the type's handlers serves the check and the delivery; an event that waits behind an
    // async schema looks them up again when its turn comes.
    const typed = this.handlers.forType(type)
    if (typed === undefined && this.handlers.any.length === 0 && this.sinks.size === 0) return
    const pending = this.#pending
    if (pending) this.#waitBehind(pending, type, raw, id)
    else this.#decodeAndDeliver(type, raw, id, typed)
  }

  /**
   * Delivers the event once the events waiting for async schemas are through. (A method of its own: a
   * closure in `event` would make V8 allocate its variables' context at every event.)
   */
  #waitBehind(pending: Promise<void>, type: string, raw: string, id: string): void {
    const run = this.#run
    this.#enqueue(pending.then(() => (run === this.#run ? this.#decodeAndDeliver(type, raw, id) : undefined)))
  }

  error(error: EventStreamError): void {
    this.#hooks.error(error)
  }

  state(): void {
    this.#hooks.stateChanged()
  }

  restarted(): void {
    this.#run++
    this.#pending = undefined
    this.#hooks.restarted()
  }

  closed(error: EventStreamError | undefined): void {
    this.#hooks.closed(error)
  }

  backedUp(): boolean {
    // Handlers must see every event as it comes: only a stream that feeds nothing but loops may wait.
    if (this.handlers.size > 0) return false
    for (const sink of this.sinks) if (sink.buffered >= HIGH_WATER) return true
    return false
  }

  /**
   * Decodes an event and delivers it, or waits for its async schema. `typed`: the type's `on` handlers,
   * when the caller has looked them up already.
   */
  #decodeAndDeliver(type: string, raw: string, id: string, typed?: readonly Handler[]): void | Promise<void> {
    if (this.#keepsText) return this.#deliver(type, raw, id, raw, typed)
    let data: unknown
    try {
      data = this.#decode(type, raw)
    } catch (error) {
      this.#decodeFailed(error)
      return
    }
    if (this.#mayPend && data instanceof PendingDecode) return this.#awaitDecode(type, raw, id, data)
    this.#deliver(type, raw, id, data, typed)
  }

  /** Delivers the event when its async schema settles; later events queue behind it. */
  #awaitDecode(type: string, raw: string, id: string, data: PendingDecode): Promise<void> {
    const run = this.#run
    const settled = data.promise.then(
      (value) => void (run === this.#run && this.#deliver(type, raw, id, value)),
      (error) => void (run === this.#run && this.#decodeFailed(error)),
    )
    if (!this.#pending) this.#enqueue(settled)
    return settled
  }

  /** `typed`: the type's `on` handlers, when the caller has looked them up already. */
  #deliver(type: string, raw: string, id: string, data: unknown, typed = this.handlers.forType(type)): void {
    if (this.#stopped) return
    const event = { type, data, raw, id } as AnyStreamEvent<E>
    if (typed !== undefined) this.#callEach(typed, type, data, event)
    const { any } = this.handlers
    if (any.length > 0) this.#callEach(any, undefined, event, event)
    // Iterating a Set allocates an iterator: skip the empty one (most streams use one kind of consumer).
    if (this.sinks.size > 0) for (const sink of this.sinks) sink.push(event)
  }

  /**
   * Runs each handler of `list` (the `on` handlers of `type`, or with `type` undefined the `onAny` ones),
   * skipping one that an earlier handler removed; a throw is reported (as a `handler` error) and the other
   * handlers still run.
   */
  #callEach(list: readonly Handler[], type: string | undefined, value: unknown, event: StreamEvent): void {
    const { handlers } = this
    const removals = handlers.removals
    for (let i = 0; i < list.length; i++) {
      const handler = list[i] as Handler
      if (handlers.removals !== removals && !handlers.stillHas(type, handler)) continue
      try {
        callUser(handler, value, event)
      } catch (cause) {
        this.#hooks.ownError(handlerError(cause, event))
      }
    }
  }

  #decodeFailed(error: unknown): void {
    if (!this.#stopped) this.#hooks.ownError(error as EventStreamError)
  }

  #enqueue(step: Promise<void>): void {
    this.#pending = step
    step.then(() => {
      if (this.#pending === step) this.#pending = undefined
    })
  }
}

/** The `handler` error for a throw in an event handler (with `event`) or a state or restart listener. */
export function handlerError(cause: unknown, event?: StreamEvent): EventStreamError {
  const where = event ? `a handler of "${event.type}" events` : 'a state or restart listener'
  return new EventStreamError('handler', `typed-sse: ${where} threw: ${reasonOf(cause)}`, {
    cause,
    ...(event && { event: { type: event.type, raw: event.raw } }),
  })
}
