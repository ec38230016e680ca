import { type HttpHandler, http } from 'msw'
import type { EventMap } from '../index'
import type { MockEvent } from './encodeEvent'
import { type EventStreamResponseOptions, eventStreamResponse } from './eventStreamResponse'

/** Options of {@link eventStreamHandler}. @public */
export interface EventStreamHandlerOptions
  extends Omit<EventStreamResponseOptions, 'lastEventId' | 'signal'> {
  /** The HTTP method to match. @defaultValue 'get' */
  method?: 'get' | 'post' | 'put' | 'patch' | 'delete' | 'all'
  /** Answer with this status and an empty body instead of a stream (e.g. 401, 500 with `headers`). */
  status?: number
}

/**
 * An MSW request handler that serves `events` as a live `text/event-stream`, resuming after the request's
 * `Last-Event-ID` when the events carry ids.
 * @example
 * server.use(eventStreamHandler('/stream', [{ data: 'Message 0', id: '0' }], { interval: 1000 }))
 * server.use(eventStreamHandler('/stream', [], { status: 503, headers: { 'retry-after': '2' } }))
 * @public
 */
export function eventStreamHandler<E extends EventMap = EventMap>(
  path: string,
  events: readonly MockEvent<E>[],
  options: EventStreamHandlerOptions = {},
): HttpHandler {
  const { method = 'get', status, ...responseOptions } = options
  return http[method](path, ({ request }) => {
    if (status !== undefined) return new Response(null, { status, headers: options.headers ?? {} })
    return eventStreamResponse(events, {
      ...responseOptions,
      lastEventId: request.headers.get('last-event-id'),
      signal: request.signal,
    })
  })
}
