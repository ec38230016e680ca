// The recipes of docs/llm.md (the files next to this one, printed there as they are), each against a real
// node:http server on 127.0.0.1 that speaks its format: a clean answer, a cut at half (resumed where the
// format can, else closed with the text so far), a 503 before the first event, `reconnect()`, `close()`.
import { readFileSync } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { EventStream, EventStreamError, EventStreamOptions } from '../../src/index'
import { closeAfterEach } from '../helpers/closeAfterEach'
import { type Plan, type RecordedRequest, type SseServer, startSseServer } from '../helpers/sseServer'
import { watchUnhandledRejections } from '../helpers/unhandledRejections'
import { sleep } from '../helpers/until'
import { anthropicMessage, anthropicText } from './anthropic'
import { chatCompletion, chatCompletionText } from './chatCompletions'
import {
  anthropicWire,
  chatCompletionsWire,
  HALF,
  HALF_TEXT,
  responsesWire,
  TEXT,
  TOKENS,
  uiMessageStreamWire,
  type Wire,
} from './llmWire'
import { openaiResponse, responseText } from './responses'
import { backgroundResponse } from './responsesBackground'
import { chatText, startChat } from './resumableChat'
import { createChatServer } from './resumableChatServer'
import { uiMessageStream, uiMessageText } from './uiMessageStream'

const track = closeAfterEach()
const unhandled = watchUnhandledRejections()
afterEach(() => expect(unhandled).toEqual([]))

/** Short retry delays: a retry that should not happen would happen within the tests' waits. */
const FAST = { retry: { initialDelay: 10, maxDelay: 20 } } satisfies EventStreamOptions
/** Longer than any retry delay of {@link FAST}: whatever was to be requested again has been by then. */
const RETRY_WINDOW = 80

/** What every test reads of a recipe's stream, whatever its event map. */
type AnswerStream = Pick<EventStream, 'state' | 'onError' | 'onAny' | 'onRestart' | 'reconnect' | 'close'>

/** A recipe: how to start an answer at `url`, and how to read its text. */
interface Recipe {
  start(
    url: string,
    options: EventStreamOptions,
  ): { stream: AnswerStream; read(onText?: (text: string) => void): Promise<string> }
}

/** Pairs a recipe's stream with its text reader. */
function recipe<S extends AnswerStream>(
  open: (url: string, options: EventStreamOptions) => S,
  read: (stream: S, onText?: (text: string) => void) => Promise<string>,
): Recipe {
  return {
    start(url, options) {
      const stream = track(open(url, options))
      return { stream, read: (onText) => read(stream, onText) }
    },
  }
}

const messages = [{ role: 'user', content: 'Say hello' }]

interface Format {
  name: string
  wire: Wire
  path: string
  recipe: Recipe
  /** What the API gets in the request body. */
  body: Record<string, unknown>
  /** The answer ends with an event that `doneWhen` accepts (`[DONE]`, `message_stop`), not only the body's end. */
  marker: boolean
}

const formats: Format[] = [
  {
    name: 'OpenAI chat completions',
    wire: chatCompletionsWire(),
    path: '/v1/chat/completions',
    recipe: recipe(
      (url, options) => chatCompletion(url, 'sk-test', { model: 'gpt-4o-mini', messages }, options),
      chatCompletionText,
    ),
    body: { model: 'gpt-4o-mini', messages, stream: true },
    marker: true,
  },
  {
    name: 'OpenAI Responses',
    wire: responsesWire(),
    path: '/v1/responses',
    recipe: recipe(
      (url, options) => openaiResponse(url, 'sk-test', { model: 'gpt-4o-mini', input: 'Say hello' }, options),
      responseText,
    ),
    body: { model: 'gpt-4o-mini', input: 'Say hello', stream: true },
    marker: false,
  },
  {
    name: 'Anthropic messages',
    wire: anthropicWire(),
    path: '/v1/messages',
    recipe: recipe(
      (url, options) =>
        anthropicMessage(url, 'sk-ant-test', { model: 'claude-x', max_tokens: 64, messages }, options),
      anthropicText,
    ),
    body: { model: 'claude-x', max_tokens: 64, messages, stream: true },
    marker: true,
  },
  {
    name: 'Vercel AI SDK UI message stream',
    wire: uiMessageStreamWire(),
    path: '/api/chat',
    recipe: recipe((url, options) => uiMessageStream(url, { id: 'c1', messages }, options), uiMessageText),
    body: { id: 'c1', messages },
    marker: true,
  },
]

/** Every chunk of the answer, in full. */
const clean = (wire: Wire): Plan => ({
  kind: 'stream',
  endWhenDone: true,
  ...(wire.headers && { headers: wire.headers }),
})

