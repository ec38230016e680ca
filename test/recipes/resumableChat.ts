import { createEventStream, type EventStream, type EventStreamOptions } from '../../src/index'

export type ChatEvents = { chat: { id: string }; token: { text: string } }

/**
 * Asks `POST /chat` for an answer. Its first event names the chat; after a cut the stream resumes with
 * `GET /chat/:id/stream` and `Last-Event-ID`: the tokens after the last one received, each exactly once.
 */
export function startChat(
  url: string, // e.g. '/chat'
  prompt: string,
  options: EventStreamOptions<ChatEvents> = {}, // retry, signal, …
): EventStream<ChatEvents> {
  let chatId = ''
  const stream = createEventStream<ChatEvents>(url, {
    ...options,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt }),
    reconnectRequest: () => ({ url: `/chat/${chatId}/stream`, method: 'GET' }), // relative to `url`
  })
  stream.on('chat', ({ id }) => {
    chatId = id
  })
  return stream
}

/** The answer's text: `onText` gets it so far after every token; resolves with all of it at the end. */
export async function chatText(
  stream: EventStream<ChatEvents>,
  onText: (text: string) => void = () => {},
): Promise<string> {
  let text = ''
  for await (const event of stream) {
    if (event.type === 'token') {
      text += event.data.text
      onText(text)
    }
  }
  return text
}
