import { createEventStream, type EventStream, type EventStreamOptions } from '../../src/index'
import type { ResponseEvents } from './responses'

/**
 * A background response (`"background": true`) goes on at OpenAI when the connection drops, and can be
 * streamed again after the last `sequence_number` received: the stream resumes there after a cut.
 */
export function backgroundResponse(
  url: string, // e.g. 'https://api.openai.com/v1/responses'
  apiKey: string,
  request: { model: string; input: unknown },
  options: EventStreamOptions<ResponseEvents> = {},
): EventStream<ResponseEvents> {
  let responseId = ''
  let after = -1 // the sequence_number of the last event received
  const stream = createEventStream<ResponseEvents>(url, {
    ...options,
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...request, stream: true, background: true }),
    reconnectRequest: () => ({
      url: `${url}/${responseId}?stream=true&starting_after=${after}`,
      method: 'GET', // drops the body; the headers stay
    }),
  })
  stream.on('response.created', ({ response }) => {
    responseId = response.id
  })
  stream.onAny(({ data }) => {
    after = data.sequence_number
  })
  return stream
}
