// The core client in headless Chromium: the browser's own fetch streaming from a real server on 127.0.0.1.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createEventStream, type EventStream, type StreamEvent } from '../../src/index'
import { newSession } from './remote'

const streams: EventStream[] = []
afterEach(() => {
  for (const stream of streams.splice(0)) stream.close()
})

function open<E extends Record<string, unknown>>(...args: Parameters<typeof createEventStream<E>>) {
  const stream = createEventStream<E>(...args)
  streams.push(stream as EventStream)
  return stream
}

/** Collects every event of every type, as it arrives. */
function collect(stream: EventStream<{ message: string }>): StreamEvent<'message', string>[] {
  const events: StreamEvent<'message', string>[] = []
  stream.on('message', (_, event) => void events.push(event))
  return events
}

describe('createEventStream in Chromium', () => {
  it('streams events from a real server through the native fetch, with no CORS preflight for the first request', async () => {
    expect(String(globalThis.fetch)).toContain('[native code]')
    const server = newSession()
    const stream = open<{ message: string }>(server.url('/stream', { count: 5 }), { decode: 'text' })
    const seen: string[] = []
    for await (const event of stream) {
      seen.push(`${event.id}:${event.data}`)
      if (seen.length === 5) break
    }
    expect(seen).toEqual(['0:Message 0', '1:Message 1', '2:Message 2', '3:Message 3', '4:Message 4'])
    const [request] = await server.requests()
    // Chromium itself adds `Cache-Control: no-cache` for the `no-store` cache mode, after the CORS check.
    expect(request).toMatchObject({ method: 'GET', accept: 'text/event-stream', lastEventId: '' })
    expect(await server.preflights()).toEqual([])
  })

  it('reconnects after the server cuts the connection and resumes with Last-Event-ID, losing and repeating nothing', async () => {
    const server = newSession()
    const stream = open<{ message: string }>(server.url('/stream', { cut: 4, count: 12 }), {
      decode: 'text',
      retry: { initialDelay: 50, jitter: false },
    })
    const events = collect(stream)
    const errors: string[] = []
    stream.onError((error) => void errors.push(error.code))
    await vi.waitFor(() => expect(events).toHaveLength(12), { timeout: 10_000, interval: 50 })
    expect(events.map((event) => event.data)).toEqual(Array.from({ length: 12 }, (_, n) => `Message ${n}`))
    await vi.waitFor(
      async () =>
        expect((await server.requests()).map((request) => request.lastEventId)).toEqual(['', '3', '7', '11']),
      { timeout: 5000, interval: 50 },
    )
    expect(errors).toEqual(['network', 'network', 'network'])
    expect(stream.state).toMatchObject({ status: 'open', lastEventId: '11' })
  })

  it('POSTs a JSON body across origins (preflight included) and streams the answer', async () => {
    const server = newSession()
    const stream = open<{ message: string }>(server.url('/stream', { count: 2 }), {
      method: 'POST',
      body: JSON.stringify({ prompt: 'hello' }),
      headers: { 'content-type': 'application/json' },
      decode: 'text',
    })
    const events = collect(stream)
    await vi.waitFor(() => expect(events).toHaveLength(2), { timeout: 5000, interval: 20 })
    const [request] = await server.requests()
    expect(request).toMatchObject({ method: 'POST', body: '{"prompt":"hello"}' })
    expect(await server.preflights()).toHaveLength(1)
  })

  it('decodes multibyte UTF-8 that arrives one byte per network write', async () => {
    const server = newSession()
    const stream = open<{ message: string }>(server.url('/bytes'), { decode: 'text' })
    const events = collect(stream)
    await vi.waitFor(() => expect(events).toHaveLength(1), { timeout: 5000, interval: 20 })
    expect(events[0]).toMatchObject({ data: 'h\u00e9llo \u{1f30d} \u20ac', id: '1' })
  })

  it('close() aborts the request: the server sees the connection end', async () => {
    const server = newSession()
    const stream = open<{ message: string }>(server.url('/stream'), { decode: 'text' })
    const events = collect(stream)
    await vi.waitFor(() => expect(events.length).toBeGreaterThan(0), { timeout: 5000, interval: 20 })
    stream.close()
    await vi.waitFor(
      async () => expect((await server.requests()).map((request) => request.closed)).toEqual([true]),
      { timeout: 5000, interval: 50 },
    )
    expect(stream.state.status).toBe('closed')
  })
})
