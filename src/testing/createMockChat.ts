import { type HttpHandler, http } from 'msw'

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

/** What the answer is: the text (split into tokens), the tokens themselves, or either from the request. @public */
export type MockChatAnswer =
  | string
  | readonly string[]
  | ((body: unknown, request: Request) => string | readonly string[])

/** Options of {@link createMockChat}. @public */
export interface MockChatOptions {
  /**
   * The answer to stream. A string is split into tokens as a model's tokenizer roughly does it, each word
   * with the whitespace before it (`'Hello there'` → `'Hello'`, `' there'`); an array is sent token by
   * token as it is. A function gets the POSTed JSON body (`undefined` when it is not JSON), e.g. to echo
   * the prompt.
   */
  answer: MockChatAnswer
  /** The completions endpoint (POST), a path or a full URL as MSW matches it. @defaultValue '/v1/chat/completions' */
  url?: string
  /**
   * The resume endpoint (GET), with `:id` where the chat's id goes. A request with `Last-Event-ID` (or the
   * query parameter `last_event_id`) gets the chunks after that id, then the rest as it is generated; one
   * without gets the answer from its start. An unknown id gets a 404.
   * @defaultValue '/chat/:id/stream'
   */
  resumeUrl?: string
  /** Milliseconds between tokens: the "model" goes on at this pace whether a client listens or not. @defaultValue 0 */
  interval?: number
  /**
   * Cut the connection after this many tokens, once per answer: the response that sends token `cutAfter`
   * (the event with that id) breaks with a network error after half of the next event, which the client
   * must not dispatch. The resume that sends that token again (or that starts after it) is not cut.
   */
  cutAfter?: number
  /** The `model` of every chunk. @defaultValue 'mock-model' */
  model?: string
}

/** One request that a {@link MockChat} answered. @public */
export interface MockChatRequest {
  /** `'POST'` for the completions endpoint, `'GET'` for the resume endpoint. */
  method: string
  /** The URL's path and query, e.g. `'/chat/chat-1/stream'`. */
  path: string
  /** The `Last-Event-ID` the request sent (header or `last_event_id` query parameter), `null` when none. */
  lastEventId: string | null
  /** The chat it asked for or started (`undefined` for a resume of an unknown chat). */
  chatId: string | undefined
  /** The POSTed body as JSON (`undefined` for GET, or when it is not JSON). */
  body: unknown
}

/**
 * A mock of an OpenAI-compatible streaming chat endpoint for MSW: `POST` starts an answer, `GET` of the
 * resume URL (or the same `POST` with `Last-Event-ID`) continues it after the last chunk a client got.
 * @public
 */
export interface MockChat {
  /** The MSW handlers: pass them to `setupServer(...)`, `server.use(...)` or a story's `msw.handlers`. */
  readonly handlers: HttpHandler[]
  /** Every request answered so far, oldest first (a new array after each request). */
  readonly requests: readonly MockChatRequest[]
  /**
   * Calls `listener` whenever `requests` changes (a request came, or `reset()`); returns the function that
   * unsubscribes. With React: `useSyncExternalStore(chat.subscribe, () => chat.requests)`.
   */
  subscribe(listener: () => void): () => void
  /**
   * Cuts every open answer's connection now, as {@link MockChatOptions.cutAfter} does (half an event,
   * then a network error); the answers go on being generated, for the resume. Returns how many it cut.
   */
  cut(): number
  /**
   * Stops every answer (their open connections end), forgets them and the requests, and starts the chat
   * ids again at `chatcmpl-1`; `cutAfter` cuts the next answers again. Call it after each test.
   */
  reset(): void
}

/** One answer being generated: its chunks (by id) and the connections that follow it. */
interface Answer {
  readonly id: string
  /** The body it was started with, to find it again for a POST that resumes. */
  readonly body: string
  /** The events in wire format: index = event id; then `data: [DONE]`, without an id. */
  readonly events: readonly string[]
  /** How many of `events` exist so far. */
  generated: number
  /** Whether `cutAfter` cut a connection of this answer already. */
  cut: boolean
  timer: ReturnType<typeof setTimeout> | undefined
  readonly connections: Set<Connection>
}

