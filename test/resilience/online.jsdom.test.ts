// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createEventStream, type EventStream } from '../../src/index'
import { type SseServer, sleep, startSseServer, waitUntil } from '../helpers/sseServer'

describe('online/offline with jsdom’s window and navigator', () => {
  let server: SseServer | undefined
  let stream: EventStream | undefined
  afterEach(async () => {
    stream?.close()
    stream = undefined
    await server?.close()
    server = undefined
    vi.restoreAllMocks()
  })

  it('waits for window’s online event while navigator.onLine is false, then resumes at once', async () => {
    let online = true
    vi.spyOn(window.navigator, 'onLine', 'get').mockImplementation(() => online)
    server = await startSseServer({
      count: 4,
      respond: (request) => (request.index === 0 ? { kind: 'stream', limit: 1 } : { kind: 'stream' }),
    })
    const started = server
    const ids: string[] = []
    stream = createEventStream(started.url, {
      decode: 'text',
      retry: { initialDelay: 30_000, jitter: false },
    })
    stream.onAny((event) => ids.push(event.id))
    await waitUntil(() => ids.length === 1, 3000, 'the first event')
    online = false
    started.dropAll()
    await waitUntil(() => stream?.state.status === 'reconnecting', 3000, 'reconnecting')
    await sleep(100)
    expect(started.requests).toHaveLength(1)
    online = true
    window.dispatchEvent(new Event('online'))
    await waitUntil(() => ids.length === 4, 3000, 'the rest right after online (not after 30 s)')
    expect(started.requests[1]?.lastEventId).toBe('1')
  })
})
