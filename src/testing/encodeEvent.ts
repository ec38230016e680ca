import type { EventMap } from '../index'

/** One event to send, typed by the event map: `{ event: 'tick', data: { n: 1 }, id: '1' }`. @public */
export type MockEvent<E extends EventMap = EventMap> =
  | {
      [K in keyof E & string]: {
        /** The event name; omit it for `message` events. */
        event?: K
        /** The data: a string is sent as is, anything else as JSON. */
        data: E[K] | string
        /** The event id (`id:` field). */
        id?: string
        /** A reconnection delay for the client (`retry:` field). */
        retry?: number
      }
    }[keyof E & string]
  | { comment: string }

/**
 * Serializes one event into the `text/event-stream` wire format, ending with the blank line that
 * dispatches it. Multi-line data becomes several `data:` lines.
 *
 * @example
 * encodeEvent({ event: 'tick', data: { n: 1 }, id: '1' }) // 'event: tick\nid: 1\ndata: {"n":1}\n\n'
 * encodeEvent({ comment: 'heartbeat' })                    // ': heartbeat\n\n'
 * @public
 */
export function encodeEvent<E extends EventMap = EventMap>(event: MockEvent<E>): string {
  if ('comment' in event) return `${prefixLines(':', event.comment)}\n`
  let text = ''
  if (event.event !== undefined && event.event !== 'message') text += `event: ${event.event}\n`
  if (event.id !== undefined) text += `id: ${event.id}\n`
  if (event.retry !== undefined) text += `retry: ${event.retry}\n`
  const data = typeof event.data === 'string' ? event.data : JSON.stringify(event.data)
  return `${text}${prefixLines('data:', data)}\n`
}

function prefixLines(field: string, value: string): string {
  let text = ''
  for (const line of value.split(/\r\n|\r|\n/)) text += `${field} ${line}\n`
  return text
}
