import { afterAll, describe, expect, it } from 'vitest'
import { createEventStream, type EventStreamErrorCode } from '../../src/index'
import { until } from '../helpers/until'
import { channelName, cluster, ensureCluster, publish, tapFetch, waitForSubscribers } from './cluster'

type Events = { message: { text: string } }

const IDLE_TIMEOUT = 2500

afterAll(() => ensureCluster(cluster().pingInterval))

/** How many `:ping` comments a raw stream holds. */
function pings(wire: string | undefined): number {
  return wire?.split('\n').filter((line) => line === ':ping').length ?? 0
}

describe('heartbeats from Nchan and the idle watchdog', () => {
  it('stays connected on a silent channel while Nchan sends a :ping every second (idleTimeout 2.5 s)', async () => {
    await ensureCluster(1)
    const { a } = cluster()
    const channel = channelName('pings')
    const tap = tapFetch()
    const errors: EventStreamErrorCode[] = []
    const received: string[] = []
    const stream = createEventStream<Events>(`${a}/sub/${channel}`, {
      idleTimeout: IDLE_TIMEOUT,
      retry: { initialDelay: 50, jitter: false },
      fetch: tap.fetch,
    })
    stream.onError((error) => errors.push(error.code))
    stream.on('message', (data) => received.push(data.text))
    try {
      // Four pings: more than 3.5 s without an event, well past the idle timeout.
      await until(() => pings(tap.bodies[0]) >= 4, 8000)
      expect(errors).toEqual([])
      expect(tap.requests).toHaveLength(1)
      expect(stream.state.status).toBe('open')

      await waitForSubscribers(a, channel)
      await publish(a, channel, 'message', { text: 'still here' })
      await until(() => received.length === 1, 3000)
      expect(received).toEqual(['still here'])
      expect(tap.requests).toHaveLength(1)
    } finally {
      stream.close()
    }
  })

  it('reconnects a silent stream with an idle-timeout error after idleTimeout when Nchan sends no pings', async () => {
    await ensureCluster(0) // restarts both nodes without the ping
    const { a } = cluster()
    const channel = channelName('silent')
    const tap = tapFetch()
    const errors: { code: EventStreamErrorCode; at: number }[] = []
    const opened: number[] = []
    const received: string[] = []
    const stream = createEventStream<Events>(`${a}/sub/${channel}`, {
      idleTimeout: IDLE_TIMEOUT,
      retry: { initialDelay: 50, jitter: false },
      fetch: tap.fetch,
    })
    stream.onError((error) => errors.push({ code: error.code, at: performance.now() }))
    stream.on('message', (data) => received.push(data.text))
    stream.onState((state) => {
      if (state.status === 'open' && opened.length === errors.length) opened.push(performance.now())
    })
    try {
      await until(() => opened.length === 2, 8000)
      expect(errors.map((error) => error.code)).toEqual(['idle-timeout'])
      const silence = (errors[0]?.at ?? 0) - (opened[0] ?? 0)
      expect(silence).toBeGreaterThanOrEqual(IDLE_TIMEOUT - 50)
      expect(tap.bodies[0]).toBe(': hi\n\n') // only the opening comment, no heartbeat
      expect(tap.requests).toHaveLength(2)

      // The new connection works.
      await waitForSubscribers(a, channel)
      await publish(a, channel, 'message', { text: 'after the watchdog' })
      await until(() => received.length === 1, 3000)
      expect(received).toEqual(['after the watchdog'])
      expect(tap.bodies[1]).toContain('data: {"text":"after the watchdog"}')
    } finally {
      stream.close()
    }
  })
})
