import { afterEach, describe, expect, it, vi } from 'vitest'
import type { EventStreamOptions } from '../../src/index'
import { fakeClientTimers, runClientTimers } from '../helpers/clientTimers'
import { closeAfterEach } from '../helpers/closeAfterEach'
import { startRecordedStream } from '../helpers/recordedStream'
import type { Plan, RecordedRequest } from '../helpers/sseServer'
import { until } from '../helpers/until'

const SSE = { 'content-type': 'text/event-stream' }

afterEach(() => {
  vi.useRealTimers()
})
// Hooks run last-registered first: streams and server close before the timers are reset.
const track = closeAfterEach()
const setup = (respond: (request: RecordedRequest) => Plan, options?: EventStreamOptions, path?: string) =>
  startRecordedStream(track, respond, options, path)

/** A 200 text/event-stream answer with exactly these bytes, kept open. */
const raw = (body: string | Uint8Array): Plan => ({
  kind: 'reply',
  status: 200,
  headers: SSE,
  body,
  keepOpen: true,
})

describe('bad input from the server', () => {
  it('replaces invalid UTF-8 with U+FFFD and goes on', async () => {
    const body = Buffer.concat([
      Buffer.from('data: a'),
      Buffer.from([0xff]),
      Buffer.from('b\n\ndata: '),
      Buffer.from([0xc0, 0xaf]), // overlong "/"
      Buffer.from('\n\ndata: '),
      Buffer.from([0xed, 0xa0, 0x80]), // an encoded surrogate
      Buffer.from('\n\ndata: caf'),
      Buffer.from([0xc3]), // a truncated sequence before the line end
      Buffer.from('\n\ndata: ok ✓\n\n'),
    ])
    const { events, errors, stream } = await setup(() => raw(body))
    await until(() => events.length === 5, 3000, 'five events')
    expect(events.map((event) => event.raw)).toEqual([
      'a\uFFFDb',
      '\uFFFD\uFFFD',
      '\uFFFD\uFFFD\uFFFD',
      'caf\uFFFD',
      'ok ✓',
    ])
    expect(errors).toEqual([])
    expect(stream.state.status).toBe('open')
  })

  it('keeps NUL bytes in data and event names', async () => {
    const { events, errors } = await setup(() => raw('event: x\0y\ndata: a\0b\n\ndata: \0\n\n'))
    await until(() => events.length === 2, 3000, 'two events')
    expect(events.map((event) => [event.type, event.raw])).toEqual([
      ['x\0y', 'a\0b'],
      ['message', '\0'],
    ])
    expect(errors).toEqual([])
  })

  it('strips one leading BOM per response; a BOM anywhere else is data (or makes a field name unknown)', async () => {
    const { events, server } = await setup((request) =>
      request.index === 0
        ? {
            kind: 'reply',
            status: 200,
            headers: SSE,
            body: '\uFEFFid: 1\ndata: one\n\n\uFEFFdata: ignored\n\ndata: th\uFEFFree\n\n',
          }
        : raw('\uFEFF\uFEFFdata: ignored too\n\n\uFEFFdata: also ignored\n\ndata: four\n\n'),
    )
    await until(() => events.length === 3, 3000, 'three events over two responses')
    expect(events.map((event) => event.raw)).toEqual(['one', 'th\uFEFFree', 'four'])
    expect(server.requests[1]?.lastEventId).toBe('1')
  })

  it('ignores an id containing NUL: the previous last event ID stays and is sent on reconnect', async () => {
    const { events, server, stream } = await setup((request) =>
      request.index === 0
        ? { kind: 'reply', status: 200, headers: SSE, body: 'id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n' }
        : raw(''),
    )
    await until(() => server.requests.length === 2, 3000, 'the reconnect')
    expect(events.map((event) => [event.raw, event.id])).toEqual([
      ['a', '1'],
      ['b', '1'],
    ])
    expect(stream.state.lastEventId).toBe('1')
    expect(server.requests[1]?.lastEventId).toBe('1')
  })

  it.each([
    ['1 MB in 1,000 comment lines', `${`:${'c'.repeat(999)}\n`.repeat(1000)}`],
    ['one comment line of 1 MB', `:${'c'.repeat(1024 * 1024)}\n`],
  ])('goes through %s to the next event without an error', async (_name, comments) => {
    const { events, errors, server } = await setup(() => raw(`${comments}data: after\n\n`))
    await until(() => events.length === 1, 5000, 'the event after the comments')
    expect(events[0]?.raw).toBe('after')
    expect(errors).toEqual([])
    expect(server.requests).toHaveLength(1)
  })

  it('treats an empty 200 body as the end of the stream: reconnects with growing backoff, no events, no errors', async () => {
    const { events, errors, server, stream } = await setup(
      () => ({ kind: 'reply', status: 200, headers: SSE }),
      {
        retry: { initialDelay: 20, maxDelay: 10_000, jitter: false },
      },
    )
    await until(() => server.requests.length === 4, 3000, 'four requests')
    stream.close()
    const gaps = server.requests.slice(1).map((request, i) => request.time - (server.requests[i]?.time ?? 0))
    expect(events).toEqual([])
    expect(errors).toEqual([])
    // At 0, 20, 60 and 140 ms: each gap about double the one before.
    expect(server.requests).toHaveLength(4)
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(0.8 * 20 * 2 ** i)
    })
  })

  it('closes without an error on an empty 200 body when retry is false', async () => {
    fakeClientTimers()
    const { stream, errors, server, fetches } = await setup(
      () => ({ kind: 'reply', status: 200, headers: SSE }),
      {
        retry: false,
      },
    )
    await until(() => stream.state.status === 'closed', 3000, 'closed')
    expect(stream.state.error).toBeUndefined()
    expect(errors).toEqual([])
    await runClientTimers()
    expect(fetches()).toBe(1)
    expect(server.requests).toHaveLength(1)
  })

  it('reports malformed JSON as a decode error, skips that event and goes on', async () => {
    const { events, errors, stream } = await setup(
      () => raw('data: {"a":1}\n\ndata: {oops\n\ndata: [2]\n\n'),
      {
        decode: 'json',
      },
    )
    await until(() => events.length === 2, 3000, 'the two valid events')
    expect(events.map((event) => event.data)).toEqual([{ a: 1 }, [2]])
    expect(errors.map((error) => [error.code, error.event?.raw])).toEqual([['decode', '{oops']])
    expect(stream.state.status).toBe('open')
  })
})

