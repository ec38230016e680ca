import { describe, expect, it } from 'vitest'
import { createEventStream, type EventStreamError, type StreamEvent } from '../../src/index'
import { closeAfterEach } from '../helpers/closeAfterEach'
import { startSseServer } from '../helpers/sseServer'
import { until } from '../helpers/until'

describe('maxEventSize at the client level', () => {
  const track = closeAfterEach()

  async function run(frames: string[], options: { maxEventSize?: number; chunks?: number[] } = {}) {
    const server = track(
      await startSseServer({
        count: frames.length,
        frame: (n) => frames[n - 1] as string,
        respond: () => ({ kind: 'stream', ...(options.chunks && { chunks: options.chunks }) }),
      }),
    )
    const events: StreamEvent[] = []
    const errors: EventStreamError[] = []
    const stream = track(
      createEventStream(server.url, {
        decode: 'text',
        retry: { initialDelay: 1 },
        ...(options.maxEventSize !== undefined && { maxEventSize: options.maxEventSize }),
      }),
    )
    stream.onAny((event) => events.push(event))
    stream.onError((error) => errors.push(error))
    return { server, stream, events, errors }
  }

  it('drops an event larger than maxEventSize with a too-large error and goes on with the next one', async () => {
    const big = 'x'.repeat(2000)
    const { server, stream, events, errors } = await run(
      ['id: 1\ndata: small\n\n', `id: 2\nevent: big\ndata: ${big}\n\n`, 'id: 3\ndata: after\n\n'],
      { maxEventSize: 1000 },
    )
    await until(() => events.length === 2, 3000, 'the two small events')
    expect(events.map((event) => [event.id, event.raw])).toEqual([
      ['1', 'small'],
      ['3', 'after'],
    ])
    expect(errors).toHaveLength(1)
    expect(errors[0]?.code).toBe('too-large')
    expect(errors[0]?.event?.type).toBe('big')
    expect(big.startsWith(errors[0]?.event?.raw ?? '-')).toBe(true) // a preview, not the whole event
    expect(errors[0]?.event?.raw.length).toBeLessThan(1000)
    expect(stream.state.status).toBe('open') // no reconnect: the stream went on
    expect(stream.state.lastEventId).toBe('3')
    expect(server.requests).toHaveLength(1)
  })

  it('still counts the id of a dropped event: the reconnect resumes after it, so it is not sent again', async () => {
    const started = track(
      await startSseServer({
        count: 3,
        frame: (n) => (n === 2 ? `id: 2\ndata: ${'z'.repeat(3000)}\n\n` : `id: ${n}\ndata: ${n}\n\n`),
        respond: (request) =>
          request.index === 0 ? { kind: 'stream', limit: 2, endWhenDone: true } : { kind: 'stream' },
      }),
    )
    const ids: string[] = []
    const stream = track(
      createEventStream(started.url, {
        decode: 'text',
        maxEventSize: 1000,
        retry: { initialDelay: 1 },
      }),
    )
    stream.onAny((event) => ids.push(event.id))
    await until(() => ids.length === 2, 3000, 'events 1 and 3')
    expect(ids).toEqual(['1', '3'])
    expect(started.requests.map((request) => request.lastEventId)).toEqual(['', '2'])
  })

  it('counts many data lines together, and a line split over many small chunks', async () => {
    const manyLines = `${'data: 0123456789\n'.repeat(200)}\n` // 200 short lines, 2,199 characters
    const { events, errors, stream } = await run(
      [manyLines, 'data: ok\n\n', `data: ${'y'.repeat(5000)}\n\n`, 'data: end\n\n'],
      {
        maxEventSize: 1000,
        chunks: [7],
      },
    )
    await until(() => events.length === 2 && errors.length === 2, 3000, 'two events and two errors')
    expect(events.map((event) => event.raw)).toEqual(['ok', 'end'])
    expect(errors.map((error) => error.code)).toEqual(['too-large', 'too-large'])
    expect(stream.state.status).toBe('open')
  })

  it('drops an event over the 4 MiB default and keeps one under it', async () => {
    const under = 'u'.repeat(3 * 1024 * 1024)
    const over = 'o'.repeat(5 * 1024 * 1024)
    const { events, errors } = await run([`data: ${under}\n\n`, `data: ${over}\n\n`, 'data: tail\n\n'])
    await until(() => events.length === 2, 10_000, 'the events under the limit')
    expect(events.map((event) => event.raw.length)).toEqual([under.length, 4])
    expect(errors.map((error) => error.code)).toEqual(['too-large'])
  })

  it('does not count comment padding against maxEventSize, nor let it swallow the next event', async () => {
    // Servers pad the start of a stream with a long comment to push it through buffering proxies.
    // Written 1,000 bytes at a time, so the client reads the comment line in pieces.
    const padding = `:${' '.repeat(200_000)}\n`
    const { events, errors } = await run([`${padding}data: first\n\n`, 'data: second\n\n'], {
      maxEventSize: 1000,
      chunks: [1000],
    })
    await until(() => events.length === 2, 3000, 'both events') // the last bytes: any error came before
    expect(events.map((event) => event.raw)).toEqual(['first', 'second'])
    expect(errors).toEqual([])
  })

  it('reports an endless line at once, while the server is still sending it, and stays open', async () => {
    // No newline ever comes: the limit trips while the line is being read, not at a blank line.
    const { events, errors, stream, server } = await run([`data: ${'x'.repeat(50_000)}`], {
      maxEventSize: 1000,
      chunks: [500],
    })
    await until(() => errors.length === 1, 3000, 'the too-large error')
    expect(errors[0]?.code).toBe('too-large')
    expect(errors[0]?.event?.raw).toBe('x'.repeat(256))
    expect(events).toEqual([])
    expect(stream.state.status).toBe('open')
    expect(server.requests).toHaveLength(1)
  })

  it('reports endless data lines without a blank line at once, once per event', async () => {
    // After the flood, a blank line and one more event: when it arrives, the whole flood has been read.
    const { events, errors, stream } = await run(
      [`event: flood\n${'data: 0123456789\n'.repeat(300)}`, '\ndata: end\n\n'],
      { maxEventSize: 1000, chunks: [64] },
    )
    const order: string[] = []
    stream.onError((error) => order.push(`${error.code} ${error.event?.type}`))
    stream.onAny((event) => order.push(`event ${event.raw}`))
    await until(() => events.length === 1, 3000, 'the event after the flood')
    expect(errors.map((error) => [error.code, error.event?.type])).toEqual([['too-large', 'flood']])
    expect(order).toEqual(['too-large flood', 'event end']) // the error while the flood was still coming
    expect(events.map((event) => event.raw)).toEqual(['end'])
    expect(stream.state.status).toBe('open')
  })

  it.each([
    ['whole', undefined],
    ['byte by byte', [1]],
    ['in 7-byte chunks', [7]],
  ])('counts the characters of the data as `raw` has them, not field names (%s)', async (_how, chunks) => {
    const at = (length: number, lines = 1) => {
      const value = 'v'.repeat((length - (lines - 1)) / lines)
      return `${`data: ${value}\n`.repeat(lines)}\n`
    }
    // 100 characters of raw data pass a limit of 100, whether in one line or two (99 + LF + … = 100 with odd lengths).
    const { events, errors } = await run([at(100), at(101), at(99, 2), at(101, 2), 'data: end\n\n'], {
      maxEventSize: 100,
      ...(chunks && { chunks }),
    })
    await until(() => events.at(-1)?.raw === 'end', 3000, 'the last event')
    expect(events.map((event) => event.raw.length)).toEqual([100, 99, 3])
    expect(errors.map((error) => error.code)).toEqual(['too-large', 'too-large'])
  })

  it('rejects a maxEventSize that is not a positive number', () => {
    expect(() => createEventStream('http://127.0.0.1:9/x', { maxEventSize: 0 })).toThrow(/maxEventSize/)
    expect(() => createEventStream('http://127.0.0.1:9/x', { maxEventSize: Number.NaN })).toThrow(TypeError)
  })
})