/** The connection breaks right after the {@link HALF}-th token's event. */
const cutAtHalf = (wire: Wire, server: SseServer): Plan => ({
  kind: 'stream',
  cutAfter: server.bytes(1, wire.upToToken(HALF)).length,
  ...(wire.headers && { headers: wire.headers }),
})

/** A server that speaks `wire` on every path, answering the requests with `plans` in turn (then clean). */
async function serve(wire: Wire, ...plans: ((server: SseServer, request: RecordedRequest) => Plan)[]) {
  const server: SseServer = track(
    await startSseServer({
      count: wire.frames.length,
      frame: (n) => wire.frames[n - 1] as string,
      respond: (request) => (plans[request.index] ?? (() => clean(wire)))(server, request),
    }),
  )
  return server
}

/** The stream completed: `closed`, without an error. */
function expectClosedCleanly(stream: Pick<EventStream, 'state'>): void {
  expect(stream.state.status).toBe('closed')
  expect(stream.state.error).toBeUndefined()
}

/** Starts an answer and records what its reader and its stream report. */
function ask(recipe: Recipe, url: string, options: EventStreamOptions = FAST) {
  const { stream, read } = recipe.start(url, options)
  const errors: EventStreamError[] = []
  const texts: string[] = []
  const types: string[] = []
  stream.onError((error) => errors.push(error))
  stream.onAny((event) => types.push(event.type))
  const text = read((text) => texts.push(text))
  // A rejection is asserted by the test; without this, one that the test does not await would be unhandled.
  text.catch(() => {})
  return { stream, text, read, errors, texts, types, shown: () => texts.at(-1) ?? '' }
}

describe.each(formats.map((format) => [format.name, format] as const))(
  '%s',
  (_, { wire, path, recipe, body, marker }) => {
    it('reads the whole answer with one request, then closes without an error and ends the loop', async () => {
      const server = await serve(wire, () => clean(wire))
      const answer = ask(recipe, server.origin + path)
      await expect(answer.text).resolves.toBe(TEXT)
      expectClosedCleanly(answer.stream)
      expect(answer.errors).toEqual([]) // no decode error for `[DONE]`
      expect(answer.types).not.toContain('message_stop') // Anthropic's end is not delivered either
      await sleep(RETRY_WINDOW)
      expect(server.requests).toHaveLength(1)
      const [request] = server.requests
      expect(request?.method).toBe('POST')
      expect(JSON.parse(request?.body ?? '')).toEqual(body)
      expect(request?.headers.accept).toBe('text/event-stream')
    })

    it('closes with a network error on a cut at half, keeps the text so far and never sends the POST again', async () => {
      const server = await serve(wire, (server) => cutAtHalf(wire, server))
      const answer = ask(recipe, server.origin + path)
      await expect(answer.text).rejects.toMatchObject({ code: 'network' }) // the loop throws it
      expect(answer.shown()).toBe(HALF_TEXT)
      expect(answer.stream.state).toMatchObject({ status: 'closed', error: { code: 'network' } })
      expect(answer.errors.map((error) => error.code)).toEqual(['network'])
      await sleep(RETRY_WINDOW)
      expect(server.requests).toHaveLength(1)
    })

    it(`breaks right after the last event: ${marker ? 'complete (its end event came first)' : 'a cut (no end event), with the whole text'}`, async () => {
      const server = await serve(wire, (server) => ({ kind: 'stream', cutAfter: server.bytes().length }))
      const answer = ask(recipe, server.origin + path)
      if (marker) {
        await expect(answer.text).resolves.toBe(TEXT)
        expectClosedCleanly(answer.stream)
        expect(answer.errors).toEqual([])
      } else {
        await expect(answer.text).rejects.toMatchObject({ code: 'network' })
        expect(answer.shown()).toBe(TEXT)
      }
      await sleep(RETRY_WINDOW)
      expect(server.requests).toHaveLength(1)
    })
  },
)

