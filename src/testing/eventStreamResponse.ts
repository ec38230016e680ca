import type { EventMap } from '../index'
import { encodeEvent, type MockEvent } from './encodeEvent'

/** Options of {@link eventStreamResponse}. @public */
export interface EventStreamResponseOptions {
  /** Milliseconds between events. @defaultValue 0 */
  interval?: number
  /** Break the connection with a network error after this many events. */
  dropAfter?: number
  /** Start after the event with this id (pass the request's `Last-Event-ID` to resume). */
  lastEventId?: string | null
  /** After the last event: `'hold'` the connection open (default) or `'end'` the body. */
  whenDone?: 'hold' | 'end'
  /** Extra response headers. */
  headers?: HeadersInit
  /** The request's signal: aborting it stops the stream's timers. */
  signal?: AbortSignal
}

const encoder = new TextEncoder()

/**
 * Builds a streaming `text/event-stream` `Response` that sends `events` over time: the building block of
 * mocks for MSW handlers, service workers and `fetch` stubs.
 * @example
 * const response = eventStreamResponse([{ data: 'Message 0' }, { data: 'Message 1' }], { interval: 1000 })
 * @public
 */
export function eventStreamResponse<E extends EventMap = EventMap>(
  events: readonly MockEvent<E>[],
  options: EventStreamResponseOptions = {},
): Response {
  const { interval = 0, dropAfter, lastEventId, whenDone = 'hold', signal } = options
  const resumeAt = lastEventId
    ? events.findIndex((event) => 'id' in event && event.id === lastEventId) + 1
    : 0
  const queue = events.slice(resumeAt)
  let timer: ReturnType<typeof setTimeout> | undefined
  let sent = 0

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const next = () => {
        timer = undefined
        if (dropAfter !== undefined && sent >= dropAfter) {
          controller.error(new TypeError('network error (dropped by the mock)'))
          return
        }
        const event = queue.shift()
        if (event === undefined) {
          if (whenDone === 'end') controller.close()
          return
        }
        controller.enqueue(encoder.encode(encodeEvent(event)))
        if (!('comment' in event)) sent++
        timer = setTimeout(next, interval)
      }
      signal?.addEventListener('abort', () => clearTimeout(timer), { once: true })
      timer = setTimeout(next, interval)
    },
    cancel() {
      clearTimeout(timer)
    },
  })
  const headers = new Headers(options.headers)
  if (!headers.has('content-type')) headers.set('content-type', 'text/event-stream')
  headers.set('cache-control', 'no-store')
  // A drop must reach `fetch` as a network error: with MSW 3 on Node it does only when the response is
  // self-delimiting (otherwise the closed socket reads as the body's clean end, which completes a finite stream).
  if (dropAfter !== undefined && !headers.has('content-length')) headers.set('transfer-encoding', 'chunked')
  return new Response(body, { headers })
}
