import { createEventStream, type EventStream, type EventStreamOptions } from '../../src/index'

/** A chunk of `POST /v1/chat/completions` with `"stream": true` (the fields read here). */
export type ChatCompletionChunk = {
  id: string
  choices: {
    index: number
    delta: { role?: 'assistant'; content?: string | null }
    finish_reason: string | null
  }[]
}

/** Chunks come without `event:`, so they are all `message`. */
export type ChatCompletionEvents = { message: ChatCompletionChunk }

/**
 * Asks an OpenAI-compatible API (OpenAI, OpenRouter, Groq, vLLM, Ollama) for an answer, streamed. A POST is
 * finite: the stream ends with the answer, and the final `data: [DONE]` ends it without being delivered.
 */
export function chatCompletion(
  url: string, // e.g. 'https://api.openai.com/v1/chat/completions'
  apiKey: string,
  request: { model: string; messages: { role: string; content: string }[] },
  options: EventStreamOptions<ChatCompletionEvents> = {}, // retry, signal, …
): EventStream<ChatCompletionEvents> {
  return createEventStream<ChatCompletionEvents>(url, {
    ...options,
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...request, stream: true }),
  })
}

/** The answer's text: `onText` gets it so far after every chunk; resolves with all of it at the end. */
export async function chatCompletionText(
  stream: EventStream<ChatCompletionEvents>,
  onText: (text: string) => void = () => {},
): Promise<string> {
  let text = ''
  for await (const { data } of stream) {
    text += data.choices[0]?.delta.content ?? ''
    onText(text)
  }
  return text
}
