// createMockChat (typed-sse/testing): an OpenAI-compatible streaming chat endpoint for MSW that cuts an answer
// and resumes it. Runs on MSW 2 (`node` project) and MSW 3 (`msw3` project), as helpers.test.ts does.
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest'
import { createParser } from '../../src/core/wire/parse'
import { createEventStream, type EventStreamOptions } from '../../src/index'
import { type ChatCompletionChunk, createMockChat, type MockChat } from '../../src/testing'
import { until } from '../helpers/until'

const msw = inject('msw')
const skipped = msw.runs === false
const suiteName = skipped
  ? `createMockChat with MSW ${msw.major} (skipped: needs Node >= ${msw.needsNode}, this is ${process.version})`
  : `createMockChat with MSW ${msw.major}`

type Events = { message: ChatCompletionChunk }

const API = 'https://llm.test'
const ANSWER = 'Server-Sent Events stream text over HTTP, one event at a time: naïve 🙂 tokens too.'

/** Parses a whole event-stream text: [id, data] of every event it dispatches. */
function parseAll(text: string): [string, string][] {
  const events: [string, string][] = []
  createParser({ onEvent: (_type, data, id) => events.push([id, data]) }).feed(text)
  return events
}

/** The text of the `content` deltas of these events. */
const contentOf = (events: [string, string][]) =>
  events
    .filter(([, data]) => data !== '[DONE]')
    .map(([, data]) => (JSON.parse(data) as ChatCompletionChunk).choices[0]?.delta.content ?? '')
    .join('')

const post = (body: unknown, headers: HeadersInit = {}) =>
  fetch(`${API}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })

/** Reads a body until it ends or breaks: its text, and the error that broke it. */
async function readAll(response: Response): Promise<{ text: string; error?: unknown }> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader()
  const decoder = new TextDecoder()
  let text = ''
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return { text }
      text += decoder.decode(value, { stream: true })
    }
  } catch (error) {
    return { text, error }
  }
}

/** Streams one answer with the client, as a chat UI does, and resolves with its text once it is closed. */
async function ask(chat: MockChat, options: EventStreamOptions<Events> & { chatId?: string }) {
  const { chatId, ...rest } = options
  const stream = createEventStream<Events>(`${API}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...(chatId && { id: chatId }), messages: [{ role: 'user', content: 'Hi' }] }),
    retry: { initialDelay: 5, maxDelay: 20 },
    ...rest,
  })
  let text = ''
  const errors: string[] = []
  stream.on('message', (chunk) => {
    text += chunk.choices[0]?.delta.content ?? ''
  })
  stream.onError((error) => errors.push(error.code))
  await until(() => stream.state.status === 'closed', 5000, `the answer to close (${chat.requests.length})`)
  return { text, errors, state: stream.state }
}

