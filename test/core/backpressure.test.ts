// A slow `for await` loop keeps memory bounded: when nothing but loops listen and one has 1024 events
// waiting, the connection stops reading the body (TCP flow control then slows the server down) and
// reads on once the loop is down to 256. Handlers still get every event at once.
import { describe, expect, it } from 'vitest'
import { createEventStream } from '../../src/index'
import { closeAfterEach } from '../helpers/closeAfterEach'
import { until } from '../helpers/until'

const track = closeAfterEach()
const EVENTS_PER_CHUNK = 100
const CHUNKS = 200

/** A fetch whose body makes a chunk of 100 numbered events only when the client reads (pull). */
function pullingFetch() {
  let pulled = 0
  const encoder = new TextEncoder()
  const fetch = (async () =>
    new Response(
      new ReadableStream<Uint8Array>(
        {
          pull(controller) {
            if (pulled === CHUNKS) {
              controller.close()
              return
            }
            let text = ''
            for (let i = 1; i <= EVENTS_PER_CHUNK; i++)
              text += `id: ${pulled * EVENTS_PER_CHUNK + i}\ndata: x\n\n`
            pulled++
            controller.enqueue(encoder.encode(text))
          },
        },
        { highWaterMark: 0 },
      ),
      { headers: { 'content-type': 'text/event-stream' } },
    )) as typeof globalThis.fetch
  return { fetch, pulled: () => pulled }
}

describe('for await with a slow loop', () => {
  it('stops reading while 1024 events wait for the loop, and reads on as it catches up, losing nothing', async () => {
    const body = pullingFetch()
    const stream = track(
      createEventStream('http://127.0.0.1:9/flood', { fetch: body.fetch, decode: 'text', retry: false }),
    )
    const ids: number[] = []
    let mostPulledAhead = 0
    for await (const event of stream) {
      ids.push(Number(event.id))
      mostPulledAhead = Math.max(mostPulledAhead, body.pulled() * EVENTS_PER_CHUNK - ids.length)
      if (ids.length % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 0)) // a slow loop
    }
    console.log(`slow loop: ${ids.length} events, at most ${mostPulledAhead} read ahead of the loop`)
    expect(ids).toEqual(Array.from({ length: CHUNKS * EVENTS_PER_CHUNK }, (_, i) => i + 1))
    // The high-water mark plus the chunk that crossed it, and the one the stream had asked for already.
    expect(mostPulledAhead).toBeLessThanOrEqual(1024 + 2 * EVENTS_PER_CHUNK)
  })

  it('reads everything at once when a handler listens too', async () => {
    const body = pullingFetch()
    const stream = track(
      createEventStream('http://127.0.0.1:9/flood', { fetch: body.fetch, decode: 'text', retry: false }),
    )
    let handled = 0
    stream.onAny(() => handled++)
    const iterator = stream[Symbol.asyncIterator]()
    await until(() => stream.state.status === 'closed', 5000, 'the whole body read')
    expect(handled).toBe(CHUNKS * EVENTS_PER_CHUNK)
    expect((await iterator.next()).value?.id).toBe('1') // the loop still gets everything, buffered
  })

  it('reads on when a handler is added while reading waits for the loop', async () => {
    const body = pullingFetch()
    const stream = track(
      createEventStream('http://127.0.0.1:9/flood', { fetch: body.fetch, decode: 'text', retry: false }),
    )
    const iterator = stream[Symbol.asyncIterator]()
    await until(() => body.pulled() > 10, 5000, 'the first chunks')
    await new Promise((resolve) => setTimeout(resolve, 50)) // time to read on, if it did: the point
    expect(body.pulled()).toBeLessThan(CHUNKS / 2) // waiting for the loop, which never reads
    let handled = 0
    stream.onAny(() => handled++)
    await until(() => stream.state.status === 'closed', 5000, 'the rest of the body')
    expect(handled).toBeGreaterThan(0)
    expect((await iterator.next()).value?.id).toBe('1')
  })

  it('does not count the wait for the loop as an idle server', async () => {
    const body = pullingFetch()
    const stream = track(
      createEventStream('http://127.0.0.1:9/flood', { fetch: body.fetch, decode: 'text', idleTimeout: 100 }),
    )
    const errors: unknown[] = []
    stream.onError((error) => errors.push(error))
    const iterator = stream[Symbol.asyncIterator]()
    await until(() => body.pulled() > 10, 5000, 'the first chunks')
    await new Promise((resolve) => setTimeout(resolve, 300)) // three idle timeouts long: the point
    expect(errors).toEqual([])
    expect(stream.state.status).toBe('open')
    expect((await iterator.next()).value?.id).toBe('1')
  })
})
