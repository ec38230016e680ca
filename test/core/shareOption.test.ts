import { describe, expect, it } from 'vitest'
import { sharedConnectionCount } from '../../src/core/api/share'
import {
  type Connection,
  createEventStream,
  type ShareRequest,
  type ShareStrategy,
  subscribe,
} from '../../src/index'
import { createMockStream } from '../../src/testing'
import { closeAfterEach } from '../helpers/closeAfterEach'
import { flushMicrotasks, until } from '../helpers/until'

const URL = 'https://sse.test/feed'
const track = closeAfterEach()

/** A strategy that opens a page connection from the last event ID `resumeFrom`, and records what it was asked. */
function recordingStrategy(resumeFrom = '') {
  const requests: ShareRequest[] = []
  const closed: Connection[] = []
  const strategy: ShareStrategy = {
    connect(request) {
      requests.push(request)
      const connection = request.open(resumeFrom)
      return {
        url: connection.url,
        get state() {
          return connection.state
        },
        get status() {
          return connection.status
        },
        attach: (listener) => connection.attach(listener),
        reconnect: () => connection.reconnect(),
        close() {
          closed.push(connection)
          connection.close()
        },
      }
    },
  }
  return { strategy, requests, closed }
}

describe('the share option', () => {
  it('gives each createEventStream its own connection by default, and one for all with share: page', async () => {
    const server = track(createMockStream())
    const own = [
      track(createEventStream(URL, { fetch: server.fetch })),
      track(createEventStream(URL, { fetch: server.fetch })),
    ]
    await server.waitForConnection(2)
    for (const stream of own) stream.close()
    const shared = [
      track(createEventStream(URL, { fetch: server.fetch, share: 'page' })),
      track(createEventStream(URL, { fetch: server.fetch, share: 'page' })),
    ]
    await server.waitForConnection(3)
    await flushMicrotasks()
    expect(server.requests).toHaveLength(3)
    expect(sharedConnectionCount()).toBe(1)
    for (const stream of shared) stream.close()
    await flushMicrotasks()
    expect(sharedConnectionCount()).toBe(0)
  })

  it('gives createEventStream and subscribe their own connections with share: false', async () => {
    const server = track(createMockStream())
    const stream = track(createEventStream(URL, { fetch: server.fetch, share: false }))
    const unsubscribe = track(subscribe(URL, {}, { fetch: server.fetch, share: false }))
    await server.waitForConnection(2)
    expect(sharedConnectionCount()).toBe(0)
    stream.close()
    unsubscribe()
    expect(server.connected).toBe(false)
  })

  it('asks a strategy once per sharing key, with the resolved URL, the key, the options and a way to open', async () => {
    const server = track(createMockStream<{ message: string }>())
    const { strategy, requests, closed } = recordingStrategy('41')
    const options = { fetch: server.fetch, share: strategy, decode: 'text' as const }
    const first = track(createEventStream<{ message: string }>(URL, options))
    const second = track(createEventStream<{ message: string }>(URL, options))
    const page = track(createEventStream(URL, { fetch: server.fetch, share: 'page' }))
    const other = track(createEventStream(`${URL}?other`, options))
    expect(requests.map((request) => request.url)).toEqual([URL, `${URL}?other`])
    expect(requests[0]?.options).toBe(options)
    expect(requests[0]?.key).toContain(URL)
    expect(requests[0]?.key).not.toBe(requests[1]?.key)
    await server.waitForConnection(3)
    // The strategy opened its connections from its own resume point.
    expect(server.requests.map((request) => request.headers.get('last-event-id'))).toEqual(
      expect.arrayContaining(['41', '41', null]),
    )
    const received: string[] = []
    first.on('message', (data) => received.push(`first ${data}`))
    second.on('message', (data) => received.push(`second ${data}`))
    other.close()
    page.close()
    await flushMicrotasks()
    server.send({ data: 'hello', id: '42' })
    await until(() => received.length === 2)
    expect(received).toEqual(['first hello', 'second hello'])
    expect(closed).toHaveLength(1) // `other`'s; the first key still has two consumers
    first.close()
    await flushMicrotasks()
    expect(closed).toHaveLength(1)
    second.close()
    await flushMicrotasks()
    expect(closed).toHaveLength(2)
    expect(sharedConnectionCount()).toBe(0)
  })

  it('keeps connections of different strategies and of the page apart', async () => {
    const server = track(createMockStream())
    const a = recordingStrategy()
    const b = recordingStrategy()
    const streams = [
      track(createEventStream(URL, { fetch: server.fetch, share: a.strategy })),
      track(createEventStream(URL, { fetch: server.fetch, share: b.strategy })),
      track(createEventStream(URL, { fetch: server.fetch, share: 'page' })),
    ]
    expect(sharedConnectionCount()).toBe(3)
    expect([a.requests.length, b.requests.length]).toEqual([1, 1])
    // The page's key is the same for all three: a strategy sees what the page compares.
    expect(a.requests[0]?.key).toBe(b.requests[0]?.key)
    for (const stream of streams) stream.close()
    await flushMicrotasks()
    expect(sharedConnectionCount()).toBe(0)
  })

  it('throws a TypeError for anything but false, page or a strategy, and registers nothing', () => {
    for (const share of [true, 'tabs', null, {}, 0]) {
      expect(() => createEventStream(URL, { share: share as never })).toThrow(TypeError)
      expect(() => subscribe(URL, {}, { share: share as never })).toThrow(
        /`share` must be false, 'page' or a strategy/,
      )
    }
    const refusing: ShareStrategy = {
      connect() {
        throw new TypeError('not this one')
      },
    }
    expect(() => createEventStream(URL, { share: refusing })).toThrow('not this one')
    expect(sharedConnectionCount()).toBe(0)
  })

  it('checks pauseWhenHidden with a strategy too, although the connection of a strategy does not get it', () => {
    const { strategy, requests } = recordingStrategy()
    for (const pauseWhenHidden of [-1, Number.NaN, '1000']) {
      expect(() =>
        createEventStream(URL, { share: strategy, pauseWhenHidden: pauseWhenHidden as never }),
      ).toThrow(/pauseWhenHidden/)
    }
    expect(requests).toHaveLength(0)
    expect(sharedConnectionCount()).toBe(0)
  })
})
