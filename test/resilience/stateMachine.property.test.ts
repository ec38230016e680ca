// The connection's state machine is free of hangs and leaks: fast-check drives random interleavings of
// server answers, events, cuts, ends, errors, timer advances, `reconnect()`, `close()` and `next()` calls
// against the real client (with a fake `fetch` and fake timers), and checks after every run that every
// `next()` settled, no timer and no body is left, no rejection went unhandled, and every event arrived at
// most once and in order.
import fc from 'fast-check'
import { afterEach, expect, it, vi } from 'vitest'
import { createEventStream } from '../../src/index'
import { closeAfterEach } from '../helpers/closeAfterEach'
import { watchUnhandledRejections } from '../helpers/unhandledRejections'

const unhandled = watchUnhandledRejections()
afterEach(() => {
  vi.useRealTimers()
})
// Hooks run last-registered first: every stream of every run closes before the timers are reset.
const track = closeAfterEach()

const actions = [
  'open', // answer the waiting request with a stream
  'fail500',
  'fail404',
  'failNetwork', // reject the waiting fetch
  'odd', // resolve it with something that is not a Response
  'event',
  'eventNoId',
  'comment',
  'cut', // the open body errors
  'end', // the open body ends
  'advance', // let 0–3 s of timers run
  'reconnect',
  'next',
  'close',
] as const
type Action = (typeof actions)[number]

interface Request {
  signal: AbortSignal
  answer(response: unknown): void
  fail(error: unknown): void
  answered: boolean
}

interface Body {
  controller: ReadableStreamDefaultController<Uint8Array>
  /** Closed, errored or cancelled: nothing left open. */
  done: boolean
}

async function run(script: readonly Action[], idleTimeout: number | undefined): Promise<void> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  const encoder = new TextEncoder()
  const requests: Request[] = []
  const bodies: Body[] = []
  let nextId = 0

  const fetch = ((_url: string, init: RequestInit) =>
    new Promise((answer, fail) => {
      const request: Request = {
        signal: init.signal as AbortSignal,
        answer: (response) => {
          request.answered = true
          answer(response)
        },
        fail: (error) => {
          request.answered = true
          fail(error)
        },
        answered: false,
      }
      requests.push(request)
      init.signal?.addEventListener('abort', () => request.fail(new DOMException('aborted', 'AbortError')))
    })) as unknown as typeof globalThis.fetch

  const stream = track(
    createEventStream('http://127.0.0.1:9/machine', {
      fetch,
      decode: 'text',
      retry: { initialDelay: 10, maxDelay: 200, maxAttempts: 20, resetAfter: 50 },
      ...(idleTimeout !== undefined && { idleTimeout }),
    }),
  )
  const delivered: number[] = []
  stream.onAny((event) => {
    if (event.raw !== '-') delivered.push(Number(event.raw))
  })
  const iterator = stream[Symbol.asyncIterator]()
  const pulls: { settled: boolean; value?: number }[] = []
  let closed = false

  const waiting = () => requests.filter((request) => !request.answered && !request.signal.aborted).at(-1)
  const openBody = () => bodies.filter((body) => !body.done).at(-1)
  const write = (text: string) => {
    const body = openBody()
    if (!body) return
    try {
      body.controller.enqueue(encoder.encode(text))
    } catch {
      body.done = true // cancelled by the client
    }
  }

  for (const action of script) {
    switch (action) {
      case 'open': {
        const request = waiting()
        if (!request) break
        const body: Body = { controller: undefined as never, done: false }
        const readable = new ReadableStream<Uint8Array>({
          start(controller) {
            body.controller = controller
          },
          cancel() {
            body.done = true
          },
        })
        bodies.push(body)
        request.answer(new Response(readable, { headers: { 'content-type': 'text/event-stream' } }))
        break
      }
      case 'fail500':
        waiting()?.answer(new Response('down', { status: 500 }))
        break
      case 'fail404':
        waiting()?.answer(new Response('gone', { status: 404 }))
        break
      case 'failNetwork':
        waiting()?.fail(new TypeError('fetch failed'))
        break
      case 'odd':
        waiting()?.answer({
          status: 200,
          headers: new Headers({ 'content-type': 'text/event-stream' }),
          body: 'x',
        })
        break
      case 'event':
        nextId++
        write(`id: ${nextId}\ndata: ${nextId}\n\n`)
        break
      case 'eventNoId':
        write('data: -\n\n')
        break
      case 'comment':
        write(':\n')
        break
      case 'cut': {
        const body = openBody()
        if (body) {
          body.done = true
          body.controller.error(new TypeError('terminated'))
        }
        break
      }
      case 'end': {
        const body = openBody()
        if (body) {
          body.done = true
          body.controller.close()
        }
        break
      }
      case 'advance':
        await vi.advanceTimersByTimeAsync((nextId * 37) % 3000)
        break
      case 'reconnect':
        stream.reconnect()
        break
      case 'next': {
        const pull: { settled: boolean; value?: number } = { settled: false }
        pulls.push(pull)
        iterator.next().then(
          (result) => {
            pull.settled = true
            if (!result.done && result.value.raw !== '-') pull.value = Number(result.value.raw)
          },
          () => {
            pull.settled = true
          },
        )
        break
      }
      case 'close':
        stream.close()
        closed = true
        break
    }
    await vi.advanceTimersByTimeAsync(0)
  }

  if (!closed) stream.close()
  await vi.advanceTimersByTimeAsync(0)
  await vi.advanceTimersByTimeAsync(0)

  expect(pulls.filter((pull) => !pull.settled)).toEqual([])
  expect(vi.getTimerCount()).toBe(0)
  expect(bodies.filter((body) => !body.done)).toEqual([])
  expect(requests.filter((request) => !request.answered && !request.signal.aborted)).toEqual([])
  expect(stream.state.status).toBe('closed')
  // At most once, in order: every id is larger than the one before.
  expect(delivered).toEqual([...new Set(delivered)].sort((a, b) => a - b))
  const pulled = pulls.flatMap((pull) => (pull.value === undefined ? [] : [pull.value]))
  expect(pulled).toEqual(delivered.slice(0, pulled.length)) // the loop sees what the handlers saw
  expect(unhandled).toEqual([])
}

it('never hangs, leaks or repeats an event, whatever the server, the timers and the user do', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.constantFrom(...actions), { minLength: 1, maxLength: 60 }),
      fc.constantFrom(undefined, 100, 1000),
      run,
    ),
    { numRuns: 300 },
  )
})
