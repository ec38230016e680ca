import type { HttpHandler } from 'msw'
import { createChatRequestLog, type MockChatRequest } from './chatRequestLog'
import { type MockChatAnswer, mockChatHandlers } from './mockChatHandlers'

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
  const log = createChatRequestLog()
  const chat = mockChatHandlers({ answer, url, resumeUrl, interval, cutAfter, model }, log)
  return {
    handlers: chat.handlers,
    get requests() {
      return log.requests
    },
    subscribe: log.subscribe,
    cut: chat.cut,
    reset() {
      chat.reset()
      log.clear()
    },
  }
}