describe('OpenAI chat completions', () => {
  const chat = formats[0] as Format
  const url = (server: SseServer) => server.origin + chat.path

  it('resumes a cut answer whose chunks carry `id:` with one more POST and Last-Event-ID, no token twice', async () => {
    const wire = chatCompletionsWire({ ids: true })
    const server = await serve(wire, (server) => cutAtHalf(wire, server))
    const answer = ask(chat.recipe, url(server))
    await expect(answer.text).resolves.toBe(TEXT)
    expectClosedCleanly(answer.stream)
    expect(answer.errors.map((error) => error.code)).toEqual(['network']) // the cut, reported as it resumed
    await sleep(RETRY_WINDOW)
    expect(server.requests.map(({ method, lastEventId }) => [method, lastEventId])).toEqual([
      ['POST', ''],
      ['POST', String(wire.upToToken(HALF))],
    ])
    expect(server.requests[1]?.body).toBe(server.requests[0]?.body)
    expect(server.requests[1]?.firstEvent).toBe(wire.upToToken(HALF) + 1) // served from the sixth token on
  })

  it('sends the POST again after a 503 before the first event', async () => {
    const server = await serve(chat.wire, () => ({ kind: 'reply', status: 503, body: 'busy' }))
    const answer = ask(chat.recipe, url(server))
    await expect(answer.text).resolves.toBe(TEXT)
    expect(answer.errors.map((error) => [error.code, error.status])).toEqual([['http', 503]])
    expectClosedCleanly(answer.stream)
    expect(server.requests.map((request) => request.method)).toEqual(['POST', 'POST'])
    expect(server.requests[1]?.body).toBe(server.requests[0]?.body)
  })

  it('closes with the network error when `reconnectRequest` returns false', async () => {
    const server = await serve(chat.wire, (server) => cutAtHalf(chat.wire, server))
    const contexts: unknown[] = []
    const answer = ask(chat.recipe, url(server), {
      ...FAST,
      reconnectRequest: (context) => {
        contexts.push(context)
        return false
      },
    })
    await expect(answer.text).rejects.toMatchObject({ code: 'network' })
    expect(answer.shown()).toBe(HALF_TEXT)
    expect(contexts).toEqual([{ lastEventId: '', attempt: 1 }])
    expect(answer.stream.state).toMatchObject({ status: 'closed', error: { code: 'network' } })
    await sleep(RETRY_WINDOW)
    expect(server.requests).toHaveLength(1)
  })

  it('starts a finished answer again on `reconnect()`: one more POST, the same text', async () => {
    const server = await serve(chat.wire)
    const answer = ask(chat.recipe, url(server))
    await expect(answer.text).resolves.toBe(TEXT)
    let restarts = 0
    answer.stream.onRestart(() => restarts++)
    answer.stream.reconnect() // "regenerate"
    expect(restarts).toBe(1)
    await expect(answer.read()).resolves.toBe(TEXT) // a new loop over the same stream
    expectClosedCleanly(answer.stream)
    await sleep(RETRY_WINDOW)
    expect(server.requests.map(({ method, lastEventId }) => [method, lastEventId])).toEqual([
      ['POST', ''],
      ['POST', ''],
    ])
  })

  it('starts a cut answer again on `reconnect()`: one more POST, the whole text', async () => {
    const server = await serve(chat.wire, (server) => cutAtHalf(chat.wire, server))
    const answer = ask(chat.recipe, url(server))
    await expect(answer.text).rejects.toMatchObject({ code: 'network' })
    answer.stream.reconnect()
    await expect(answer.read()).resolves.toBe(TEXT)
    expectClosedCleanly(answer.stream)
    await sleep(RETRY_WINDOW)
    expect(server.requests.map(({ method, lastEventId }) => [method, lastEventId])).toEqual([
      ['POST', ''],
      ['POST', ''],
    ])
  })

  it('ends the loop with the text so far and aborts the request on `close()` (a stop button)', async () => {
    const server = await serve(chat.wire, (server) => ({
      kind: 'stream',
      stallAfter: server.bytes(1, chat.wire.upToToken(HALF)).length,
    }))
    const { stream, read } = chat.recipe.start(url(server), FAST)
    const text = read((text) => {
      if (text === HALF_TEXT) stream.close()
    })
    await expect(text).resolves.toBe(HALF_TEXT)
    expect(stream.state.status).toBe('closed')
    await server.requests[0]?.closed
    expect(server.requests[0]?.closedEarly).toBe(true)
    expect(server.requests).toHaveLength(1)
  })
})

describe('OpenAI Responses in the background', () => {
  it('resumes a cut answer with one GET after the last sequence_number, no token twice', async () => {
    const wire = responsesWire()
    const after = wire.upToToken(HALF) - 1 // the sequence_number of the fifth token's event
    const server = await serve(
      wire,
      (server) => cutAtHalf(wire, server),
      () => ({
        kind: 'reply',
        status: 200,
        headers: { 'content-type': 'text/event-stream' },
        body: wire.frames.slice(after + 1).join(''),
      }),
    )
    const url = `${server.origin}/v1/responses`
    const stream = track(
      backgroundResponse(url, 'sk-test', { model: 'gpt-4o-mini', input: 'Say hello' }, FAST),
    )
    const text = responseText(stream)
    await expect(text).resolves.toBe(TEXT)
    expectClosedCleanly(stream)
    await sleep(RETRY_WINDOW)
    const [post, get] = server.requests
    expect(server.requests).toHaveLength(2)
    expect(JSON.parse(post?.body ?? '')).toMatchObject({ background: true, stream: true })
    expect([get?.method, get?.url, get?.body]).toEqual([
      'GET',
      `/v1/responses/resp_1?stream=true&starting_after=${after}`,
      '',
    ])
    expect(get?.headers.authorization).toBe('Bearer sk-test')
  })
})