describe('server retry: field and Retry-After', () => {
  /** The delay the client schedules after a response that carries `prefix` and then ends. */
  async function delayAfter(prefix: string, retry: EventStreamOptions['retry'] = {}) {
    fakeClientTimers()
    const { stream, fetches } = await setup(
      (request) => (request.index === 0 ? { kind: 'stream', prefix, limit: 1, endWhenDone: true } : raw('')),
      { retry: { initialDelay: 5000, jitter: false, ...retry } },
    )
    await until(() => stream.state.status === 'reconnecting', 3000, 'reconnecting')
    const delay = stream.state.retryDelay ?? 0
    await runClientTimers(Math.min(delay - 1, 60_000)) // up to just before the delay: no reconnect yet
    return { delay, requests: fetches() }
  }

  it('uses a valid retry: value as the new base delay', async () => {
    expect((await delayAfter('retry: 250\n')).delay).toBe(250)
  })

  it('raises a retry: below 100 ms to 100 ms, so that a flapping server cannot cause a storm', async () => {
    expect((await delayAfter('retry: 0\n')).delay).toBe(100)
  })

  it.each(['retry: -1', 'retry: 1e3', 'retry: 1.5', 'retry: ', 'retry: 12ms'])('ignores %j', async (line) => {
    expect(await delayAfter(`${line}\n`)).toEqual({ delay: 5000, requests: 1 })
  })

  it('caps a huge retry: at maxDelay', async () => {
    expect(await delayAfter('retry: 99999999999999999999\n')).toEqual({ delay: 30_000, requests: 1 })
  })

  it('does not reconnect at once when a huge retry: meets an unbounded maxDelay (timer overflow)', async () => {
    const { delay, requests } = await delayAfter('retry: 99999999999999999999\n', {
      maxDelay: Number.POSITIVE_INFINITY,
    })
    expect(delay).toBeGreaterThan(2 ** 31)
    expect(requests).toBe(1)
  })

  it('does not reconnect at once on a 503 whose Retry-After is longer than a timer can wait', async () => {
    fakeClientTimers()
    const { stream, server, fetches } = await setup(
      () => ({ kind: 'reply', status: 503, headers: { 'retry-after': '99999999' } }), // ~3 years
      { retry: { initialDelay: 1 } },
    )
    await until(() => stream.state.status === 'reconnecting', 3000, 'reconnecting')
    await runClientTimers()
    expect(fetches()).toBe(1)
    expect(server.requests).toHaveLength(1)
    expect(stream.state.error?.status).toBe(503)
  })
})

