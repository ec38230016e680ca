import { type Decoder, PendingDecode } from './decode'
import { EventStreamError, reasonOf } from './errors'
import type { IteratorSink } from './iterator'
import type { AnyStreamEvent, ConnectionListener, EventMap, StreamEvent } from './types'

type Handler = (data: unknown, event: StreamEvent) => void

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
  error(error: EventStreamError): void
  state(): void
  closed(error: EventStreamError | undefined): void
}

/**
 * The connection listener of one stream: decodes each raw event with the stream's decoder and hands it
 * to the stream's handlers and `for await` loops, in order (events wait behind an async schema).
 *
 * A class, unlike the closure factories elsewhere: every event of every stream runs these methods, and
 * methods shared by all streams stay one call target for V8, where a closure per stream turns each call
 * site polymorphic once a process has had a few streams (measured: 5–10 % of the handler path on Node 24).
 */
export class EventFanout<E extends EventMap> implements ConnectionListener {
  readonly handlers = new Map<string, Set<Handler>>()
  readonly anyHandlers = new Set<(event: AnyStreamEvent<E>) => void>()
  readonly sinks = new Set<IteratorSink<AnyStreamEvent<E>>>()
  /** Set when the stream closed: nothing is delivered any more. */
  stopped = false
  /** The tail of events waiting for async schemas; later events queue behind it to keep order. */
  private pending: Promise<void> | undefined

  constructor(
    private readonly decode: Decoder,
    private readonly hooks: StreamHooks,
  ) {}

  event(type: string, raw: string, id: string): void {
    if (!this.handlers.has(type) && this.anyHandlers.size === 0 && this.sinks.size === 0) return
    if (this.pending) this.enqueue(this.pending.then(() => this.decodeAndDeliver(type, raw, id)))
    else this.decodeAndDeliver(type, raw, id)
  }

  error(error: EventStreamError): void {
    this.hooks.error(error)
  }

  state(): void {
    this.hooks.state()
  }

  closed(error: EventStreamError | undefined): void {
    this.hooks.closed(error)
  }

  backedUp(): boolean {
    // Handlers must see every event as it comes: only a stream that feeds nothing but loops may wait.
    if (this.handlers.size > 0 || this.anyHandlers.size > 0) return false
    for (const sink of this.sinks) if (sink.buffered >= HIGH_WATER) return true
    return false
  }

  private decodeAndDeliver(type: string, raw: string, id: string): void | Promise<void> {
    let data: unknown
    try {
      data = this.decode(type, raw)
    } catch (error) {
      this.decodeFailed(error)
      return
    }
    if (data instanceof PendingDecode) {
      const settled = data.promise.then(
        (value) => this.deliver(type, raw, id, value),
        (error) => this.decodeFailed(error),
      )
      if (!this.pending) this.enqueue(settled)
      return settled
    }
    this.deliver(type, raw, id, data)
  }

  private deliver(type: string, raw: string, id: string, data: unknown): void {
    if (this.stopped) return
    const event = { type, data, raw, id } as AnyStreamEvent<E>
    const typed = this.handlers.get(type)
    // Iterating a Set allocates an iterator: skip the empty ones (most streams use one kind of consumer).
    if (typed) for (const handler of typed) this.call(handler, data, event)
    if (this.anyHandlers.size > 0)
      for (const handler of this.anyHandlers) this.call(handler as Handler, event, event)
    if (this.sinks.size > 0) for (const sink of this.sinks) sink.push(event)
  }

  /** Runs one handler; a throw is reported (as a `handler` error) and the other handlers still run. */
  private call(handler: Handler, value: unknown, event: StreamEvent): void {
    try {
      handler(value, event)
    } catch (cause) {
      this.hooks.ownError(handlerError(cause, event))
    }
  }

  private decodeFailed(error: unknown): void {
    if (!this.stopped) this.hooks.ownError(error as EventStreamError)
  }

  private enqueue(step: Promise<void>): void {
    this.pending = step
    step.then(() => {
      if (this.pending === step) this.pending = undefined
    })
  }
}

/** The `handler` error for a throw in an event handler (with `event`) or a state listener. */
export function handlerError(cause: unknown, event?: StreamEvent): EventStreamError {
  const where = event ? `a handler of "${event.type}" events` : 'a state listener'
  return new EventStreamError('handler', `typed-sse: ${where} threw: ${reasonOf(cause)}`, {
    cause,
    ...(event && { event: { type: event.type, raw: event.raw } }),
  })
}
