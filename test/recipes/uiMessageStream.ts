import { createEventStream, type EventStream, type EventStreamOptions } from '../../src/index'

/** The parts of an AI SDK UI message stream read here (there are more: reasoning, tools, sources, data). */
export type UIMessageChunk =
  | { type: 'start'; messageId?: string }
  | { type: 'start-step' | 'finish-step' | 'finish' }
  | { type: 'text-start' | 'text-end'; id: string }
  | { type: 'text-delta'; id: string; delta: string }
  | { type: 'error'; errorText: string }

/** Parts come without `event:`, so they are all `message`. */
export type UIMessageStreamEvents = { message: UIMessageChunk }

/**
 * Posts to a route that answers with `result.toUIMessageStreamResponse()` (header
 * `x-vercel-ai-ui-message-stream: v1`), without `useChat`. The final `data: [DONE]` ends the stream.
 */
export function uiMessageStream(
  url: string, // e.g. '/api/chat'
  body: object, // what your route reads, e.g. { id, messages }
  options: EventStreamOptions<UIMessageStreamEvents> = {}, // retry, signal, …
): EventStream<UIMessageStreamEvents> {
  return createEventStream<UIMessageStreamEvents>(url, {
    ...options,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
}

/** The answer's text: `onText` gets it so far after every text delta; resolves with all of it at the end. */
export async function uiMessageText(
  stream: EventStream<UIMessageStreamEvents>,
  onText: (text: string) => void = () => {},
): Promise<string> {
  let text = ''
  for await (const { data } of stream) {
    if (data.type === 'text-delta') {
      text += data.delta
      onText(text)
    } else if (data.type === 'error') throw new Error(data.errorText)
  }
  return text
}
