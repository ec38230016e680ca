import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createEventStream, type EventStreamErrorCode, type StreamStatus } from '../../src/index'
import { until } from '../helpers/until'
import {
  type AnswerApp,
  type AnswerEvents,
  createWorker,
  gate,
  startAnswerApp,
  type Worker,
} from './answerApp'
import { cluster, ensureCluster, nodePid, tapFetch } from './cluster'

// An LLM answer that outlives the app instance that started it (issue #24, item 7): the client POSTs to an
// app instance, which relays the answer's Nchan channel; after a cut the client resumes from the channel
// itself with `reconnectRequest`, on any node. Nchan's subscriber streams are close-delimited (no chunked
// encoding, no length): a node dying ends the body exactly as a finished answer does. The client names the
// answer's end marker (`doneWhen`), so only `[DONE]` ends it and any other end of a body is a cut it resumes.

const WORDS = ['Once', 'upon', 'a', 'naïve', 'time:', '€1', 'for', 'a', '🙂', '[DONE]', 'data: x', '"quoted"']
/** 300 tokens: words with their leading space, a paragraph break every 50, and the text `[DONE]` as a token. */
const TOKENS = Array.from({ length: 300 }, (_, i) =>
  i % 50 === 49 ? '\n\n' : `${i % 50 === 0 ? '' : ' '}${WORDS[i % WORDS.length]}`,
)
const TEXT = TOKENS.join('')
const ALL = TOKENS.map((_, i) => i)

const apps: AnswerApp[] = []
const streams: { close(): void }[] = []

beforeAll(() => ensureCluster(cluster().pingInterval))
afterEach(async () => {
  for (const stream of streams.splice(0)) stream.close()
  await Promise.all(apps.splice(0).map((app) => app.kill()))
})
afterAll(() => ensureCluster(cluster().pingInterval)) // node A back for the files after this one

async function startApp(node: string, worker: Worker): Promise<AnswerApp> {
  const app = await startAnswerApp(node, worker)
  apps.push(app)
  return app
}

/**
 * The client of the recipe: POST /chat (finite, the POST default) until the event `[DONE]`, the chat's ID
 * from the first event, and after a cut a GET of the chat's channel on the next node of `resumeNodes` (one
 * URL behind a load balancer in production).
 */
function ask(app: AnswerApp, resumeNodes: readonly string[]) {
  const tap = tapFetch()
  let chatId = ''
  let resumes = 0
  const stream = createEventStream<AnswerEvents>(`${app.url}/chat`, {
    method: 'POST',
    body: JSON.stringify({ prompt: 'Tell me a story' }),
    doneWhen: (event) => event.raw === '[DONE]',
    reconnectRequest: () => ({
      url: `${resumeNodes[resumes++ % resumeNodes.length]}/sub/chat-${chatId}`,
      method: 'GET',
    }),
    retry: { initialDelay: 100, jitter: false },
    fetch: tap.fetch,
  })
  streams.push(stream)
  const answer = {
    stream,
    tap,
    chat: { id: '', eventId: '' },
    text: '',
    tokens: [] as { i: number; id: string; at: number }[],
    errors: [] as { code: EventStreamErrorCode; message: string }[],
    statuses: [] as { status: StreamStatus; at: number }[],
    /** The requests: where each went and the `Last-Event-ID` it carried. */
    requests: () => tap.requests.map(({ url, lastEventId }) => ({ url, lastEventId })),
  }
  stream.on('chat', (data, event) => {
    chatId = data.id
    answer.chat = { id: data.id, eventId: event.id }
  })
  stream.on('token', (data, event) => {
    answer.text += data.text
    answer.tokens.push({ i: data.i, id: event.id, at: performance.now() })
  })
  stream.onError((error) => answer.errors.push({ code: error.code, message: error.message }))
  stream.onState((state) => {
    if (answer.statuses.at(-1)?.status !== state.status)
      answer.statuses.push({ status: state.status, at: performance.now() })
  })
  return answer
}

type Answer = ReturnType<typeof ask>

/**
 * Lost and repeated tokens (by index); after a failure at `time`: when the stream was open again, when the
 * first token came, and how many tokens the worker published in between (the resume got them from the buffer).
 */
function tally(answer: Answer, worker: Worker, time: number) {
  const seen = answer.tokens.map((token) => token.i)
  const unique = new Set(seen)
  const reopened =
    answer.statuses.find((entry) => entry.at > time && entry.status === 'open')?.at ?? Number.NaN
  return {
    lost: TOKENS.length - unique.size,
    repeated: seen.length - unique.size,
    openAfter: reopened - time,
    firstAfter: (answer.tokens.find((token) => token.at > time)?.at ?? Number.NaN) - time,
    publishedAway: worker.times.filter((at) => at > time && at < reopened).length,
  }
}

