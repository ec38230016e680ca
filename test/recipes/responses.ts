import { createEventStream, type EventStream, type EventStreamOptions } from '../../src/index'

/** The events of `POST /v1/responses` with `"stream": true` read here; the others arrive too. */
export type ResponseEvents = {
  'response.created': { type: 'response.created'; sequence_number: number; response: { id: string } }
  'response.output_text.delta': {
    type: 'response.output_text.delta'
    sequence_number: number
    item_id: string
    delta: string
  }
  'response.completed': {
    type: 'response.completed'
    sequence_number: number
    response: { id: string; status: 'completed' }
  }
  'response.failed': {
    type: 'response.failed'
    sequence_number: number
    response: { id: string; status: 'failed'; error: { code: string; message: string } | null }
  }
  error: { type: 'error'; sequence_number: number; code: string | null; message: string }
}

/**
 * Asks the Responses API for an answer, streamed. It ends with `response.completed` (or `.failed`,
 * `.incomplete`) and then the body's end, which completes the stream (there is no `[DONE]`).
 */
export function openaiResponse(
  url: string, // e.g. 'https://api.openai.com/v1/responses'
  apiKey: string,
  request: { model: string; input: unknown },
  options: EventStreamOptions<ResponseEvents> = {}, // retry, signal, …
): EventStream<ResponseEvents> {
  return createEventStream<ResponseEvents>(url, {
    ...options,
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...request, stream: true }),
  })
}

/** The answer's text: `onText` gets it so far after every delta; resolves with all of it at the end. */
export async function responseText(
  stream: EventStream<ResponseEvents>,
  onText: (text: string) => void = () => {},
): Promise<string> {
  let text = ''
  for await (const event of stream) {
    if (event.type === 'response.output_text.delta') {
      text += event.data.delta
      onText(text)
    } else if (event.type === 'response.failed') {
      throw new Error(event.data.response.error?.message ?? 'response failed')
    } else if (event.type === 'error') throw new Error(event.data.message)
  }
  return text
}
