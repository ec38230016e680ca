import { describe, expect, it } from 'vitest'
import { createEventStream } from '../../src/index'
import { closeAfterEach } from '../helpers/closeAfterEach'
import { until } from '../helpers/until'

const track = closeAfterEach()
const encoder = new TextEncoder()

/** A fetch whose single response body the test writes to, chunk by chunk. */
function controlledFetch() {
  let controller!: ReadableStreamDefaultController<Uint8Array>
  let requests = 0
  const fetch = (async () => {
    requests++
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c
      },
    })
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } })
  }) as typeof globalThis.fetch
  return {
    fetch,
    requests: () => requests,
    send: (text: string) => controller.enqueue(encoder.encode(text)),
  }
}

describe('for await over a stream', () => {
  it('serves several next() calls made before any event, in order', async () => {
    const server = controlledFetch()
    const own = track(createEventStream('http://127.0.0.1:9/feed', { fetch: server.fetch, decode: 'text' }))
    const iterator = own[Symbol.asyncIterator]()
    const pending = [iterator.next(), iterator.next(), iterator.next()]
    await until(() => server.requests() === 1, 2000, 'the request')
    server.send('data: a\n\ndata: b\n\n')
    server.send('data: c\n\n')
    const results = await Promise.all(pending)
    expect(results.map((result) => result.value?.data)).toEqual(['a', 'b', 'c'])
  })

  it('settles every waiting next() with done when the stream is closed', async () => {
    const server = controlledFetch()
    const stream = track(createEventStream('http://127.0.0.1:9/feed', { fetch: server.fetch }))
    const iterator = stream[Symbol.asyncIterator]()
    const pending = [iterator.next(), iterator.next()]
    stream.close()
    expect(await Promise.all(pending)).toEqual([
      { value: undefined, done: true },
      { value: undefined, done: true },
    ])
  })

  it('rejects only the first waiting next() with a fatal error; the others complete', async () => {
    const fetch = (async () => new Response('gone', { status: 404 })) as typeof globalThis.fetch
    const stream = track(createEventStream('http://127.0.0.1:9/feed', { fetch }))
    const iterator = stream[Symbol.asyncIterator]()
    const first = iterator.next()
    const second = iterator.next()
    await expect(first).rejects.toMatchObject({ code: 'http', status: 404 })
    await expect(second).resolves.toEqual({ value: undefined, done: true })
  })

  it('throws the fatal error in a loop started after the stream failed', async () => {
    const fetch = (async () => new Response('gone', { status: 404 })) as typeof globalThis.fetch
    const stream = track(createEventStream('http://127.0.0.1:9/feed', { fetch }))
    await until(() => stream.state.status === 'closed', 2000, 'the fatal error')
    const late = async () => {
      for await (const _event of stream) {
        // nothing arrives
      }
    }
    await expect(late()).rejects.toMatchObject({ code: 'http', status: 404 })
    // Again for a second late loop: the error is the stream's, not used up by the first loop.
    await expect(late()).rejects.toMatchObject({ code: 'http', status: 404 })
  })

  it('ends a loop started after close() without an error, also after an earlier retried error', async () => {
    const fetch = (async () => new Response('down', { status: 503 })) as typeof globalThis.fetch
    const stream = track(createEventStream('http://127.0.0.1:9/feed', { fetch, retry: { initialDelay: 1 } }))
    await until(() => stream.state.error !== undefined, 2000, 'a retried error')
    stream.close()
    const seen: unknown[] = []
    for await (const event of stream) seen.push(event)
    expect(seen).toEqual([])
  })

  it('starts a new loop normally after reconnect() restarted a failed stream', async () => {
    let calls = 0
    const fetch = (async () =>
      ++calls === 1
        ? new Response('gone', { status: 404 })
        : new Response('data: "again"\n\n', {
            headers: { 'content-type': 'text/event-stream' },
          })) as typeof globalThis.fetch
    const stream = track(createEventStream('http://127.0.0.1:9/feed', { fetch, retry: false }))
    await until(() => stream.state.status === 'closed', 2000, 'the fatal error')
    stream.reconnect()
    const seen: unknown[] = []
    for await (const event of stream) seen.push(event.data)
    expect(seen).toEqual(['again'])
  })

  it('keeps order when a loop that never empties the buffer takes and receives for a long time', async () => {
    const server = controlledFetch()
    const stream = track(
      createEventStream('http://127.0.0.1:9/feed', { fetch: server.fetch, decode: 'text' }),
    )
    const iterator = stream[Symbol.asyncIterator]()
    await until(() => server.requests() === 1, 2000, 'the request')
    const taken: string[] = []
    let sent = 0
    const send = (count: number) => {
      let text = ''
      for (let i = 0; i < count; i++) text += `data: ${++sent}\n\n`
      server.send(text)
    }
    send(600)
    // 300 events stay buffered throughout: the buffer never empties, so it is compacted as it goes.
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 300; i++) taken.push((await iterator.next()).value?.data as string)
      send(300)
    }
    expect(taken).toEqual(Array.from({ length: taken.length }, (_, i) => String(i + 1)))
    expect(taken).toHaveLength(6000)
  })
})