/** One response following an answer; it pulls the events one at a time, so a cut loses none it sent. */
interface Connection {
  /** Index of the next event to send. */
  next: number
  /** Events to send, in wire format (the last may be half of one). */
  readonly queue: string[]
  /** After the queue: end the body cleanly (`'end'`) or with a network error (`'cut'`). */
  ending: 'end' | 'cut' | undefined
  /** Wakes a pending pull. */
  wake(): void
}

const encoder = new TextEncoder()
const DONE = 'data: [DONE]\n\n'

/** Splits text into tokens: each run of non-whitespace with the whitespace before it (trailing space too). */
function tokenize(text: string): string[] {
  return text.match(/\s*\S+|\s+/g) ?? []
}

function chunkEvent(id: number, chunk: ChatCompletionChunk): string {
  return `id: ${id}\ndata: ${JSON.stringify(chunk)}\n\n`
}

/**
 * Mocks an OpenAI-compatible streaming chat-completions endpoint with MSW, to test that an answer
 * completes, exactly, after its connection is cut. `POST` streams the answer as `chat.completion.chunk`
 * deltas at `interval`, each event with `id: n` (0: the role chunk, 1…n: the tokens, then the one with
 * `finish_reason: 'stop'`), and ends with `data: [DONE]`. The chat's id is the POSTed JSON's `id` when it
 * is a string (what a chat UI sends), else `chatcmpl-1`, `chatcmpl-2`…; every chunk carries it. The answer
 * goes on being generated after a cut, and the resume endpoint sends the chunks after `Last-Event-ID`,
 * then the rest live, as a resumable chat server does.
 *
 * @example
 * const chat = createMockChat({ answer: 'Hello from the mock model.', interval: 5, cutAfter: 2 })
 * server.use(...chat.handlers)
 * // the client POSTs { id: 'c1', messages }, is cut after 2 tokens, resumes with
 * // GET /chat/c1/stream and Last-Event-ID: 2, and ends with exactly the answer's text
 * expect(chat.requests.map((r) => [r.method, r.lastEventId])).toEqual([['POST', null], ['GET', '2']])
 * @public
 */
