import { createEventStream, type EventStream, type EventStreamOptions } from '../../src/index'

/** The events of `POST /v1/messages` with `"stream": true` (the fields read here). */
export type AnthropicEvents = {
  message_start: { type: 'message_start'; message: { id: string; role: 'assistant' } }
  content_block_start: { type: 'content_block_start'; index: number; content_block: { type: string } }
  content_block_delta: {
    type: 'content_block_delta'
    index: number
    delta:
      | { type: 'text_delta'; text: string }
      | { type: 'input_json_delta'; partial_json: string }
      | { type: 'thinking_delta'; thinking: string }
  }
  content_block_stop: { type: 'content_block_stop'; index: number }
  message_delta: { type: 'message_delta'; delta: { stop_reason: string | null } }
  ping: { type: 'ping' }
  error: { type: 'error'; error: { type: string; message: string } } // e.g. overloaded_error, in a 200 stream
}

/** Asks the Messages API for an answer, streamed; `message_stop` ends it (and is not delivered). */
export function anthropicMessage(
  url: string, // e.g. 'https://api.anthropic.com/v1/messages'
  apiKey: string,
  request: { model: string; max_tokens: number; messages: { role: string; content: string }[] },
  options: EventStreamOptions<AnthropicEvents> = {}, // retry, signal, …
): EventStream<AnthropicEvents> {
  return createEventStream<AnthropicEvents>(url, {
    ...options,
    method: 'POST',
    headers: { 'x-api-key': apiKey, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
    body: JSON.stringify({ ...request, stream: true }),
    doneWhen: (event) => event.type === 'message_stop',
  })
}

/** The answer's text: `onText` gets it so far after every text delta; resolves with all of it at the end. */
export async function anthropicText(
  stream: EventStream<AnthropicEvents>,
  onText: (text: string) => void = () => {},
): Promise<string> {
  let text = ''
  for await (const event of stream) {
    if (event.type === 'content_block_delta' && event.data.delta.type === 'text_delta') {
      text += event.data.delta.text
      onText(text)
    } else if (event.type === 'error') {
      throw new Error(`${event.data.error.type}: ${event.data.error.message}`) // leaving the loop closes the stream
    }
  }
  return text
}
