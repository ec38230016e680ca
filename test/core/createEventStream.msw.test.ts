import { HttpResponse, http } from 'msw'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createEventStream, type EventStreamError, type StreamState } from '../../src/index'
import { eventStreamHandler, eventStreamResponse } from '../../src/testing'
import { countFetches, fakeClientTimers, runClientTimers } from '../helpers/clientTimers'
import { closeAfterEach } from '../helpers/closeAfterEach'
import { setupMockServer, type Ticker, ticks } from '../helpers/mockServer'
import { until } from '../helpers/until'

const { server, requests } = setupMockServer()
afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})
// Hooks run last-registered first: the streams close, then the timers and the handlers are reset.
const track = closeAfterEach()

const URL = 'http://sse.test/stream'
const fast = { initialDelay: 5, maxDelay: 20 }

/** Serves with `handlers` from now on and returns the requests received from now on. */
function serve(...handlers: Parameters<typeof server.use>): Request[] {
  requests.length = 0
  server.use(...handlers)
  return requests
}

function statusLog(stream: {
  state: StreamState
  onState(listener: (state: StreamState) => void): () => void
}) {
  const log: string[] = [stream.state.status]
  stream.onState((state) => {
    if (log.at(-1) !== state.status) log.push(state.status)
  })
  return log
}

describe('createEventStream against a mocked endpoint', () => {
  it('delivers typed events sent over time, in order, with their ids', async () => {
    serve(eventStreamHandler<Ticker>(URL, ticks(5), { interval: 5 }))
    const stream = track(createEventStream<Ticker>(URL))
    const seen: [number, string][] = []
    stream.on('tick', (data, event) => seen.push([data.n, event.id]))
    await until(() => seen.length === 5)
    expect(seen).toEqual([
      [0, '0'],
      [1, '1'],
      [2, '2'],
      [3, '3'],
      [4, '4'],
    ])
    expect(stream.state).toMatchObject({ status: 'open', lastEventId: '4', attempt: 0 })
    stream.close()
  })

  it('sends exactly Accept: text/event-stream, no other default header, with cache mode no-store', async () => {
    const requests = serve(eventStreamHandler(URL, [{ data: '1' }]))
    const inits: RequestInit[] = []
    const stream = track(
      createEventStream(URL, {
        fetch: (input, init) => {
          inits.push(init as RequestInit)
          return fetch(input, init)
        },
      }),
    )
    await until(() => stream.state.status === 'open')
    stream.close()
    const [request] = requests
    expect([...(request as Request).headers]).toEqual([['accept', 'text/event-stream']])
    expect(request?.method).toBe('GET')
    expect(inits[0]?.cache).toBe('no-store')
  })

  it('passes method, body, credentials and static headers, and keeps Accept exact', async () => {
    const requests = serve(eventStreamHandler(URL, [{ data: '1' }], { method: 'post' }))
    const stream = track(
      createEventStream(URL, {
        method: 'POST',
        body: JSON.stringify({ prompt: 'hi' }),
        headers: { authorization: 'Bearer t', accept: 'application/json' },
        credentials: 'include',
      }),
    )
    await until(() => stream.state.status === 'open')
    stream.close()
    const request = requests[0] as Request
    expect(request.headers.get('accept')).toBe('text/event-stream')
    expect(request.headers.get('authorization')).toBe('Bearer t')
    expect(await request.text()).toBe('{"prompt":"hi"}')
  })

  it('reconnects after a dropped connection and resumes with Last-Event-ID', async () => {
    const requests = serve(eventStreamHandler<Ticker>(URL, ticks(6), { interval: 2, dropAfter: 2 }))
    const stream = track(createEventStream<Ticker>(URL, { retry: fast }))
    const status = statusLog(stream)
    const seen: number[] = []
    stream.on('tick', (data) => seen.push(data.n))
    await until(() => seen.length === 6 && requests.length === 4)
    stream.close()
    expect(seen).toEqual([0, 1, 2, 3, 4, 5])
    expect(requests.map((request) => request.headers.get('last-event-id'))).toEqual([null, '1', '3', '5'])
    expect(status.slice(0, 6)).toEqual(['connecting', 'open', 'reconnecting', 'open', 'reconnecting', 'open'])
  })

  it('sends the lastEventId option on the first request', async () => {
    const requests = serve(eventStreamHandler<Ticker>(URL, ticks(4)))
    const stream = track(createEventStream<Ticker>(URL, { lastEventId: '1' }))
    const seen: number[] = []
    stream.on('tick', (data) => seen.push(data.n))
    await until(() => seen.length === 2)
    stream.close()
    expect(requests[0]?.headers.get('last-event-id')).toBe('1')
    expect(seen).toEqual([2, 3])
  })

  it('closes for good on HTTP 204, without an error', async () => {
    fakeClientTimers()
    const fetches = countFetches()
    const requests = serve(http.get(URL, () => new HttpResponse(null, { status: 204 })))
    const stream = track(createEventStream(URL, { retry: fast }))
    const errors: EventStreamError[] = []
    stream.onError((error) => errors.push(error))
    await until(() => stream.state.status === 'closed')
    await runClientTimers() // a retry would start now
    expect(fetches()).toBe(1)
    expect(requests).toHaveLength(1)
    expect(errors).toEqual([])
    expect(stream.state.error).toBeUndefined()
  })

  it('retries a 503 no earlier than its Retry-After', async () => {
    const times: number[] = []
    serve(
      http.get(URL, () => {
        times.push(Date.now())
        return times.length === 1
          ? new HttpResponse(null, { status: 503, headers: { 'retry-after': '1' } })
          : eventStreamResponse([{ data: '1' }])
      }),
    )
    const stream = track(createEventStream(URL, { retry: fast }))
    await until(() => stream.state.status === 'reconnecting')
    expect(stream.state.retryDelay).toBe(1000)
    expect(stream.state.error).toMatchObject({ code: 'http', status: 503 })
    await until(() => stream.state.status === 'open', 3000)
    stream.close()
    expect((times[1] as number) - (times[0] as number)).toBeGreaterThanOrEqual(990)
  })

  it('retries 500, 408 and 429 but not 404', async () => {
    for (const [status, retried] of [
      [500, true],
      [408, true],
      [429, true],
      [404, false],
    ] as const) {
      const requests = serve(http.get(URL, () => new HttpResponse(null, { status })))
      const stream = track(createEventStream(URL, { retry: { ...fast, maxAttempts: 2 } }))
      await until(() => stream.state.status === 'closed')
      expect(requests.length, `HTTP ${status}`).toBe(retried ? 2 : 1)
      expect(stream.state).toMatchObject({ attempt: retried ? 2 : 1, error: { code: 'http', status } })
    }
  })

  it('reports a decode failure, skips that event and goes on', async () => {
    serve(eventStreamHandler(URL, [{ data: '1' }, { data: '{broken' }, { data: '3' }], { interval: 2 }))
    const stream = track(createEventStream<{ message: number }>(URL))
    const seen: number[] = []
    const errors: EventStreamError[] = []
    stream.on('message', (data) => seen.push(data))
    stream.onError((error) => errors.push(error))
    await until(() => seen.length === 2)
    stream.close()
    expect(seen).toEqual([1, 3])
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ code: 'decode', event: { type: 'message', raw: '{broken' } })
    expect(stream.state.error).toBe(errors[0])
  })

  it('gives up after maxAttempts consecutive failures and keeps the last error', async () => {
    const requests = serve(http.get(URL, () => HttpResponse.error()))
    const stream = track(createEventStream(URL, { retry: { ...fast, maxAttempts: 3 } }))
    await until(() => stream.state.status === 'closed')
    expect(requests).toHaveLength(3)
    expect(stream.state).toMatchObject({ attempt: 3, error: { code: 'network' } })
  })

  it('never reconnects with retry: false', async () => {
    const requests = serve(eventStreamHandler(URL, [{ data: '1' }], { whenDone: 'end' }))
    const stream = track(createEventStream(URL, { retry: false }))
    await until(() => stream.state.status === 'closed')
    expect(requests).toHaveLength(1)
    expect(stream.state.error).toBeUndefined()
  })

  it('lets the server `retry:` field replace the base delay', async () => {
    serve(eventStreamHandler(URL, [{ data: '1', retry: 400 }], { whenDone: 'end' }))
    const stream = track(createEventStream(URL, { retry: { jitter: false, initialDelay: 5000 } }))
    await until(() => stream.state.status === 'reconnecting')
    expect(stream.state.retryDelay).toBe(400)
    stream.close()
  })
})

