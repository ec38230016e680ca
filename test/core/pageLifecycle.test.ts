// The page's life: `persist` (the last event ID kept across reloads), `pauseWhenHidden` and
// `lastEventIdParam`, against a real loopback server, a fake document and fake timers.
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  createEventStream,
  type EventStreamError,
  type ShareStrategy,
  type StorageLike,
  type StreamEvent,
} from '../../src/index'
import { tabs } from '../../src/tabs/index'
import { closeAfterEach } from '../helpers/closeAfterEach'
import { startSseServer } from '../helpers/sseServer'
import { until } from '../helpers/until'

const track = closeAfterEach()

/** A `StorageLike` over a Map that counts its writes; `fail` makes every call throw. */
function memoryStorage(fail = false) {
  const items = new Map<string, string>()
  const writes: string[] = []
  const storage: StorageLike = {
    getItem(key) {
      if (fail) throw new DOMException('The operation is insecure.', 'SecurityError')
      return items.get(key) ?? null
    },
    setItem(key, value) {
      if (fail) throw new DOMException('Quota exceeded', 'QuotaExceededError')
      writes.push(value)
      items.set(key, value)
    },
    removeItem(key) {
      items.delete(key)
    },
  }
  return { storage, items, writes }
}

function record(stream: ReturnType<typeof createEventStream>) {
  const events: StreamEvent[] = []
  const errors: EventStreamError[] = []
  stream.onAny((event) => events.push(event))
  stream.onError((error) => errors.push(error))
  return { events, errors }
}

describe('lastEventIdParam', () => {
  it('sends the resume point as a query parameter instead of the header, and none on a first request without one', async () => {
    const server = track(
      await startSseServer({
        count: 4,
        respond: (request) =>
          request.index === 0 ? { kind: 'stream', limit: 2, endWhenDone: true } : { kind: 'stream' },
      }),
    )
    const stream = track(
      createEventStream(`${server.url}?channel=a`, {
        lastEventIdParam: 'last_event_id',
        retry: { initialDelay: 1 },
      }),
    )
    await until(() => server.requests.length === 2, 3000, 'the reconnect')
    expect(server.requests.map((request) => request.url)).toEqual([
      '/stream?channel=a',
      '/stream?channel=a&last_event_id=2',
    ])
    expect(server.requests.map((request) => request.headers['last-event-id'])).toEqual([undefined, undefined])
    expect(stream.state.lastEventId).not.toBe('')
  })

  it('puts a lastEventId option in the first request too, and rejects an empty name', () => {
    let url = ''
    const fetch = (async (input: string) => {
      url = input
      return new Response(null, { status: 204 })
    }) as unknown as typeof globalThis.fetch
    track(createEventStream('http://127.0.0.1:9/s', { fetch, lastEventId: 'a b', lastEventIdParam: 'from' }))
    return until(() => url !== '').then(() => {
      expect(url).toBe('http://127.0.0.1:9/s?from=a+b')
      expect(() => createEventStream('http://127.0.0.1:9/s', { lastEventIdParam: '' })).toThrow(TypeError)
    })
  })
})