export function createMockChat(options: MockChatOptions): MockChat {
  const {
    answer,
    url = '/v1/chat/completions',
    resumeUrl = '/chat/:id/stream',
    interval = 0,
    cutAfter,
    model = 'mock-model',
  } = options
  if (!resumeUrl.includes(':id')) throw new TypeError('createMockChat: resumeUrl must contain :id')
  const answers = new Map<string, Answer>()
  const listeners = new Set<() => void>()
  let requests: readonly MockChatRequest[] = []
  let started = 0

  function record(request: Request, chatId: string | undefined, body: unknown): string | null {
    const at = new URL(request.url)
    const lastEventId = request.headers.get('last-event-id') ?? at.searchParams.get('last_event_id')
    const seen: MockChatRequest = {
      method: request.method,
      path: at.pathname + at.search,
      lastEventId,
      chatId,
      body,
    }
    requests = [...requests, seen]
    changed()
    return lastEventId
  }

  function changed(): void {
    for (const listener of [...listeners]) listener()
  }

  function start(chatId: string, bodyText: string, tokens: readonly string[]): Answer {
    const created = Math.floor(Date.now() / 1000)
    const chunk = (
      delta: ChatCompletionChunk['choices'][number]['delta'],
      stop = false,
    ): ChatCompletionChunk => ({
      id: chatId,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [{ index: 0, delta, finish_reason: stop ? 'stop' : null }],
    })
    const events = [
      chunkEvent(0, chunk({ role: 'assistant', content: '' })),
      ...tokens.map((content, i) => chunkEvent(i + 1, chunk({ content }))),
      chunkEvent(tokens.length + 1, chunk({}, true)),
      DONE,
    ]
    const run: Answer = {
      id: chatId,
      body: bodyText,
      events,
      generated: 0,
      cut: false,
      timer: undefined,
      connections: new Set(),
    }
    answers.delete(chatId)
    answers.set(chatId, run)
    // The role chunk at once, then a token every `interval`, then the finish chunk with `[DONE]`.
    const generate = () => {
      run.timer = undefined
      do run.generated++
      while (run.generated > tokens.length + 1 && run.generated < events.length)
      for (const connection of run.connections) feed(run, connection)
      if (run.generated < events.length) run.timer = setTimeout(generate, interval)
    }
    generate()
    return run
  }

  /** Queues what `connection` has not sent yet of what is generated, cutting it once at `cutAfter`. */
  function feed(run: Answer, connection: Connection): void {
    if (connection.ending) return
    while (connection.next < run.generated) {
      const index = connection.next++
      connection.queue.push(run.events[index] as string)
      if (index === cutAfter && !run.cut) {
        run.cut = true
        breakOff(run, connection)
        return
      }
    }
    if (connection.next === run.events.length) {
      connection.ending = 'end'
      run.connections.delete(connection)
    }
    connection.wake()
  }

  /** Half of the next event, then a network error. */
  function breakOff(run: Answer, connection: Connection): void {
    const next = run.events[connection.next] ?? DONE
    connection.queue.push(next.slice(0, Math.ceil(next.length / 2)).replace(/\n+$/, ''))
    connection.ending = 'cut'
    run.connections.delete(connection)
    connection.wake()
  }

  function respond(run: Answer, lastEventId: string | null, signal: AbortSignal): Response {
    const after = lastEventId === null || !/^\d+$/.test(lastEventId) ? -1 : Number(lastEventId)
    let wake = () => {}
    const connection: Connection = {
      next: Math.min(after + 1, run.events.length - 1),
      queue: [],
      ending: undefined,
      wake: () => wake(),
    }
    const leave = () => {
      run.connections.delete(connection)
      wake()
    }
    signal.addEventListener('abort', leave, { once: true })
    run.connections.add(connection)
    feed(run, connection)
    const body = new ReadableStream<Uint8Array>(
      {
        // One event per read: an error only ever follows what the reader already took.
        async pull(controller) {
          while (connection.queue.length === 0 && !connection.ending && run.connections.has(connection))
            await new Promise<void>((resolve) => {
              wake = resolve
            })
          const text = connection.queue.shift()
          try {
            if (text !== undefined) controller.enqueue(encoder.encode(text))
            else if (connection.ending === 'cut')
              controller.error(new TypeError('network error (connection cut by the mock chat)'))
            else controller.close()
          } catch {
            // The reader cancelled the body meanwhile.
          }
        },
        cancel: leave,
      },
      { highWaterMark: 0 },
    )
    // Chunked: with MSW 3 on Node, a body that breaks reaches `fetch` as a network error only when its
    // response is self-delimiting; otherwise the socket's close reads as the body's clean end.
    return new Response(body, {
      headers: {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        'transfer-encoding': 'chunked',
      },
    })
  }

  const completions = http.post(url, async ({ request }) => {
    const bodyText = await request.clone().text()
    let body: unknown
    try {
      body = JSON.parse(bodyText)
    } catch {}
    const given = (body as { id?: unknown } | undefined)?.id
    const resumeOf = request.headers.has('last-event-id')
      ? typeof given === 'string'
        ? answers.get(given)
        : [...answers.values()].reverse().find((run) => run.body === bodyText)
      : undefined
    const chatId = resumeOf?.id ?? (typeof given === 'string' ? given : `chatcmpl-${++started}`)
    const lastEventId = record(request, chatId, body)
    if (resumeOf) return respond(resumeOf, lastEventId, request.signal)
    const text = typeof answer === 'function' ? answer(body, request) : answer
    const tokens = typeof text === 'string' ? tokenize(text) : text
    return respond(start(chatId, bodyText, tokens), null, request.signal)
  })

  const resume = http.get(resumeUrl, ({ request, params }) => {
    const run = answers.get(String(params.id))
    const lastEventId = record(request, run?.id, undefined)
    if (!run) return new Response(null, { status: 404 })
    return respond(run, lastEventId, request.signal)
  })

  return {
    handlers: [completions, resume],
    get requests() {
      return requests
    },
    subscribe(listener) {
      const own = () => listener()
      listeners.add(own)
      return () => void listeners.delete(own)
    },
    cut() {
      let count = 0
      for (const run of answers.values())
        for (const connection of [...run.connections]) {
          if (connection.ending) continue
          breakOff(run, connection)
          count++
        }
      return count
    },
    reset() {
      for (const run of answers.values()) {
        clearTimeout(run.timer)
        for (const connection of [...run.connections]) {
          run.connections.delete(connection)
          connection.ending = 'end'
          connection.wake()
        }
      }
      answers.clear()
      requests = []
      started = 0
      changed()
    },
  }
}
