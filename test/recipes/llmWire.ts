// What each model API sends for one answer, event by event, as test servers write it (abridged from the
// providers' streams: ids, usage and most fields left out). The answer is the same ten tokens in every format,
// with multi-byte characters, so that a test can cut any of them after the fifth token.

/** The answer, token by token. */
export const TOKENS = ['Hel', 'lo', '! ', 'Ça', ' va', ' ?', ' Voi', 'là', ' 👋', '.'] as const
/** The whole text. */
export const TEXT = TOKENS.join('')
/** Where the tests cut the connection: after this many tokens. */
export const HALF = 5
/** The text of the first {@link HALF} tokens. */
export const HALF_TEXT = TOKENS.slice(0, HALF).join('')

/** One answer on the wire. */
export interface Wire {
  /** The wire text of every event, blank line included. */
  frames: string[]
  /** How many frames come up to and including the `k`-th token's (1-based). */
  upToToken(k: number): number
  /** Response headers the API sends besides the content type. */
  headers?: Record<string, string>
}

/** An event on the wire. */
const sse = (data: unknown, event?: string): string =>
  `${event === undefined ? '' : `event: ${event}\n`}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`

/** Marks the frames that carry a token, to find the cut. */
function wire(parts: { frame: string; token?: true }[], headers?: Record<string, string>): Wire {
  const tokenEnds: number[] = []
  parts.forEach((part, i) => {
    if (part.token) tokenEnds.push(i + 1)
  })
  return {
    frames: parts.map((part) => part.frame),
    upToToken: (k) => tokenEnds[k - 1] ?? parts.length,
    ...(headers && { headers }),
  }
}

/**
 * OpenAI chat completions: no `event:`, a final `data: [DONE]`. With `ids`, every frame carries `id: n`
 * (its 1-based number), as a server of your own may send so that the answer can resume.
 */
export function chatCompletionsWire({ ids = false } = {}): Wire {
  const chunk = (delta: object, finish: string | null = null) =>
    sse({
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta, finish_reason: finish }],
    })
  const parts: { frame: string; token?: true }[] = [
    { frame: chunk({ role: 'assistant', content: '' }) },
    ...TOKENS.map((content) => ({ frame: chunk({ content }), token: true as const })),
    { frame: chunk({}, 'stop') },
    { frame: sse('[DONE]') },
  ]
  return wire(ids ? parts.map((part, i) => ({ ...part, frame: `id: ${i + 1}\n${part.frame}` })) : parts)
}

/** OpenAI Responses: named events with a rising `sequence_number` (0-based: the frame's index); no `[DONE]`. */
export function responsesWire(): Wire {
  const parts: { frame: string; token?: true }[] = []
  const add = (type: string, fields: object, token?: true) => {
    const frame = sse({ type, sequence_number: parts.length, ...fields }, type)
    parts.push(token ? { frame, token } : { frame })
  }
  const item = { item_id: 'msg_1', output_index: 0, content_index: 0 }
  add('response.created', { response: { id: 'resp_1', status: 'in_progress' } })
  add('response.in_progress', { response: { id: 'resp_1', status: 'in_progress' } })
  add('response.output_item.added', { output_index: 0, item: { id: 'msg_1', type: 'message', content: [] } })
  add('response.content_part.added', { ...item, part: { type: 'output_text', text: '' } })
  for (const delta of TOKENS) add('response.output_text.delta', { ...item, delta }, true)
  add('response.output_text.done', { ...item, text: TEXT })
  add('response.content_part.done', { ...item, part: { type: 'output_text', text: TEXT } })
  add('response.output_item.done', { output_index: 0, item: { id: 'msg_1', type: 'message' } })
  add('response.completed', { response: { id: 'resp_1', status: 'completed' } })
  return wire(parts)
}

/**
 * Anthropic messages: named events, `ping`s at any time, `message_stop` last. With `overloaded`, an
 * `error` event comes after the fifth token instead of the rest, and the body ends.
 */
export function anthropicWire({ overloaded = false } = {}): Wire {
  const event = (type: string, fields: object = {}) => ({ frame: sse({ type, ...fields }, type) })
  const delta = (text: string) => ({
    ...event('content_block_delta', { index: 0, delta: { type: 'text_delta', text } }),
    token: true as const,
  })
  const parts: { frame: string; token?: true }[] = [
    event('message_start', { message: { id: 'msg_1', type: 'message', role: 'assistant', content: [] } }),
    event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    event('ping'),
    ...TOKENS.slice(0, HALF).map(delta),
  ]
  if (overloaded) {
    parts.push(event('error', { error: { type: 'overloaded_error', message: 'Overloaded' } }))
    return wire(parts)
  }
  parts.push(
    event('ping'),
    ...TOKENS.slice(HALF).map(delta),
    event('content_block_stop', { index: 0 }),
    event('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null } }),
    event('message_stop'),
  )
  return wire(parts)
}

/** The Vercel AI SDK's UI message stream: JSON parts without `event:`, a final `data: [DONE]`. */
export function uiMessageStreamWire(): Wire {
  const part = (fields: object) => ({ frame: sse(fields) })
  return wire(
    [
      part({ type: 'start', messageId: 'm1' }),
      part({ type: 'start-step' }),
      part({ type: 'text-start', id: 't1' }),
      ...TOKENS.map((delta) => ({ ...part({ type: 'text-delta', id: 't1', delta }), token: true as const })),
      part({ type: 'text-end', id: 't1' }),
      part({ type: 'finish-step' }),
      part({ type: 'finish' }),
      { frame: sse('[DONE]') },
    ],
    { 'x-vercel-ai-ui-message-stream': 'v1' },
  )
}