describe('OpenAI Responses', () => {
  it('completes at `response.completed` with `doneWhen`, also when the connection breaks right after it', async () => {
    const wire = responsesWire()
    const server = await serve(wire, (server) => ({ kind: 'stream', cutAfter: server.bytes().length }))
    const stream = track(
      openaiResponse(
        `${server.origin}/v1/responses`,
        'sk-test',
        { model: 'gpt-4o-mini', input: 'Say hello' },
        { ...FAST, doneWhen: (event) => event.type === 'response.completed' },
      ),
    )
    await expect(responseText(stream)).resolves.toBe(TEXT)
    expectClosedCleanly(stream)
    expect(server.requests).toHaveLength(1)
  })
})

describe('Anthropic messages', () => {
  const anthropic = formats[2] as Format

  it('ignores `ping`s and stops at an `error` event, keeping the text so far, with one request', async () => {
    const wire = anthropicWire({ overloaded: true })
    const server = await serve(wire)
    const answer = ask(anthropic.recipe, server.origin + anthropic.path)
    await expect(answer.text).rejects.toThrow('overloaded_error: Overloaded')
    expect(answer.shown()).toBe(HALF_TEXT)
    expect(answer.types.filter((type) => type === 'ping')).toHaveLength(1)
    expect(answer.stream.state.status).toBe('closed')
    await sleep(RETRY_WINDOW)
    expect(server.requests).toHaveLength(1)
  })
})

describe('a resumable chat endpoint', () => {
  /** The "model": the tokens, 1 ms apart; with `gate`, it waits for it after the first half. */
  const model = (gate?: Promise<void>) =>
    async function* () {
      for (const [i, token] of TOKENS.entries()) {
        if (i === HALF && gate) await gate
        await sleep(1)
        yield token
      }
    }

  async function startServer(generate: () => AsyncIterable<string>) {
    const server = createChatServer(generate)
    const requests: IncomingMessage[] = []
    server.on('request', (request: IncomingMessage) => requests.push(request))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    track({
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections()
          server.close(() => resolve())
        }),
    })
    const { port } = server.address() as AddressInfo
    return { url: `http://127.0.0.1:${port}/chat`, requests }
  }
  const seen = (requests: IncomingMessage[]) =>
    requests.map(({ method, url, headers }) => [method, url, headers['last-event-id']])

  it('streams a whole answer with one POST', async () => {
    const { url, requests } = await startServer(model())
    const stream = track(startChat(url, 'Say hello', FAST))
    await expect(chatText(stream)).resolves.toBe(TEXT)
    expectClosedCleanly(stream)
    await sleep(RETRY_WINDOW)
    expect(seen(requests)).toEqual([['POST', '/chat', undefined]])
  })

  it('resumes a cut at half with one GET and Last-Event-ID, each token exactly once', async () => {
    let release = () => {}
    const { url, requests } = await startServer(model(new Promise<void>((resolve) => (release = resolve))))
    const stream = track(startChat(url, 'Say hello', FAST))
    const errors: string[] = []
    stream.onError((error) => errors.push(error.code))
    const texts: string[] = []
    const text = chatText(stream, (text) => {
      texts.push(text)
      if (text !== HALF_TEXT) return
      requests[0]?.socket.destroy() // the connection breaks; the answer goes on at the server
      release()
    })
    await expect(text).resolves.toBe(TEXT)
    expect(texts).toEqual(TOKENS.map((_, i) => TOKENS.slice(0, i + 1).join('')))
    expect(errors).toEqual(['network']) // the cut, reported as it resumed
    expectClosedCleanly(stream)
    expect(stream.state.lastEventId).toBe(String(TOKENS.length))
    await sleep(RETRY_WINDOW)
    expect(seen(requests)).toEqual([
      ['POST', '/chat', undefined],
      ['GET', '/chat/1/stream', String(HALF)],
    ])
  })
})

describe('docs/llm.md', () => {
  const read = (file: string) => readFileSync(new URL(file, import.meta.url), 'utf8')

  it.each([
    'chatCompletions.ts',
    'responses.ts',
    'responsesBackground.ts',
    'anthropic.ts',
    'uiMessageStream.ts',
    'resumableChatServer.ts',
    'resumableChat.ts',
  ])('prints test/recipes/%s as the tests run it', (file) => {
    const recipe = read(`./${file}`).replace("from '../../src/index'", "from 'typed-sse'")
    expect(read('../../docs/llm.md')).toContain(`\`\`\`ts\n${recipe}\`\`\``)
  })
})
