import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import mswPackage from 'msw/package.json' with { type: 'json' }
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest'
import { createParser } from '../../src/core/wire/parse'
import { createEventStream } from '../../src/index'
import { createMockStream, encodeEvent, eventStreamHandler, eventStreamResponse } from '../../src/testing'
import { until } from '../helpers/until'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The MSW major version the project loads (vitest.config.ts), and the Node it needs, if any. */
    msw: { major: number; needsNode?: string; runs?: boolean }
  }
}

function parseAll(text: string): [string, string, string][] {
  const events: [string, string, string][] = []
  createParser({ onEvent: (type, data, id) => events.push([type, data, id]) }).feed(text)
  return events
}

// The same tests run on MSW 2 (`node` project) and on MSW 3 (`msw3` project, which resolves `msw` to MSW 3
// for these tests and for typed-sse/testing itself). MSW 3 needs a newer Node: there the suite is skipped
// on an older one, and its name says so.
const msw = inject('msw')
const skipped = msw.runs === false
const suiteName = skipped
  ? `typed-sse/testing with MSW ${msw.major} (skipped: needs Node >= ${msw.needsNode}, this is ${process.version})`
  : `typed-sse/testing with MSW ${msw.major}`

describe.skipIf(skipped)(suiteName, () => {
  it(`loads MSW ${msw.major}`, () => {
    expect(Number(mswPackage.version.split('.')[0])).toBe(msw.major)
  })

  describe('encodeEvent', () => {
    it('writes event, id, retry and data fields ending with a blank line', () => {
      expect(encodeEvent({ event: 'tick', data: { n: 1 }, id: '7', retry: 500 })).toBe(
        'event: tick\nid: 7\nretry: 500\ndata: {"n":1}\n\n',
      )
    })

    it('sends strings as they are and splits multi-line data into data lines', () => {
      expect(encodeEvent({ data: 'a\nb\r\nc' })).toBe('data: a\ndata: b\ndata: c\n\n')
    })

    it('omits the event field for message events and writes comments', () => {
      expect(encodeEvent({ event: 'message', data: 'x' })).toBe('data: x\n\n')
      expect(encodeEvent({ comment: 'keep-alive' })).toBe(': keep-alive\n\n')
    })

    it('round-trips through the parser, leading spaces and empty lines included', () => {
      const data = '  indented\n\nlast'
      expect(parseAll(encodeEvent({ event: 'e', data, id: 'x' }))).toEqual([['e', data, 'x']])
    })
  })

  describe('eventStreamResponse', () => {
    it('streams the events as text/event-stream and ends when asked', async () => {
      const response = eventStreamResponse([{ data: '1', id: 'a' }, { comment: 'c' }, { data: '2' }], {
        whenDone: 'end',
      })
      expect(response.headers.get('content-type')).toBe('text/event-stream')
      expect(await response.text()).toBe('id: a\ndata: 1\n\n: c\n\ndata: 2\n\n')
    })

    it('resumes after the given last event id', async () => {
      const events = ['0', '1', '2'].map((id) => ({ data: id, id }))
      const response = eventStreamResponse(events, { lastEventId: '1', whenDone: 'end' })
      expect(await response.text()).toBe('id: 2\ndata: 2\n\n')
    })

    it('breaks the body with an error after dropAfter events', async () => {
      const response = eventStreamResponse([{ data: '1' }, { data: '2' }], { dropAfter: 1 })
      await expect(response.text()).rejects.toThrow(/dropped by the mock/)
    })
  })

  describe('eventStreamHandler with MSW', () => {
    const server = setupServer()
    beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
    afterEach(() => server.resetHandlers())
    afterAll(() => server.close())

    it('answers with the given status and headers instead of a stream', async () => {
      server.use(
        eventStreamHandler('http://api.test/s', [], { status: 503, headers: { 'retry-after': '3' } }),
      )
      const response = await fetch('http://api.test/s')
      expect(response.status).toBe(503)
      expect(response.headers.get('retry-after')).toBe('3')
    })

    it('matches the method it is given', async () => {
      server.use(
        eventStreamHandler('http://api.test/s', [{ data: 'posted' }], { method: 'post', whenDone: 'end' }),
        http.get('http://api.test/s', () => HttpResponse.text('get')),
      )
      expect(await (await fetch('http://api.test/s', { method: 'POST' })).text()).toBe('data: posted\n\n')
      expect(await (await fetch('http://api.test/s')).text()).toBe('get')
    })
  })

  describe('createMockStream', () => {
    it('serves each request as a new connection and records it', async () => {
      const server = createMockStream<{ message: string }>()
      const stream = createEventStream<{ message: string }>('https://api.test/s', {
        fetch: server.fetch,
        decode: 'text',
        retry: { initialDelay: 1 },
      })
      const seen: string[] = []
      stream.on('message', (data) => seen.push(data))
      await server.waitForConnection()
      server.send({ data: 'one', id: '1' })
      await until(() => seen.length === 1)
      server.close()
      await server.waitForConnection(2)
      server.send({ data: 'two' })
      await until(() => seen.length === 2)
      stream.close()
      expect(seen).toEqual(['one', 'two'])
      expect(server.requests.map((request) => request.headers.get('last-event-id'))).toEqual([null, '1'])
    })

    it('queues what is sent before a connection opens', async () => {
      const server = createMockStream()
      server.write('data: early\n\n')
      const stream = createEventStream('https://api.test/s', { fetch: server.fetch, decode: 'text' })
      const seen: unknown[] = []
      stream.on('message', (data) => seen.push(data))
      await until(() => seen.length === 1)
      stream.close()
      expect(seen).toEqual(['early'])
    })

    it('answers the next request with a scripted reply', async () => {
      const server = createMockStream()
      server.reply({ status: 401 })
      const stream = createEventStream('https://api.test/s', { fetch: server.fetch })
      await until(() => stream.state.status === 'closed')
      expect(stream.state.error).toMatchObject({ code: 'http', status: 401 })
    })

    it('reports whether a connection is open, and closes it when the client aborts', async () => {
      const server = createMockStream()
      const stream = createEventStream('https://api.test/s', { fetch: server.fetch })
      await server.waitForConnection()
      expect(server.connected).toBe(true)
      stream.close()
      expect(server.connected).toBe(false)
    })
  })
})
