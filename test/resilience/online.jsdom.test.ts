// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createEventStream } from '../../src/index'
import { countFetches, fakeClientTimers, runClientTimers } from '../helpers/clientTimers'
import { closeAfterEach } from '../helpers/closeAfterEach'
import { startSseServer } from '../helpers/sseServer'
import { until } from '../helpers/until'

describe('online/offline with jsdom’s window and navigator', () => {
  afterEach(() => {
    vi.useRealTimers()
    vi.restoreAllMocks()
  })
  // Hooks run last-registered first: stream and server close before the mocks are restored.
  const track = closeAfterEach()

  it('waits for window’s online event while navigator.onLine is false, then resumes at once', async () => {
    let online = true
    fakeClientTimers()
    const fetches = countFetches()
    vi.spyOn(window.navigator, 'onLine', 'get').mockImplementation(() => online)
    const started = track(
      await startSseServer({
        count: 4,
        respond: (request) => (request.index === 0 ? { kind: 'stream', limit: 1 } : { kind: 'stream' }),
      }),
    )
    const ids: string[] = []
    const stream = track(
      createEventStream(started.url, {
        decode: 'text',
        retry: { initialDelay: 30_000, jitter: false },
      }),
    )
    stream.onAny((event) => ids.push(event.id))
    await until(() => ids.length === 1, 3000, 'the first event')
    online = false
    started.dropAll()
    await until(() => stream?.state.status === 'reconnecting', 3000, 'reconnecting')
    await runClientTimers() // a client unaware of navigator.onLine would have retried after its 30 s backoff
    expect(fetches()).toBe(1)
    expect(started.requests).toHaveLength(1)
    online = true
    window.dispatchEvent(new Event('online'))
    await until(() => ids.length === 4, 3000, 'the rest right after online (not after 30 s)')
    expect(started.requests[1]?.lastEventId).toBe('1')
  })
})