describe('persist', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('starts the next stream of the same key after the last event the previous one received', async () => {
    const server = track(await startSseServer({ count: 8 }))
    const { storage, items } = memoryStorage()
    const first = track(createEventStream(server.url, { persist: storage }))
    const seen = record(first)
    await until(() => seen.events.length === 8, 3000, 'eight events')
    first.close() // writes the pending ID (as pagehide does on a reload)
    expect([...items.values()]).toEqual(['8'])
    const second = track(createEventStream(server.url, { persist: storage }))
    expect(second.state.lastEventId).toBe('8')
    await until(() => server.requests.length === 2, 3000, 'the second request')
    expect(server.requests[1]?.lastEventId).toBe('8')
  })

  it('lets a lastEventId option win over the stored ID, and keeps a separate ID per connection key', async () => {
    const { storage, items } = memoryStorage()
    const fetch = (async () =>
      new Response('id: 7\ndata: 1\n\n', {
        headers: { 'content-type': 'text/event-stream' },
      })) as typeof globalThis.fetch
    const one = track(createEventStream('http://127.0.0.1:9/a', { fetch, persist: storage, retry: false }))
    await until(() => one.state.status === 'closed')
    one.close()
    expect(
      track(createEventStream('http://127.0.0.1:9/a', { fetch, persist: storage, lastEventId: '3' })).state
        .lastEventId,
    ).toBe('3')
    expect(
      track(createEventStream('http://127.0.0.1:9/b', { fetch, persist: storage })).state.lastEventId,
    ).toBe('')
    expect(items.size).toBe(1)
  })

  it('writes at most 2 times per second on a stream of 10,000 events per second', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const { storage, writes } = memoryStorage()
    let push!: (text: string) => void
    const fetch = (async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            push = (text) => controller.enqueue(new TextEncoder().encode(text))
          },
        }),
        { headers: { 'content-type': 'text/event-stream' } },
      )) as typeof globalThis.fetch
    const stream = track(
      createEventStream('http://127.0.0.1:9/fast', { fetch, persist: storage, decode: 'text' }),
    )
    const { events } = record(stream)
    await vi.advanceTimersByTimeAsync(0)
    let id = 0
    for (let ms = 0; ms < 3000; ms++) {
      let chunk = ''
      for (let i = 0; i < 10; i++) chunk += `id: ${++id}\ndata: x\n\n`
      push(chunk)
      await vi.advanceTimersByTimeAsync(1)
    }
    await vi.advanceTimersByTimeAsync(600)
    console.log(
      `persist: ${events.length} events in 3 s (10,000/s), ${writes.length} storage writes (${(writes.length / 3).toFixed(1)}/s)`,
    )
    expect(events).toHaveLength(30_000)
    expect(writes.length).toBeLessThanOrEqual(7)
    expect(writes.length).toBeGreaterThanOrEqual(5)
    expect(writes.at(-1)).toBe('30000')
  })

  it('clears the stored ID on a 204', async () => {
    const { storage, items } = memoryStorage()
    items.set('x', 'y')
    const responses = [
      new Response('id: 5\ndata: 1\n\n', { headers: { 'content-type': 'text/event-stream' } }),
      new Response(null, { status: 204 }),
    ]
    const fetch = (async () => responses.shift()) as unknown as typeof globalThis.fetch
    const stream = track(
      createEventStream('http://127.0.0.1:9/done', { fetch, persist: storage, retry: { initialDelay: 1 } }),
    )
    await until(() => stream.state.status === 'closed', 3000, 'the 204')
    expect([...items.values()]).toEqual(['y'])
  })

  it('reports storage that throws once, and the stream goes on', async () => {
    const server = track(await startSseServer({ count: 3 }))
    const { storage } = memoryStorage(true)
    const stream = track(createEventStream(server.url, { persist: storage }))
    const { events, errors } = record(stream)
    await until(() => events.length === 3, 3000, 'the events')
    stream.close()
    expect(errors.map((error) => error.code)).toEqual(['storage'])
    expect(errors[0]?.message).toMatch(/`persist` storage failed.*insecure/)
  })

  it("reports 'session' once where there is no sessionStorage (Node), and the stream goes on", async () => {
    const server = track(await startSseServer({ count: 2 }))
    const stream = track(createEventStream(server.url, { persist: 'session' }))
    const { events, errors } = record(stream)
    await until(() => events.length === 2, 3000, 'the events')
    expect(errors.map((error) => error.code)).toEqual(['storage'])
  })

  it('hashes the key: no URL, query or header value appears in it', async () => {
    const { storage, items } = memoryStorage()
    const fetch = (async () =>
      new Response('id: 1\ndata: 1\n\n', {
        headers: { 'content-type': 'text/event-stream' },
      })) as typeof globalThis.fetch
    const stream = track(
      createEventStream('http://127.0.0.1:9/feed?token=s3cret', {
        fetch,
        persist: storage,
        headers: { authorization: 'Bearer s3cret' },
        retry: false,
      }),
    )
    await until(() => stream.state.status === 'closed')
    stream.close()
    const [key] = [...items.keys()]
    expect(key).toMatch(/^typed-sse:[0-9a-z]+$/)
    expect(key).not.toMatch(/s3cret|feed|127/)
  })

  it('resumes after the stored ID with share: tabs too (here falling back to the page)', async () => {
    const { storage } = memoryStorage()
    const sent: (string | null)[] = []
    const fetch = (async (_input: RequestInfo | URL, init?: RequestInit) => {
      sent.push(new Headers(init?.headers).get('last-event-id'))
      return new Response('id: 42\ndata: x\n\n', { headers: { 'content-type': 'text/event-stream' } })
    }) as typeof globalThis.fetch
    const run = async (share: false | ShareStrategy) => {
      const stream = createEventStream('http://127.0.0.1:9/feed', {
        persist: storage,
        fetch,
        retry: false,
        share,
      })
      await until(() => stream.state.status === 'closed')
      stream.close() // writes the pending ID
    }
    await run(false)
    await run(false)
    await run(tabs.key('feed'))
    expect(sent).toEqual([null, '42', '42'])
  })

  it('rejects a persist option that is not storage', () => {
    expect(() => createEventStream('http://127.0.0.1:9/s', { persist: {} as StorageLike })).toThrow(/persist/)
  })
})

