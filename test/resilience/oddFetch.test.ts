// A custom `fetch` (a polyfill, React Native, a test double) may resolve to something that is not quite a
// Response. Whatever it returns or throws, the stream reports a typed error and follows its retry policy;
// no promise is left rejected unhandled.
import { describe, expect, it } from 'vitest'
import { createEventStream, type EventStreamError, type EventStreamOptions } from '../../src/index'
import { closeAfterEach } from '../helpers/closeAfterEach'
import { watchUnhandledRejections } from '../helpers/unhandledRejections'
import { flushMicrotasks, until } from '../helpers/until'

const track = closeAfterEach()

const unhandled = watchUnhandledRejections()

const SSE = { get: (name: string) => (name === 'content-type' ? 'text/event-stream' : null) }

/** A stream whose fetch always resolves to `response`, with its errors and requests recorded. */
function withResponse(response: unknown, options: EventStreamOptions = {}) {
  let requests = 0
  const fetch = (async () => {
    requests++
    return response
  }) as unknown as typeof globalThis.fetch
  const errors: EventStreamError[] = []
  const stream = track(
    createEventStream('http://127.0.0.1:9/odd', {
      fetch,
      retry: { initialDelay: 1, maxDelay: 5 },
      ...options,
    }),
  )
  stream.onError((error) => errors.push(error))
  return { stream, errors, requests: () => requests }
}

const oddResponses: [string, unknown, RegExp][] = [
  [
    'a body that is a string',
    { status: 200, headers: SSE, body: 'data: 1\n\n' },
    /body is a string, not a ReadableStream/,
  ],
  ['body: null', { status: 200, headers: SSE, body: null }, /body is null, not a ReadableStream/],
  ['no body at all', { status: 200, headers: SSE }, /body is undefined, not a ReadableStream/],
  ['undefined instead of a response', undefined, /resolved to undefined, not a Response/],
  ['a string instead of a response', 'data: 1\n\n', /resolved to a string, not a Response/],
  ['a response without a status', { headers: SSE, body: new ReadableStream() }, /status/],
  [
    'a body whose getReader throws',
    {
      status: 200,
      headers: SSE,
      body: {
        getReader() {
          throw new Error('reader exploded')
        },
      },
    },
    /reader exploded/,
  ],
]

describe('a custom fetch that returns something odd', () => {
  it.each(oddResponses)(
    'reports %s as a network error and retries with backoff',
    async (_what, response, message) => {
      const { stream, errors, requests } = withResponse(response)
      await until(() => requests() >= 3, 3000, 'three attempts')
      expect(errors[0]?.code).toBe('network')
      expect(errors[0]?.message).toMatch(message)
      expect(stream.state.status).not.toBe('closed')
      expect(unhandled).toEqual([])
    },
  )

  it('follows retry: false and closes with the error', async () => {
    const { stream, errors } = withResponse({ status: 200, headers: SSE, body: 'x' }, { retry: false })
    await until(() => stream.state.status === 'closed', 3000, 'closed')
    expect(errors.map((error) => error.code)).toEqual(['network'])
    expect(stream.state.error?.code).toBe('network')
  })

  it('works with a response that has a status but no `ok` flag and plain-object headers', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('id: 1\ndata: "hi"\n\n'))
      },
    })
    const { stream } = withResponse({ status: 200, headers: SSE, body })
    const events: unknown[] = []
    stream.onAny((event) => events.push(event.data))
    await until(() => events.length === 1, 3000, 'the event')
    expect(events).toEqual(['hi'])
    expect(stream.state.status).toBe('open')
  })

  it('reads a body whose chunks are strings (some polyfills decode for you)', async () => {
    const body = new ReadableStream<string>({
      start(controller) {
        controller.enqueue('data: "a"\n\ndata: ')
        controller.enqueue('"b"\n\n')
      },
    })
    const { stream } = withResponse({ status: 200, headers: SSE, body })
    const events: unknown[] = []
    stream.onAny((event) => events.push(event.data))
    await until(() => events.length === 2, 3000, 'both events')
    expect(events).toEqual(['a', 'b'])
  })

  it('discards an odd error response without calling a missing cancel()', async () => {
    const { stream, errors } = withResponse({ status: 500, headers: SSE, body: 'oops' })
    await until(() => errors.length >= 2, 3000, 'two errors')
    expect(errors[0]).toMatchObject({ code: 'http', status: 500 })
    stream.close()
  })

  it('reports a fetch that throws synchronously, and one whose headers getter throws', async () => {
    const throwing = (() => {
      throw new TypeError('sync boom')
    }) as unknown as typeof fetch
    const errors: EventStreamError[] = []
    const first = track(createEventStream('http://127.0.0.1:9/x', { fetch: throwing, retry: false }))
    first.onError((error) => errors.push(error))
    const hostile = {
      status: 200,
      get headers(): never {
        throw new Error('headers getter exploded')
      },
    }
    const second = withResponse(hostile, { retry: false })
    await until(
      () => first.state.status === 'closed' && second.stream.state.status === 'closed',
      3000,
      'both closed',
    )
    expect(errors[0]?.message).toMatch(/sync boom/)
    expect(second.errors[0]?.message).toMatch(/headers getter exploded/)
  })
})

describe('a whole scenario with unhandled rejections watched', () => {
  it('leaves no rejection unhandled across odd responses, cuts, close() and iterators', async () => {
    const responses: (() => unknown)[] = [
      () => ({ status: 200, headers: SSE, body: 42 }),
      () => Promise.reject(new Error('network down')),
      () => ({ status: 503, headers: { get: () => '0' }, body: null }),
      () => ({
        status: 200,
        headers: SSE,
        body: new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('id: 1\ndata: 1\n\n'))
          },
          pull(controller) {
            // Once the event was read: the connection drops.
            controller.error(new Error('cut'))
          },
        }),
      }),
    ]
    const fetch = (async () =>
      (responses.shift() ?? (() => new Promise(() => {})))()) as unknown as typeof globalThis.fetch
    const stream = track(
      createEventStream('http://127.0.0.1:9/scenario', {
        fetch,
        retry: { initialDelay: 1, maxDelay: 5 },
      }),
    )
    const seen: unknown[] = []
    const loop = (async () => {
      for await (const event of stream) seen.push(event.data)
    })()
    await until(() => responses.length === 0 && seen.length === 1, 3000, 'every response used')
    stream.close()
    await loop
    // Node reports an unhandled rejection once the promise steps have run, before the next macrotask.
    await flushMicrotasks()
    expect(seen).toEqual([1])
    expect(unhandled).toEqual([])
  })
})

describe('how fetch is called', () => {
  it('calls fetch as a plain function, not as a method of some object (window.fetch throws "Illegal invocation" then)', async () => {
    const receivers: unknown[] = []
    const fetch = function (this: unknown) {
      receivers.push(this)
      return Promise.resolve(new Response(null, { status: 204 }))
    } as unknown as typeof globalThis.fetch
    const stream = track(createEventStream('http://127.0.0.1:9/plain', { fetch }))
    await until(() => stream.state.status === 'closed')
    expect(receivers).toEqual([undefined])
  })
})