describe('an LLM answer published to Nchan, started with a POST to an app instance', () => {
  it('a clean answer: one POST, the text exact, Nchan ids on the POST stream, closed without an error at [DONE]', async () => {
    const { b } = cluster()
    const worker = createWorker(b, TOKENS, { pace: 1 })
    const app = await startApp(b, worker)
    const started = performance.now()
    const answer = ask(app, [b])

    await until(() => answer.stream.state.status === 'closed', 15_000, 'the answer to end')
    await worker.finished
    const seconds = (performance.now() - started) / 1000
    console.log(
      `[nchan] answer: ${answer.tokens.length} tokens in ${seconds.toFixed(2)} s over ` +
        `${answer.tap.requests.length} request(s), text exact: ${answer.text === TEXT}`,
    )

    expect(answer.text).toBe(TEXT)
    expect(answer.tokens.map((token) => token.i)).toEqual(ALL)
    // Every event carries the id Nchan gave it: the chat event's and each token's.
    expect(answer.chat.eventId).toMatch(/^\d+:\d+$/)
    expect(answer.tokens.map((token) => token.id)).toEqual(worker.ids)
    expect(answer.requests()).toEqual([{ url: `${app.url}/chat`, lastEventId: '' }])
    expect(app.posts).toBe(1)
    expect(answer.errors).toEqual([])
    expect(answer.stream.state.error).toBeUndefined()
    expect(answer.statuses.map((entry) => entry.status)).toEqual(['open', 'closed'])
  })

  it('the app instance dies after 100 of 300 tokens: the client resumes from the channel on node A, the text exact, one more request', async () => {
    const { a, b } = cluster()
    const hold = gate()
    // The worker publishes on node B and goes on without the app instance; the app relays node B.
    const worker = createWorker(b, TOKENS, { holds: { 100: hold } })
    const app = await startApp(b, worker)
    const answer = ask(app, [a])
    let killedAt = 0
    try {
      await until(() => answer.tokens.length === 100, 10_000, '100 tokens')
      killedAt = performance.now()
      await app.kill() // its response is cut mid-answer
      hold.open() // the answer goes on, also while the client reconnects
      await until(() => answer.stream.state.status === 'closed', 15_000, 'the answer to end')
      await worker.finished
    } finally {
      hold.open()
    }
    const { lost, repeated, firstAfter, openAfter, publishedAway } = tally(answer, worker, killedAt)
    console.log(
      `[nchan] app instance died: ${answer.tokens.length} tokens over ${answer.tap.requests.length} ` +
        `requests, lost ${lost}, repeated ${repeated}, text exact: ${answer.text === TEXT}; open on node A ` +
        `${openAfter.toFixed(0)} ms after the cut (retry delay 100 ms), first token after ` +
        `${firstAfter.toFixed(0)} ms, ${publishedAway} tokens published meanwhile`,
    )

    expect(answer.text).toBe(TEXT)
    expect({ lost, repeated }).toEqual({ lost: 0, repeated: 0 })
    expect(answer.tokens.map((token) => token.i)).toEqual(ALL)
    expect(answer.tokens.map((token) => token.id)).toEqual(worker.ids)
    expect(answer.requests()).toEqual([
      { url: `${app.url}/chat`, lastEventId: '' },
      { url: `${a}/sub/chat-${answer.chat.id}`, lastEventId: worker.ids[99] },
    ])
    expect(app.posts).toBe(1)
    expect(answer.errors.map((error) => error.code)).toEqual(['network']) // the cut, reported while it resumed
    expect(answer.stream.state.error).toBeUndefined()
    expect(answer.statuses.map((entry) => entry.status)).toEqual(['open', 'reconnecting', 'open', 'closed'])
  })

  // Nchan's response on node A has no end of its own: its node dying closes the connection exactly as a
  // finished answer would. Only `[DONE]` ends the answer (the explicit `doneWhen`), so that end is a cut.
  it('node A, which served the resume, is killed after 200 of 300 tokens: its close-delimited body ending is a cut, the next resume on node B loses and repeats nothing', async () => {
    const { a, b } = cluster()
    const holds = { 100: gate(), 200: gate() }
    const worker = createWorker(b, TOKENS, { holds })
    const app = await startApp(b, worker)
    const answer = ask(app, [a, b])
    let nodeKilledAt = 0
    try {
      await until(() => answer.tokens.length === 100, 10_000, '100 tokens')
      await app.kill()
      holds[100].open()
      await until(() => answer.tokens.length === 200, 10_000, '200 tokens')
      expect(answer.tap.requests).toHaveLength(2)
      process.kill(-(await nodePid('a')), 'SIGKILL') // master and worker
      nodeKilledAt = performance.now()
      holds[200].open()
      await until(() => answer.stream.state.status === 'closed', 15_000, 'the answer to end')
      await worker.finished
    } finally {
      for (const hold of Object.values(holds)) hold.open()
    }
    const { lost, repeated, firstAfter, openAfter, publishedAway } = tally(answer, worker, nodeKilledAt)
    console.log(
      `[nchan] app instance and node A died: ${answer.tokens.length} tokens over ` +
        `${answer.tap.requests.length} requests, lost ${lost}, repeated ${repeated}, text exact: ` +
        `${answer.text === TEXT}; open on node B ${openAfter.toFixed(0)} ms after the kill, first token ` +
        `after ${firstAfter.toFixed(0)} ms, ${publishedAway} tokens published meanwhile`,
    )

    expect(answer.text).toBe(TEXT)
    expect({ lost, repeated }).toEqual({ lost: 0, repeated: 0 })
    expect(answer.tokens.map((token) => token.i)).toEqual(ALL)
    expect(answer.tokens.map((token) => token.id)).toEqual(worker.ids)
    expect(answer.requests()).toEqual([
      { url: `${app.url}/chat`, lastEventId: '' },
      { url: `${a}/sub/chat-${answer.chat.id}`, lastEventId: worker.ids[99] },
      { url: `${b}/sub/chat-${answer.chat.id}`, lastEventId: worker.ids[199] },
    ])
    expect(app.posts).toBe(1)
    // Both cuts reported while the stream resumed: the app's chunked response, then node A's body ending.
    expect(answer.errors.map((error) => error.code)).toEqual(['network', 'network'])
    expect(answer.errors[1]?.message).toMatch(/: the body ended before the `doneWhen` event$/)
    expect(answer.stream.state.error).toBeUndefined()
    expect(answer.statuses.map((entry) => entry.status)).toEqual([
      'open',
      'reconnecting',
      'open',
      'reconnecting',
      'open',
      'closed',
    ])
    await ensureCluster(cluster().pingInterval) // node A back
  })
})