describe.skipIf(skipped)(suiteName, () => {
  const server = setupServer()
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
  afterEach(() => server.resetHandlers())
  afterAll(() => server.close())

  /** A mock chat on the test API's origin, its handlers in use, reset after the test. */
  function mockChat(options: Omit<Parameters<typeof createMockChat>[0], 'url' | 'resumeUrl'>): MockChat {
    const chat = createMockChat({
      url: `${API}/v1/chat/completions`,
      resumeUrl: `${API}/chat/:id/stream`,
      ...options,
    })
    server.use(...chat.handlers)
    return chat
  }

  describe('the wire format', () => {
    it('streams the role chunk, a chunk per token with id n, the finish chunk and [DONE], then ends', async () => {
      const chat = mockChat({ answer: 'Hello there!', model: 'gpt-mock' })
      const response = await post({ id: 'c1', messages: [] })
      expect(response.headers.get('content-type')).toBe('text/event-stream')
      const text = await response.text()
      expect(text.endsWith('\n\ndata: [DONE]\n\n')).toBe(true)
      const events = parseAll(text)
      expect(events.map(([id]) => id)).toEqual(['0', '1', '2', '3', '3'])
      const chunks = events.slice(0, -1).map(([, data]) => JSON.parse(data) as ChatCompletionChunk)
      expect(chunks.map((chunk) => chunk.choices[0])).toEqual([
        { index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null },
        { index: 0, delta: { content: 'Hello' }, finish_reason: null },
        { index: 0, delta: { content: ' there!' }, finish_reason: null },
        { index: 0, delta: {}, finish_reason: 'stop' },
      ])
      for (const chunk of chunks) {
        expect(chunk).toMatchObject({ id: 'c1', object: 'chat.completion.chunk', model: 'gpt-mock' })
        expect(chunk.created).toBe(chunks[0]?.created)
      }
      expect(events.at(-1)).toEqual(['3', '[DONE]'])
      expect(chat.requests).toEqual([
        {
          method: 'POST',
          path: '/v1/chat/completions',
          lastEventId: null,
          chatId: 'c1',
          body: { id: 'c1', messages: [] },
        },
      ])
    })

    it('splits text into tokens that join to it exactly, whitespace, accents and emoji included', async () => {
      const answer = '  Two  spaces,\nnew lines\tand 🙂 emoji.  '
      mockChat({ answer })
      const events = parseAll(await (await post({})).text())
      expect(contentOf(events)).toBe(answer)
      expect(events.length).toBe(answer.trim().split(/\s+/).length + 1 + 3) // + trailing space, role, finish, [DONE]
    })

    it('sends given tokens as they are, and takes the answer from the request when it is a function', async () => {
      mockChat({ answer: ['A', 'B', 'C'] })
      expect(parseAll(await (await post({})).text()).length).toBe(6)
      server.resetHandlers()
      mockChat({
        answer: (body) => `You said: ${(body as { messages: { content: string }[] }).messages[0]?.content}`,
      })
      expect(contentOf(parseAll(await (await post({ messages: [{ content: 'hi' }] })).text()))).toBe(
        'You said: hi',
      )
    })

    it('names chats chatcmpl-1, chatcmpl-2… when the body has no id', async () => {
      const chat = mockChat({ answer: 'x' })
      await (await post({})).text()
      await (await fetch(`${API}/v1/chat/completions`, { method: 'POST', body: 'not json' })).text()
      expect(chat.requests.map((request) => [request.chatId, request.body])).toEqual([
        ['chatcmpl-1', {}],
        ['chatcmpl-2', undefined],
      ])
    })

    it('paces the tokens at `interval`', async () => {
      mockChat({ answer: 'one two three four five', interval: 40 })
      const started = performance.now()
      await (await post({})).text()
      // Five tokens and the end, 40 ms apart.
      expect(performance.now() - started).toBeGreaterThanOrEqual(6 * 40 - 10)
    })
  })

  describe('cuts', () => {
    it('cuts after `cutAfter` tokens with half of the next event and a network error', async () => {
      mockChat({ answer: 'a b c d e', cutAfter: 2 })
      const { text, error } = await readAll(await post({ id: 'c1' }))
      expect(error).toBeDefined()
      expect(parseAll(text).map(([id]) => id)).toEqual(['0', '1', '2'])
      expect(contentOf(parseAll(text))).toBe('a b')
      // The half event: started, never dispatched.
      expect(text.slice(text.lastIndexOf('\n\n') + 2)).toMatch(/^id: 3\ndata: \{"id":"c1"/)
    })

    it('cuts once per answer: the resume and the next answer are cut once each', async () => {
      const chat = mockChat({ answer: 'a b c d e', cutAfter: 2 })
      expect((await readAll(await post({ id: 'c1' }))).error).toBeDefined()
      const resumed = await readAll(
        await fetch(`${API}/chat/c1/stream`, { headers: { 'last-event-id': '0' } }),
      )
      expect(resumed.error).toBeUndefined()
      expect(contentOf(parseAll(resumed.text))).toBe('a b c d e')
      expect((await readAll(await post({ id: 'c2' }))).error).toBeDefined()
      chat.reset()
      expect((await readAll(await post({ id: 'c1' }))).error).toBeDefined()
    })

    it('cut() cuts every open answer now, and the answers go on for the resume', async () => {
      const chat = mockChat({ answer: 'a b c d e f g h', interval: 20 })
      const reading = readAll(await post({ id: 'c1' }))
      await until(() => chat.requests.length === 1)
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(chat.cut()).toBe(1)
      const { text, error } = await reading
      expect(error).toBeDefined()
      const last = parseAll(text).at(-1)?.[0] as string
      expect(Number(last)).toBeLessThan(8)
      expect(chat.cut()).toBe(0)
      const rest = await (await fetch(`${API}/chat/c1/stream`, { headers: { 'last-event-id': last } })).text()
      expect(contentOf(parseAll(text)) + contentOf(parseAll(rest))).toBe('a b c d e f g h')
    })
  })

  describe('resume', () => {
    it('sends the chunks after Last-Event-ID, of an answer that went on without a client', async () => {
      const chat = mockChat({ answer: 'a b c d e', cutAfter: 1, interval: 10 })
      await readAll(await post({ id: 'c1' }))
      await new Promise((resolve) => setTimeout(resolve, 100)) // the model finishes meanwhile
      const started = performance.now()
      const text = await (await fetch(`${API}/chat/c1/stream`, { headers: { 'last-event-id': '3' } })).text()
      expect(performance.now() - started).toBeLessThan(30) // all at once: already generated
      expect(parseAll(text).map(([id]) => id)).toEqual(['4', '5', '6', '6'])
      expect(contentOf(parseAll(text))).toBe(' d e')
      expect(
        chat.requests.map(({ method, path, lastEventId, chatId }) => [method, path, lastEventId, chatId]),
      ).toEqual([
        ['POST', '/v1/chat/completions', null, 'c1'],
        ['GET', '/chat/c1/stream', '3', 'c1'],
      ])
    })

    it('takes the last event ID from the last_event_id query parameter too, and starts over without one', async () => {
      mockChat({ answer: 'a b c' })
      await (await post({ id: 'c1' })).text()
      const after = await (await fetch(`${API}/chat/c1/stream?last_event_id=2`)).text()
      expect(contentOf(parseAll(after))).toBe(' c')
      const all = await (await fetch(`${API}/chat/c1/stream`)).text()
      expect(contentOf(parseAll(all))).toBe('a b c')
    })

    it('answers 404 for an unknown chat', async () => {
      const chat = mockChat({ answer: 'a' })
      expect((await fetch(`${API}/chat/nope/stream`)).status).toBe(404)
      expect(chat.requests).toEqual([
        { method: 'GET', path: '/chat/nope/stream', lastEventId: null, chatId: undefined, body: undefined },
      ])
    })

    it('notifies subscribers of each request and of reset()', async () => {
      const chat = mockChat({ answer: 'a' })
      const seen: number[] = []
      const unsubscribe = chat.subscribe(() => seen.push(chat.requests.length))
      await (await post({})).text()
      await fetch(`${API}/chat/chatcmpl-1/stream`)
      chat.reset()
      unsubscribe()
      await (await post({})).text()
      expect(seen).toEqual([1, 2, 0])
      expect(chat.requests.map((request) => request.chatId)).toEqual(['chatcmpl-1'])
    })
  })

  describe('with the client', () => {
    it('completes the answer exactly after a cut, resuming with reconnectRequest and Last-Event-ID', async () => {
      const chat = mockChat({ answer: ANSWER, interval: 2, cutAfter: 5 })
      const { text, errors, state } = await ask(chat, {
        chatId: 'c1',
        reconnectRequest: () => ({ url: `${API}/chat/c1/stream`, method: 'GET' }),
      })
      expect(text).toBe(ANSWER)
      expect(state).toMatchObject({ status: 'closed', lastEventId: String(ANSWER.split(' ').length + 1) })
      expect(state.error).toBeUndefined()
      expect(errors).toEqual(['network'])
      expect(chat.requests.map(({ method, path, lastEventId }) => [method, path, lastEventId])).toEqual([
        ['POST', '/v1/chat/completions', null],
        ['GET', '/chat/c1/stream', '5'],
      ])
    })

    it('completes the answer exactly whichever token the cut comes after, the first and the last included', async () => {
      const tokens = ANSWER.split(' ').length
      for (const cutAfter of [0, 1, tokens - 1, tokens, tokens + 1]) {
        const chat = mockChat({ answer: ANSWER, cutAfter })
        const { text, state } = await ask(chat, {
          chatId: `c${cutAfter}`,
          reconnectRequest: () => ({ url: `${API}/chat/c${cutAfter}/stream`, method: 'GET' }),
        })
        expect(text).toBe(ANSWER)
        expect(state.error).toBeUndefined()
        expect(chat.requests.map((request) => request.lastEventId)).toEqual([null, String(cutAfter)])
        server.resetHandlers()
      }
    })

    it('completes the answer exactly when the client resumes with the same POST and Last-Event-ID', async () => {
      // No reconnectRequest: a finite stream resumes with the same request; the mock finds the answer by
      // the body's chat id, or by the same body when it has none.
      for (const chatId of ['c1', undefined]) {
        const chat = mockChat({ answer: ANSWER, cutAfter: 3 })
        const { text, state } = await ask(chat, chatId ? { chatId } : {})
        expect(text).toBe(ANSWER)
        expect(state.error).toBeUndefined()
        expect(chat.requests.map(({ method, lastEventId, chatId }) => [method, lastEventId, chatId])).toEqual(
          [
            ['POST', null, chatId ?? 'chatcmpl-1'],
            ['POST', '3', chatId ?? 'chatcmpl-1'],
          ],
        )
        server.resetHandlers()
      }
    })

    it('keeps the text of an answer cut twice (cutAfter, then cut()) and completes it', async () => {
      const chat = mockChat({ answer: ANSWER, interval: 5, cutAfter: 2 })
      const answered = ask(chat, {
        chatId: 'c1',
        reconnectRequest: () => ({ url: `${API}/chat/c1/stream`, method: 'GET' }),
      })
      await until(() => chat.requests.length === 2)
      await new Promise((resolve) => setTimeout(resolve, 20))
      expect(chat.cut()).toBe(1)
      const { text } = await answered
      expect(text).toBe(ANSWER)
      const resumes = chat.requests.slice(1).map((request) => Number(request.lastEventId))
      expect(resumes.length).toBe(2)
      expect(resumes[0]).toBe(2)
      expect(resumes[1]).toBeGreaterThan(2)
    })
  })
})
