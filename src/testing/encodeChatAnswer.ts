import { encodeEvent } from './encodeEvent'

/**
 * One chunk of an OpenAI-compatible streamed chat completion (`"object": "chat.completion.chunk"`), as
 * {@link createMockChat} sends it in the `data:` of each event. Type a client with it:
 * `useEventStream<{ message: ChatCompletionChunk }, string>(…)`.
 * @public
 */
export interface ChatCompletionChunk {
  /** The chat's id: the same in every chunk of one answer (and the `:id` of its resume URL). */
  id: string
  /** Always `'chat.completion.chunk'`. */
  object: 'chat.completion.chunk'
  /** Seconds since the epoch when the answer started. */
  created: number
  /** The model's name ({@link MockChatOptions.model}). */
  model: string
  /** One choice: the text `delta` of this chunk, and `finish_reason: 'stop'` in the last one. */
  choices: {
    /** Always 0. */
    index: number
    /** The first chunk has `role: 'assistant'` and empty content; each later one a token (`content`). */
    delta: { role?: 'assistant'; content?: string }
    /** `null` until the chunk that ends the answer, which has an empty `delta`. */
    finish_reason: 'stop' | null
  }[]
}

type ChunkDelta = ChatCompletionChunk['choices'][number]['delta']

/** The event after the last chunk of every answer, without an id. */
export const DONE_EVENT = 'data: [DONE]\n\n'

/** Splits text into tokens: each run of non-whitespace with the whitespace before it (trailing space too). */
function tokenize(text: string): string[] {
  return text.match(/\s*\S+|\s+/g) ?? []
}

/**
 * The events of one answer in wire format, each at the index that is its event id: 0 the role chunk,
 * 1…n the tokens, n + 1 the chunk with `finish_reason: 'stop'`; then {@link DONE_EVENT}. A string
 * `answer` is split into tokens as a model's tokenizer roughly does it; an array is used token by token.
 */
export function encodeChatAnswer(
  chatId: string,
  model: string,
  answer: string | readonly string[],
): string[] {
  const tokens = typeof answer === 'string' ? tokenize(answer) : answer
  const created = Math.floor(Date.now() / 1000)
  const chunk = (delta: ChunkDelta, stop = false): ChatCompletionChunk => ({
    id: chatId,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: stop ? 'stop' : null }],
  })
  const chunks = [
    chunk({ role: 'assistant', content: '' }),
    ...tokens.map((content) => chunk({ content })),
    chunk({}, true),
  ]
  const events = chunks.map((data, id) =>
    encodeEvent<{ message: ChatCompletionChunk }>({ id: String(id), data }),
  )
  return [...events, DONE_EVENT]
}
