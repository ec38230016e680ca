import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createEventStream } from '../../src/index'
import { countFetches, fakeClientTimers, runClientTimers } from '../helpers/clientTimers'
import { closeAfterEach } from '../helpers/closeAfterEach'
import { startSseServer } from '../helpers/sseServer'
import { until } from '../helpers/until'

/** A browser-like global: `navigator.onLine` and window events on globalThis. */
function stubBrowserNetwork() {
  const target = new EventTarget()
  const network = { online: true, listeners: 0 }
  vi.stubGlobal('navigator', {
    get onLine() {
      return network.online
    },
  })
  vi.stubGlobal(
    'addEventListener',
    (type: string, listener: EventListener, options?: AddEventListenerOptions) => {
      if (type === 'online') network.listeners++
      target.addEventListener(type, listener, options)
    },
  )
  vi.stubGlobal('removeEventListener', (type: string, listener: EventListener) => {
    target.removeEventListener(type, listener)
  })
  vi.stubGlobal('dispatchEvent', (event: Event) => target.dispatchEvent(event))
  return {
    network,
    goOnline() {
      network.online = true
      target.dispatchEvent(new Event('online'))
    },
  }
}

describe('online/offline in a browser-like environment', () => {
  let browser: ReturnType<typeof stubBrowserNetwork>
  let fetches: () => number
  beforeEach(() => {
    browser = stubBrowserNetwork()
    fakeClientTimers()
    fetches = countFetches()
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.useRealTimers()
    vi.restoreAllMocks()
  })
  // Hooks run last-registered first: stream and server close while the globals are still stubbed.
  const track = closeAfterEach()

  async function connectThenDrop(initialDelay: number) {
    const started = track(
      await startSseServer({
        count: 5,
        respond: (request) => (request.index === 0 ? { kind: 'stream', limit: 2 } : { kind: 'stream' }),
      }),
    )
    const ids: string[] = []
    const stream = track(
      createEventStream(started.url, { decode: 'text', retry: { initialDelay, jitter: false } }),
    )
    stream.onAny((event) => ids.push(event.id))
    await until(() => ids.length === 2, 3000, 'the first two events')
    browser.network.online = false
    started.dropAll()
    await until(() => stream?.state.status === 'reconnecting', 3000, 'reconnecting')
    return { server: started, stream, ids }
  }

  it('waits for the online event instead of retrying while navigator.onLine is false', async () => {
    const { server, stream, ids } = await connectThenDrop(1)
    await runClientTimers() // with a 1 ms backoff an unaware client would have retried many times by now
    expect(fetches()).toBe(1)
    expect(server.requests).toHaveLength(1)
    expect(stream.state.status).toBe('reconnecting')
    expect(browser.network.listeners).toBe(1)
    browser.goOnline()
    await until(() => ids.length === 5, 3000, 'the rest after going online')
    expect(server.requests).toHaveLength(2)
    expect(server.requests[1]?.lastEventId).toBe('2')
  })

  it('reconnects at once on online, without waiting out the backoff delay', async () => {
    const { server, ids } = await connectThenDrop(60_000)
    const wentOnline = performance.now()
    browser.goOnline()
    await until(() => ids.length === 5, 3000, 'the rest right after going online (not after 60 s)')
    expect((server.requests[1]?.time as number) - wentOnline).toBeLessThan(3000)
  })

  it('reconnects once for several online events', async () => {
    const { server, ids } = await connectThenDrop(1)
    browser.goOnline()
    browser.goOnline()
    await until(() => ids.length === 5, 3000, 'the rest')
    await runClientTimers()
    expect(fetches()).toBe(2)
    expect(server.requests).toHaveLength(2)
  })

  it('stops waiting for online when closed: a later online event opens nothing', async () => {
    const { server, stream } = await connectThenDrop(1)
    stream.close()
    browser.goOnline()
    await runClientTimers()
    expect(fetches()).toBe(1)
    expect(server.requests).toHaveLength(1)
    expect(stream.state.status).toBe('closed')
  })

  it('stops waiting for online on reconnect(), which connects at once', async () => {
    const { server, stream, ids } = await connectThenDrop(60_000)
    stream.reconnect()
    await until(() => ids.length === 5, 3000, 'the rest after reconnect()')
    browser.goOnline() // the old wait must be gone: no second connection
    await runClientTimers()
    expect(fetches()).toBe(2)
    expect(server.requests).toHaveLength(2)
  })
})