describe('pauseWhenHidden', () => {
  /** A document whose visibility the test sets. */
  function fakeDocument() {
    const document = Object.assign(new EventTarget(), {
      visibilityState: 'visible' as DocumentVisibilityState,
    })
    vi.stubGlobal('document', document)
    return (state: DocumentVisibilityState) => {
      document.visibilityState = state
      document.dispatchEvent(new Event('visibilitychange'))
    }
  }

  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it('closes the connection after the page was hidden that long, and resumes at once when visible', async () => {
    const setVisibility = fakeDocument()
    const server = track(await startSseServer({ count: 3 }))
    const stream = track(
      createEventStream(server.url, { pauseWhenHidden: 100, retry: { initialDelay: 5000 } }),
    )
    const { events } = record(stream)
    await until(() => events.length === 3, 3000, 'the events')
    setVisibility('hidden')
    let closed = false
    void server.requests[0]?.closed.then(() => (closed = true))
    await until(() => closed, 3000, 'the server to see the connection close')
    expect(stream.state.status).toBe('reconnecting')
    expect(stream.state.retryDelay).toBeUndefined()
    expect(server.requests).toHaveLength(1)
    setVisibility('visible')
    await until(() => server.requests.length === 2, 1000, 'the request when visible (no 5 s backoff)')
    expect(server.requests[1]?.lastEventId).toBe('3')
    await until(() => stream.state.status === 'open')
  })

  it('pauses again after the delay when reconnect() is called while the page is hidden', async () => {
    const setVisibility = fakeDocument()
    const server = track(await startSseServer({ count: 1 }))
    const stream = track(createEventStream(server.url, { pauseWhenHidden: 50 }))
    await until(() => stream.state.status === 'open')
    setVisibility('hidden')
    await until(() => stream.state.status === 'reconnecting', 3000, 'paused')
    stream.reconnect()
    await until(() => server.requests.length === 2, 3000, 'the reconnect')
    let closed = false
    void server.requests[1]?.closed.then(() => (closed = true))
    await until(() => closed, 3000, 'paused again')
    expect(stream.state.status).toBe('reconnecting')
  })

  it('does nothing when the page shows again before the delay', async () => {
    const setVisibility = fakeDocument()
    const server = track(await startSseServer({ count: 1 }))
    const stream = track(createEventStream(server.url, { pauseWhenHidden: 200 }))
    await until(() => stream.state.status === 'open')
    setVisibility('hidden')
    setVisibility('visible')
    await new Promise((resolve) => setTimeout(resolve, 300)) // past the delay: the point of the test
    expect(server.requests).toHaveLength(1)
    expect(stream.state.status).toBe('open')
  })

  it('does not pause a connection that a share strategy runs for other tabs too', async () => {
    const setVisibility = fakeDocument()
    const server = track(await startSseServer({ count: 1 }))
    const everyTab: ShareStrategy = { connect: (request) => request.open('') }
    const stream = track(createEventStream(server.url, { share: everyTab, pauseWhenHidden: 50 }))
    await until(() => stream.state.status === 'open')
    setVisibility('hidden')
    await new Promise((resolve) => setTimeout(resolve, 200)) // well past the delay: the point of the test
    expect(stream.state.status).toBe('open')
    expect(server.requests).toHaveLength(1)
    expect(server.openConnections).toBe(1)
  })
})
