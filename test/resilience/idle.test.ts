import { describe, expect, it, vi } from 'vitest'
import { createEventStream, type EventStreamError } from '../../src/index'
import { fakeClientTimers, runClientTimers } from '../helpers/clientTimers'
import { closeAfterEach } from '../helpers/closeAfterEach'
import { type Plan, startSseServer } from '../helpers/sseServer'
import { sleep, until } from '../helpers/until'

const IDLE = 200

describe('idle watchdog (idleTimeout)', () => {
  const track = closeAfterEach()

  function open(respond: (index: number) => Plan, options: { idleTimeout?: number } = {}) {
    return startSseServer({ count: 10, respond: (request) => respond(request.index) }).then((started) => {
      track(started)
      const ids: string[] = []
      const errors: EventStreamError[] = []
      const errorTimes: number[] = []
      const stream = track(
        createEventStream(started.url, {
          decode: 'text',
          retry: { initialDelay: 1, maxDelay: 10 },
          idleTimeout: IDLE,
          ...options,
        }),
      )
      stream.onAny((event) => ids.push(event.id))
      stream.onError((error) => {
        errors.push(error)
        errorTimes.push(performance.now())
      })
      return { server: started, stream, ids, errors, errorTimes }
    })
  }

  it('aborts a stalled stream with an idle-timeout error, then reconnects and resumes after the last event', async () => {
    const { server, ids, errors, errorTimes } = await open((index) =>
      index === 0 ? { kind: 'stream', limit: 3 } : { kind: 'stream' },
    )
    await until(() => ids.length === 10, 3000, 'all ten events')
    expect(ids).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'])
    expect(errors.map((error) => error.code)).toEqual(['idle-timeout'])
    expect(errors[0]?.message).toContain(`${IDLE} ms`)
    const [first, second] = server.requests
    // Not before the stall lasted idleTimeout (measured from the first request, a lower bound).
    expect((errorTimes[0] as number) - (first?.time as number)).toBeGreaterThanOrEqual(IDLE - 5)
    await first?.closed
    expect(first?.closedEarly).toBe(true) // the client aborted the stalled request
    expect(second?.lastEventId).toBe('3')
    expect(server.requests).toHaveLength(2)
  })

  it('gives up on a server that never sends response headers', async () => {
    const { server, ids, errors } = await open((index) =>
      index === 0 ? { kind: 'hold' } : { kind: 'stream' },
    )
    await until(() => ids.length === 10, 3000, 'all ten events')
    expect(errors.map((error) => error.code)).toEqual(['idle-timeout'])
    await server.requests[0]?.closed
    expect(server.requests[0]?.closedEarly).toBe(true)
    expect(server.requests[1]?.lastEventId).toBe('')
  })

  it('stays quiet while comment heartbeats arrive, and fires once they stop', async () => {
    const { server, ids, errors, stream } = await open((index) =>
      index === 0
        ? { kind: 'stream', limit: 1, heartbeat: 40, heartbeatCount: 15 } // ~600 ms of heartbeats
        : { kind: 'stream' },
    )
    await until(() => ids.length === 1, 3000, 'the first event')
    // Real time is the point here: more than twice idleTimeout, kept alive by heartbeats only.
    await sleep(450)
    expect(errors).toEqual([])
    expect(stream.state.status).toBe('open')
    expect(server.requests).toHaveLength(1)
    await until(() => errors.length > 0, 3000, 'the idle timeout after the heartbeats stop')
    expect(errors[0]?.code).toBe('idle-timeout')
    await until(() => ids.length === 10, 3000, 'the rest after reconnecting')
    expect(server.requests[1]?.lastEventId).toBe('1')
  })

  it('does not fire while events keep flowing faster than idleTimeout', async () => {
    // 10 events, one every 60 ms and no heartbeats: the whole stream takes 3× idleTimeout.
    const { server, ids, errors } = await open(() => ({ kind: 'stream', pace: 60 }))
    await until(() => ids.length === 10, 3000, 'all ten events') // the flow is over: an error would be in
    expect(errors).toEqual([])
    expect(server.requests).toHaveLength(1)
  })

  it('does not spin when idleTimeout is beyond what a timer can wait (2^31 ms)', async () => {
    fakeClientTimers() // fake timers overflow as Node's do: a delay over 2^31 - 1 ms becomes 1 ms
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout')
    try {
      const { server } = await open(() => ({ kind: 'hold' }), { idleTimeout: 2 ** 32 })
      await until(() => server.requests.length === 1, 3000, 'the request')
      await runClientTimers(100)
      // An overflowing timer fires after 1 ms and re-arms: about 100 watchdog timers in 100 ms.
      const watchdogTimers = setTimeoutSpy.mock.calls.filter(([, delay]) => (delay ?? 0) > 1e6)
      expect(watchdogTimers).toHaveLength(1)
    } finally {
      setTimeoutSpy.mockRestore()
      vi.useRealTimers()
    }
  })

  it('rejects an idleTimeout that is not a positive number', () => {
    expect(() => createEventStream('http://127.0.0.1:9/x', { idleTimeout: 0 })).toThrow(TypeError)
    expect(() => createEventStream('http://127.0.0.1:9/x', { idleTimeout: -5 })).toThrow(/idleTimeout/)
  })
})
