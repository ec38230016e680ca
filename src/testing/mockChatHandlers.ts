import { type HttpHandler, http } from 'msw'
import { answerResponse } from './answerResponse'
import { type ChatAnswer, startChatAnswer } from './chatAnswer'
import type { ChatRequestLog } from './chatRequestLog'
import { encodeChatAnswer } from './encodeChatAnswer'

/** What the answer is: the text (split into tokens), the tokens themselves, or either from the request. @public */
export type MockChatAnswer =
  | string
  | readonly string[]
  | ((body: unknown, request: Request) => string | readonly string[])

/** {@link MockChatOptions} with their defaults. */
export interface MockChatSettings {
  answer: MockChatAnswer
  url: string
  resumeUrl: string
  interval: number
  cutAfter: number | undefined
  model: string
}

/** The MSW handlers of a mock chat, and what it does to all the answers they started. */
export interface MockChatHandlers {
  /** `POST` to the completions endpoint, `GET` of the resume endpoint. */
  readonly handlers: HttpHandler[]
  /** Cuts every open connection of every answer; returns how many it cut. */
  cut(): number
  /** Stops and forgets every answer, and starts the chat ids again at `chatcmpl-1`. */
  reset(): void
}

/** The body as JSON, `undefined` when it is not JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** Creates the handlers of {@link createMockChat}: they record every request they answer in `log`. */
export function mockChatHandlers(settings: MockChatSettings, log: ChatRequestLog): MockChatHandlers {
  const { answer: content, interval, cutAfter, model } = settings
  /** The answers by chat id, in the order they started. */
  const answers = new Map<string, ChatAnswer>()
  let started = 0

  function start(chatId: string, body: string, text: string | readonly string[]): ChatAnswer {
    const events = encodeChatAnswer(chatId, model, text)
    const answer = startChatAnswer(chatId, body, events, { interval, cutAfter })
    // A new answer for a known id replaces the old one, and is the latest to have started.
    answers.delete(chatId)
    answers.set(chatId, answer)
    return answer
  }

  /** The answer a POST with `Last-Event-ID` resumes: the one with its `id`, else the latest with its body. */
  function resumedBy(givenId: string | undefined, body: string): ChatAnswer | undefined {
    if (givenId !== undefined) return answers.get(givenId)
    return [...answers.values()].reverse().find((answer) => answer.body === body)
  }

  const completions = http.post(settings.url, async ({ request }) => {
    const bodyText = await request.clone().text()
    const body = parseJson(bodyText)
    const given = (body as { id?: unknown } | undefined)?.id
    const givenId = typeof given === 'string' ? given : undefined
    const resumed = request.headers.has('last-event-id') ? resumedBy(givenId, bodyText) : undefined
    const chatId = resumed?.id ?? givenId ?? `chatcmpl-${++started}`
    const { lastEventId } = log.record(request, chatId, body)
    if (resumed) return answerResponse(resumed, lastEventId, request.signal)
    const text = typeof content === 'function' ? content(body, request) : content
    return answerResponse(start(chatId, bodyText, text), null, request.signal)
  })

  const resume = http.get(settings.resumeUrl, ({ request, params }) => {
    const answer = answers.get(String(params.id))
    const { lastEventId } = log.record(request, answer?.id, undefined)
    if (!answer) return new Response(null, { status: 404 })
    return answerResponse(answer, lastEventId, request.signal)
  })

  return {
    handlers: [completions, resume],
    cut() {
      let count = 0
      for (const answer of answers.values()) count += answer.cutAll()
      return count
    },
    reset() {
      for (const answer of answers.values()) answer.stop()
      answers.clear()
      started = 0
    },
  }
}