describe('handlers that misbehave and close() at awkward moments', () => {
  it('reports a throwing handler with code handler; the other handlers, iterators and the stream go on', async () => {
    const { stream, errors, server } = await setup(() => ({ kind: 'stream' }))
    const second: string[] = []
    const iterated: string[] = []
    stream.on('message', (data) => {
      if (data === '2') throw new Error('boom')
    })
    stream.on('message', (data) => second.push(String(data)))
    const loop = (async () => {
      for await (const event of stream) {
        iterated.push(event.id)
        if (iterated.length === 5) break
      }
    })()
    await loop
    expect(second).toEqual(['1', '2', '3', '4', '5'])
    expect(iterated).toEqual(['1', '2', '3', '4', '5'])
    expect(errors).toHaveLength(1)
    expect(errors[0]?.code).toBe('handler')
    expect(errors[0]?.cause).toBeInstanceOf(Error)
    expect(errors[0]?.event).toEqual({ type: 'message', raw: '2' })
    expect(server.requests).toHaveLength(1)
  })

  it('delivers nothing after close() is called inside a handler, even events already in the same chunk', async () => {
    const { stream, server, states, errors } = await setup(() => ({ kind: 'stream', chunks: [1000] })) // one chunk
    const first: string[] = []
    const second: string[] = []
    const iterated: string[] = []
    stream.on('message', (data) => {
      first.push(String(data))
      if (data === '2') stream.close()
    })
    stream.on('message', (data) => second.push(String(data)))
    const loop = (async () => {
      for await (const event of stream) iterated.push(event.id)
    })()
    await loop // ends when closed
    await server.requests[0]?.closed // the connection is gone: nothing more can arrive
    expect(first).toEqual(['1', '2'])
    expect(second).toEqual(['1'])
    expect(iterated).toEqual(['1'])
    expect(errors).toEqual([])
    expect(states.at(-1)?.status).toBe('closed')
    expect(states.filter((state) => state.status === 'closed')).toHaveLength(1)
    expect(server.requests).toHaveLength(1)
  })

  it('keeps going when an onError handler throws: the error is logged, other error handlers still run', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      const { stream, events, errors } = await setup(() => raw('data: 1\n\ndata: {bad\n\ndata: 3\n\n'), {
        decode: 'json',
      })
      stream.onError(() => {
        throw new Error('error handler broke')
      })
      const later: string[] = []
      stream.onError((error) => later.push(error.code))
      await until(() => events.length === 2, 3000, 'the two valid events')
      expect(errors.map((error) => error.code)).toEqual(['decode'])
      expect(later).toEqual(['decode'])
      expect(logged).toHaveBeenCalledTimes(1)
      expect(stream.state.status).toBe('open')
    } finally {
      logged.mockRestore()
    }
  })

  it('does not retry when close() is called from onError', async () => {
    fakeClientTimers()
    const { stream, server, errors, fetches } = await setup(() => ({ kind: 'reply', status: 503 }))
    stream.onError(() => stream.close())
    await until(() => stream.state.status === 'closed', 3000, 'closed')
    await runClientTimers()
    expect(fetches()).toBe(1)
    expect(errors).toHaveLength(1)
    expect(server.requests).toHaveLength(1)
  })

  it('stops a pending backoff on close(): no request after it', async () => {
    fakeClientTimers()
    const { stream, server, fetches } = await setup(() => ({ kind: 'reply', status: 500 }), {
      retry: { initialDelay: 150, jitter: false },
    })
    await until(() => stream.state.status === 'reconnecting', 3000, 'reconnecting')
    stream.close()
    await runClientTimers() // the 150 ms backoff would have run out long ago
    expect(fetches()).toBe(1)
    expect(server.requests).toHaveLength(1)
    expect(stream.state.status).toBe('closed')
  })

  it('is safe to close twice: one closed state, nothing else', async () => {
    const { stream, events, states } = await setup(() => ({ kind: 'stream' }))
    await until(() => events.length === 5, 3000, 'five events')
    stream.close()
    const closed = stream.state
    expect(() => stream.close()).not.toThrow()
    expect(stream.state).toBe(closed)
    expect(states.filter((state) => state.status === 'closed')).toHaveLength(1)
  })

  it('is safe to close after a fatal error: no request, same state, no listener call', async () => {
    fakeClientTimers()
    const { stream, server, states, errors, fetches } = await setup(() => ({ kind: 'reply', status: 404 }))
    await until(() => stream.state.status === 'closed', 3000, 'the fatal 404')
    const fatal = stream.state
    const seen = states.length
    expect(fatal.error?.code).toBe('http')
    expect(fatal.error?.status).toBe(404)
    expect(() => stream.close()).not.toThrow()
    expect(stream.state).toBe(fatal)
    expect(states).toHaveLength(seen)
    expect(errors).toHaveLength(1)
    await runClientTimers()
    expect(fetches()).toBe(1)
    expect(server.requests).toHaveLength(1)
  })
})