describe('async iteration', () => {
  it('yields every event of every type in order, buffering between next() calls', async () => {
    serve(
      eventStreamHandler<Ticker>(URL, [
        { event: 'tick', data: { n: 1 } },
        { data: '"hello"' },
        { event: 'tick', data: { n: 2 } },
      ]),
    )
    const stream = track(createEventStream<Ticker>(URL))
    const iterator = stream[Symbol.asyncIterator]()
    let arrived = 0
    stream.onAny(() => arrived++)
    await until(() => arrived === 3, 3000, 'all three events, before the first next()')
    const types: string[] = []
    for (let i = 0; i < 3; i++) {
      const { value } = await iterator.next()
      types.push(`${value?.type}:${JSON.stringify(value?.data)}`)
    }
    expect(types).toEqual(['tick:{"n":1}', 'message:"hello"', 'tick:{"n":2}'])
    stream.close()
    expect(await iterator.next()).toEqual({ value: undefined, done: true })
  })

  it('narrows the event by type inside the loop and closes the stream when the loop is left', async () => {
    serve(eventStreamHandler<Ticker>(URL, ticks(10), { interval: 1 }))
    const stream = track(createEventStream<Ticker>(URL))
    const seen: number[] = []
    for await (const event of stream) {
      if (event.type === 'tick') seen.push(event.data.n)
      if (seen.length === 3) break
    }
    expect(seen).toEqual([0, 1, 2])
    expect(stream.state.status).toBe('closed')
  })

  it('completes when the server answers 204', async () => {
    serve(http.get(URL, () => new HttpResponse(null, { status: 204 })))
    const stream = track(createEventStream(URL))
    const events: unknown[] = []
    for await (const event of stream) events.push(event)
    expect(events).toEqual([])
  })

  it('throws the fatal error that ends the stream', async () => {
    serve(http.get(URL, () => new HttpResponse(null, { status: 403 })))
    const stream = track(createEventStream(URL))
    await expect(async () => {
      for await (const _ of stream) {
        // no events
      }
    }).rejects.toMatchObject({ name: 'EventStreamError', code: 'http', status: 403 })
  })

  it('delivers the events received before a fatal error first', async () => {
    let calls = 0
    serve(
      http.get(URL, () =>
        ++calls === 1
          ? eventStreamResponse([{ data: '1' }, { data: '2' }], { whenDone: 'end' })
          : new HttpResponse(null, { status: 410 }),
      ),
    )
    const stream = track(createEventStream<{ message: number }>(URL, { retry: fast }))
    const seen: number[] = []
    await expect(async () => {
      for await (const event of stream) seen.push(event.data)
    }).rejects.toMatchObject({ status: 410 })
    expect(seen).toEqual([1, 2])
  })
})
