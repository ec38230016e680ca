// `typed-sse/tabs` where it cannot share across tabs (Node has no document, and Node 20 no Web Locks
// either; Node 24 has them and BroadcastChannel): it shares within the page, like `share: 'page'`, and
// still refuses what it could not share safely in a browser.
import { describe, expect, it } from 'vitest'
import { sharedConnectionCount } from '../../src/core/api/share'
import { createEventStream, type EventStream, subscribe } from '../../src/index'
import { tabs } from '../../src/tabs/index'
import { createMockStream } from '../../src/testing'
import { closeAfterEach } from '../helpers/closeAfterEach'
import { startSseServer } from '../helpers/sseServer'
import { until } from '../helpers/until'

const track = closeAfterEach()
const flushMicrotasks = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('share: tabs outside a page (Node)', () => {
  it('shares one connection per key within the page and closes it with the last stream', async () => {
    const server = track(await startSseServer({ count: 3 }))
    const ids: string[][] = [[], []]
    const streams = ids.map((list) => {
      const stream = track(createEventStream(server.url, { share: tabs, decode: 'text' }))
      stream.onAny((event) => list.push(event.id))
      return stream
    })
    const unsubscribe = subscribe(server.url, {}, { share: tabs })
    await until(() => ids.every((list) => list.length === 3))
    expect(server.requests).toHaveLength(1)
    expect(ids).toEqual([
      ['1', '2', '3'],
      ['1', '2', '3'],
    ])
    expect(streams[1]?.state).toMatchObject({ status: 'open', lastEventId: '3' })
    unsubscribe()
    for (const stream of streams) stream.close()
    await flushMicrotasks()
    expect(sharedConnectionCount()).toBe(0)
    await server.waitFor(() => server.openConnections === 0)
  })

  it('starts from the lastEventId option, as a connection of the page would', async () => {
    const server = track(await startSseServer({ count: 5 }))
    const stream = track(createEventStream(server.url, { share: tabs, lastEventId: '3' }))
    await until(() => stream.state.lastEventId === '5')
    expect(server.requests[0]?.lastEventId).toBe('3')
  })

  it('keeps different keys, and tabs apart from the page, on separate connections', async () => {
    const server = track(await startSseServer())
    const streams: EventStream[] = [
      track(createEventStream(server.url, { share: tabs.key('user-1') })),
      track(createEventStream(server.url, { share: tabs.key('user-1') })),
      track(createEventStream(server.url, { share: tabs.key('user-2') })),
      track(createEventStream(server.url, { share: tabs })),
      track(createEventStream(server.url, { share: 'page' })),
    ]
    await until(() => streams.every((stream) => stream.state.status === 'open'))
    expect(server.requests).toHaveLength(4)
    expect(tabs.key('user-1')).toBe(tabs.key('user-1'))
    expect(tabs.key('user-1')).not.toBe(tabs.key('user-2'))
  })

  it('refuses options that only compare within a page (functions, a custom fetch, a body that is not text) without an explicit key, and says why', () => {
    const mock = createMockStream()
    const refused = [
      { headers: () => ({ authorization: 'Bearer secret' }) },
      { fetch: mock.fetch },
      { method: 'POST', body: new Blob(['x']) },
      { doneWhen: () => false },
      { reconnectRequest: () => false as const },
      { retry: { shouldRetry: () => true } },
      { persist: { getItem: () => null, setItem() {}, removeItem() {} } },
    ]
    for (const options of refused) {
      expect(() => createEventStream('https://sse.test/feed', { ...options, share: tabs })).toThrow(
        /cannot be compared across tabs.*other users' credentials.*tabs\.key\('user-42'\)/,
      )
    }
    expect(sharedConnectionCount()).toBe(0)
    expect(mock.requests).toHaveLength(0)
  })

  it('accepts them with an explicit key, and static headers and string bodies without one', async () => {
    const mock = createMockStream()
    const keyed = track(
      createEventStream('https://sse.test/feed', { fetch: mock.fetch, share: tabs.key('k') }),
    )
    const server = track(await startSseServer())
    const plain = track(
      createEventStream(server.url, {
        method: 'POST',
        body: '{"topic":"news"}',
        headers: { 'x-topic': 'news' },
        share: tabs,
      }),
    )
    await mock.waitForConnection(1)
    await until(() => plain.state.status === 'open')
    expect(keyed.state.status).toBe('open')
    expect(server.requests[0]?.headers['x-topic']).toBe('news')
  })

  it('wants a non-empty string as key', () => {
    for (const key of ['', 42, undefined]) expect(() => tabs.key(key as never)).toThrow(TypeError)
  })
})
