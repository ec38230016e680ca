import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createEventStream, type EventStreamError } from '../../src/index'
import { createMockStream } from '../../src/testing'
import { closeAfterEach } from '../helpers/closeAfterEach'
import { until } from '../helpers/until'

/**
 * An async schema that takes `ms` per event (slow on purpose, the point of the tests that use it), and
 * calls `onValidate` as each validation starts.
 */
function slowSchema(ms = 20, onValidate?: () => void) {
  return z.object({ n: z.number() }).refine(async () => {
    onValidate?.()
    await new Promise((resolve) => setTimeout(resolve, ms))
    return true
  })
}

describe('Standard Schema decoding in a stream', () => {
  const track = closeAfterEach()

  it('keeps event order when an async schema is slower than the events after it', async () => {
    const server = track(createMockStream())
    const slow = slowSchema()
    const stream = track(
      createEventStream('https://api.test/s', {
        fetch: server.fetch,
        decode: { slow, fast: Number },
      }),
    )
    const order: string[] = []
    stream.on('slow', (data) => order.push(`slow ${data.n}`))
    stream.on('fast', (data) => order.push(`fast ${data}`))
    server.send({ event: 'slow', data: { n: 1 } })
    server.send({ event: 'fast', data: 2 })
    server.send({ event: 'slow', data: { n: 3 } })
    server.send({ event: 'fast', data: 4 })
    await until(() => order.length === 4)
    stream.close()
    expect(order).toEqual(['slow 1', 'fast 2', 'slow 3', 'fast 4'])
  })

  it('drops events still in an async schema when a finite stream starts again from the start', async () => {
    const server = track(createMockStream())
    let validating = 0
    const slow = slowSchema(200, () => validating++)
    const stream = track(
      createEventStream('https://api.test/answer', {
        fetch: server.fetch,
        method: 'POST',
        body: '{}',
        decode: { message: slow },
      }),
    )
    const order: string[] = []
    stream.onRestart(() => order.push('restart'))
    stream.on('message', (data) => order.push(`n ${data.n}`))
    await server.waitForConnection()
    server.send({ data: { n: 1 } })
    server.send({ data: { n: 2 } })
    await until(() => validating > 0) // the first in the schema for 200 ms, the second queued behind it
    stream.reconnect()
    await server.waitForConnection(2)
    server.send({ data: { n: 1 } })
    await until(() => order.length === 2)
    await new Promise((resolve) => setTimeout(resolve, 60))
    expect(order).toEqual(['restart', 'n 1'])
  })

  it('reports a schema failure with its issues and the event, and goes on', async () => {
    const server = track(createMockStream())
    const stream = track(
      createEventStream('https://api.test/s', {
        fetch: server.fetch,
        decode: { tick: z.object({ n: z.number() }) },
      }),
    )
    const seen: number[] = []
    const errors: EventStreamError[] = []
    stream.on('tick', (data) => seen.push(data.n))
    stream.onError((error) => errors.push(error))
    server.send({ event: 'tick', data: { n: 1 } })
    server.send({ event: 'tick', data: '{"n":"two"}' })
    server.send({ event: 'tick', data: { n: 3 } })
    await until(() => seen.length === 2)
    stream.close()
    expect(seen).toEqual([1, 3])
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ code: 'decode', event: { type: 'tick', raw: '{"n":"two"}' } })
    const issues = errors[0]?.cause as { path: string[] }[]
    expect(issues[0]?.path).toEqual(['n'])
  })

  it('delivers types missing from the decode map as raw text', async () => {
    const server = track(createMockStream())
    const stream = track(
      createEventStream('https://api.test/s', { fetch: server.fetch, decode: { tick: Number } }),
    )
    const seen: unknown[] = []
    stream.onAny((event) => seen.push(event.data))
    server.send({ event: 'other', data: { a: 1 } })
    await until(() => seen.length === 1)
    stream.close()
    expect(seen).toEqual(['{"a":1}'])
  })
})
