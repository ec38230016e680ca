import { describe, expect, it } from 'vitest'
import { createEventStream, type StreamState, subscribe } from '../../src/index'
import { createMockStream } from '../../src/testing'
import { closeAfterEach } from '../helpers/closeAfterEach'
import { flushMicrotasks, until } from '../helpers/until'

const URL = 'https://sse.test/feed'
type Feed = { message: { text: string }; count: number }

const track = closeAfterEach()

describe('subscribe', () => {
  it('calls the handler of each event name with decoded data', async () => {
    const server = track(createMockStream<Feed>())
    const texts: string[] = []
    const counts: number[] = []
    const unsubscribe = track(
      subscribe<Feed>(
        URL,
        { message: (data) => texts.push(data.text), count: (data) => counts.push(data) },
        { fetch: server.fetch },
      ),
    )
    await server.waitForConnection()
    server.send({ data: { text: 'hi' } })
    server.send({ event: 'count', data: 3 })
    server.write('event: unknown\ndata: "ignored"\n\n')
    await until(() => counts.length === 1)
    unsubscribe()
    expect(texts).toEqual(['hi'])
    expect(counts).toEqual([3])
  })

  it('shares one connection between subscribers of the same request and closes it with the last one', async () => {
    const server = track(createMockStream<Feed>())
    const first: string[] = []
    const second: string[] = []
    const stopFirst = track(
      subscribe<Feed>(URL, { message: (data) => first.push(data.text) }, { fetch: server.fetch }),
    )
    const stopSecond = track(
      subscribe<Feed>(URL, { message: (data) => second.push(data.text) }, { fetch: server.fetch }),
    )
    await server.waitForConnection()
    server.send({ data: { text: 'both' } })
    await until(() => second.length === 1)
    stopFirst()
    await flushMicrotasks()
    expect(server.connected).toBe(true)
    server.send({ data: { text: 'second only' } })
    await until(() => second.length === 2)
    stopSecond()
    await flushMicrotasks()
    expect(server.connected).toBe(false)
    expect(server.requests).toHaveLength(1)
    expect(server.requests[0]?.signal.aborted).toBe(true)
    expect(first).toEqual(['both'])
    expect(second).toEqual(['both', 'second only'])
  })

  it('lets every sharer decode for itself', async () => {
    const server = track(createMockStream())
    const raw: string[] = []
    const parsed: unknown[] = []
    const a = track(
      subscribe<{ message: string }>(
        URL,
        { message: (data) => raw.push(data) },
        { fetch: server.fetch, decode: 'text' },
      ),
    )
    const b = track(subscribe(URL, { message: (data) => parsed.push(data) }, { fetch: server.fetch }))
    server.send({ data: { x: 1 } })
    await until(() => parsed.length === 1)
    a()
    b()
    expect(raw).toEqual(['{"x":1}'])
    expect(parsed).toEqual([{ x: 1 }])
    expect(server.requests).toHaveLength(1)
  })

  it('never shares between different headers, methods, bodies or credentials', async () => {
    const server = track(createMockStream())
    const variants = [
      {},
      { headers: { authorization: 'Bearer a' } },
      { headers: { authorization: 'Bearer b' } },
      { method: 'POST', body: '{"q":1}' },
      { method: 'POST', body: '{"q":2}' },
      { credentials: 'include' as const },
      { headers: () => ({ authorization: 'Bearer a' }) },
    ]
    const stops = variants.map((options) => track(subscribe(URL, {}, { fetch: server.fetch, ...options })))
    await server.waitForConnection(variants.length)
    expect(server.requests).toHaveLength(variants.length)
    for (const stop of stops) stop()
  })

  it('shares when static headers are equal by value, whatever their spelling', async () => {
    const server = track(createMockStream())
    const a = track(
      subscribe(URL, {}, { fetch: server.fetch, headers: { Authorization: 'Bearer a', 'X-A': '1' } }),
    )
    const b = track(
      subscribe(
        URL,
        {},
        {
          fetch: server.fetch,
          headers: [
            ['x-a', '1'],
            ['authorization', 'Bearer a'],
          ],
        },
      ),
    )
    await server.waitForConnection()
    await flushMicrotasks()
    expect(server.requests).toHaveLength(1)
    a()
    b()
  })

  it('keeps the connection when the last subscriber leaves and a new one joins in the same tick', async () => {
    const server = track(createMockStream())
    const stop = track(subscribe(URL, {}, { fetch: server.fetch }))
    await server.waitForConnection()
    stop()
    const again = track(subscribe(URL, {}, { fetch: server.fetch }))
    await flushMicrotasks()
    expect(server.requests).toHaveLength(1)
    expect(server.connected).toBe(true)
    again()
  })

  it('reports the state at once and on every change, and errors to onError', async () => {
    const server = track(createMockStream())
    const states: StreamState['status'][] = []
    const errors: string[] = []
    const stop = track(
      subscribe(
        URL,
        {},
        {
          fetch: server.fetch,
          retry: { initialDelay: 1 },
          onState: (state) => {
            if (states.at(-1) !== state.status) states.push(state.status)
          },
          onError: (error) => errors.push(error.code),
        },
      ),
    )
    await server.waitForConnection()
    await until(() => states.includes('open'))
    server.drop()
    await until(() => states.filter((status) => status === 'open').length === 2)
    stop()
    expect(states).toEqual(['connecting', 'open', 'reconnecting', 'open', 'closed'])
    expect(errors).toEqual(['network'])
  })

  it('stops calling handlers at once after unsubscribe', async () => {
    const server = track(createMockStream())
    const seen: unknown[] = []
    const stop = track(subscribe(URL, { message: (data) => seen.push(data) }, { fetch: server.fetch }))
    await server.waitForConnection()
    server.write('data: 1\n\ndata: 2\n\n')
    stop()
    await flushMicrotasks()
    expect(seen.length).toBeLessThanOrEqual(2)
    const count = seen.length
    server.write('data: 3\n\n')
    await flushMicrotasks()
    expect(seen).toHaveLength(count)
  })

  it('rejects handlers that are not an object, and says what to pass', () => {
    expect(() => subscribe(URL, ((data: unknown) => data) as never)).toThrow(
      /Did you mean subscribe\(url, \{ message: handler \}\)/,
    )
    expect(() => subscribe(URL, null as never)).toThrow(/needs an object of handlers/)
  })
})

describe("createEventStream with share: 'page'", () => {
  it('reports a closed state to a stream that left, while the shared connection stays open for the others', async () => {
    const server = track(createMockStream())
    const a = track(createEventStream(URL, { fetch: server.fetch, share: 'page' }))
    const b = track(createEventStream(URL, { fetch: server.fetch, share: 'page' }))
    await until(() => b.state.status === 'open')
    a.close()
    await flushMicrotasks()
    expect(a.state.status).toBe('closed')
    expect(b.state.status).toBe('open')
    b.close()
  })
})

describe('closing during backoff', () => {
  it('reports a closed state without a scheduled retry delay', async () => {
    const server = track(createMockStream())
    const stream = track(
      createEventStream(URL, {
        fetch: server.fetch,
        retry: { initialDelay: 10_000, jitter: false },
        share: 'page',
      }),
    )
    await server.waitForConnection()
    server.drop()
    await until(() => stream.state.status === 'reconnecting')
    expect(stream.state.retryDelay).toBe(10_000)
    stream.close()
    expect(stream.state.status).toBe('closed')
    expect('retryDelay' in stream.state).toBe(false)
  })
})
