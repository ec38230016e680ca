import { afterEach, describe, expect, it, vi } from 'vitest'
import { resolveConnection } from '../../src/core/api/resolveOptions'
import { backoffDelay, type RetryPolicy } from '../../src/core/connection/retry'
import { createEventStream, type EventStream } from '../../src/index'
import { countFetches, fakeClientTimers, runClientTimers } from '../helpers/clientTimers'
import { closeAfterEach } from '../helpers/closeAfterEach'
import { createRandom } from '../helpers/random'
import { type Plan, startSseServer } from '../helpers/sseServer'
import { sleep, until } from '../helpers/until'

const always500: typeof fetch = async () => new Response('Internal Server Error', { status: 500 })

function gapsOf(times: readonly number[]): number[] {
  return times.slice(1).map((time, i) => time - (times[i] as number))
}

describe('no reconnect storms against an always-failing server', () => {
  afterEach(() => {
    vi.useRealTimers()
    vi.restoreAllMocks()
  })
  // Hooks run last-registered first: streams and servers close before the timers are reset.
  const track = closeAfterEach()

  it('waits 1 s, 2 s, 4 s … capped at 30 s between requests by default (jitter off), 24 requests in 10 minutes', async () => {
    vi.useFakeTimers()
    const times: number[] = []
    const fetch = vi.fn(async () => {
      times.push(Date.now())
      return new Response('Internal Server Error', { status: 500 })
    }) as unknown as typeof globalThis.fetch
    const start = Date.now()
    const stream = track(
      createEventStream('http://127.0.0.1:9/always-500', { fetch, retry: { jitter: false } }),
    )
    await vi.advanceTimersByTimeAsync(10 * 60_000)
    stream.close()
    const gaps = gapsOf(times)
    expect(times[0]).toBe(start)
    expect(gaps.slice(0, 7)).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000])
    expect(new Set(gaps.slice(5))).toEqual(new Set([30_000]))
    expect(times).toHaveLength(24)
    expect(stream.state.status).toBe('closed')
    expect(vi.getTimerCount()).toBe(0)
  })

  it('keeps every jittered delay under its exponential ceiling, so 10 minutes cost a bounded number of requests', async () => {
    vi.useFakeTimers()
    const random = createRandom(20_240_601)
    vi.spyOn(Math, 'random').mockImplementation(random.next)
    const times: number[] = []
    const delays: number[] = []
    const fetch = vi.fn(async (...args: Parameters<typeof globalThis.fetch>) => {
      times.push(Date.now())
      return always500(...args)
    }) as unknown as typeof globalThis.fetch
    const stream = track(createEventStream('http://127.0.0.1:9/always-500', { fetch }))
    stream.onState((state) => {
      if (state.status === 'reconnecting' && state.retryDelay !== undefined) {
        delays.push(state.retryDelay)
      }
    })
    await vi.advanceTimersByTimeAsync(10 * 60_000)
    stream.close()
    console.log(`always-500 (default policy, full jitter): ${times.length} requests in 10 simulated minutes`)
    expect(gapsOf(times)).toEqual(delays.slice(0, times.length - 1))
    delays.forEach((delay, attempt) => {
      expect(delay).toBeGreaterThanOrEqual(0)
      expect(delay).toBeLessThan(Math.min(30_000, 1000 * 2 ** attempt))
    })
    // Full jitter halves the mean wait at the cap (15 s): about 40 requests in 10 minutes, never a storm.
    expect(times.length).toBeGreaterThan(10)
    expect(times.length).toBeLessThan(100)
  })

  it('sends a bounded number of requests to a real always-500 server, with growing gaps', async () => {
    const server = track(
      await startSseServer({ respond: () => ({ kind: 'reply', status: 500, body: 'down' }) }),
    )
    const stream = track(
      createEventStream(server.url, {
        retry: { initialDelay: 20, maxDelay: 320, jitter: false },
      }),
    )
    await sleep(1500) // real time is the point: how many requests a real server gets in 1.5 s
    stream.close()
    const times = server.requests.map((request) => request.time)
    const gaps = gapsOf(times)
    console.log(
      `real always-500 server: ${times.length} requests in 1.5 s, gaps ${gaps.map((gap) => gap.toFixed(0)).join(', ')} ms`,
    )
    // 0, 20, 60, 140, 300, 620, 940, 1260 ms: 8 requests (a client without backoff would send hundreds).
    expect(times.length).toBeGreaterThanOrEqual(5)
    expect(times.length).toBeLessThanOrEqual(9)
    const expected = [20, 40, 80, 160, 320, 320, 320]
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(0.8 * (expected[i] ?? 320))
    })
  })
})

describe('no reconnect storms from a server that flaps', () => {
  const track = closeAfterEach()

  it('sends a few requests per second at most to a server that answers retry: 0 and the same event without an ID, then ends', async () => {
    const server = track(
      await startSseServer({
        respond: () => ({
          kind: 'reply',
          status: 200,
          headers: { 'content-type': 'text/event-stream' },
          body: 'retry: 0\ndata: hello\n\n',
        }),
      }),
    )
    const stream = track(createEventStream(server.url, { decode: 'text' }))
    await sleep(2000) // real time is the point: how many requests a flapping server gets in 2 s
    stream.close()
    console.log(
      `storm server (retry: 0, the same event without an ID, then the end): ${server.requests.length} requests in 2 s`,
    )
    expect(server.requests.length).toBeLessThanOrEqual(10)
    expect(server.requests.length).toBeGreaterThanOrEqual(2)
    expect(stream.state.attempt).toBeGreaterThanOrEqual(server.requests.length - 1)
  })

  it('follows a server that cuts every 1 to 60 events with retry: 5 but moves on: 5,000 events well under 20 s', async () => {
    const random = createRandom(20_261_206)
    const total = 5000
    const server = track(
      await startSseServer({
        count: total,
        frame: (n) => `id: ${n}\ndata: ${n}\n\n`,
        respond: () => ({
          kind: 'stream',
          prefix: 'retry: 5\n\n',
          limit: 1 + Math.floor(random.next() * 60),
          endWhenDone: true,
        }),
      }),
    )
    const ids: string[] = []
    const start = performance.now()
    const stream = track(createEventStream(server.url, { decode: 'text' }))
    stream.onAny((event) => ids.push(event.id))
    await until(() => ids.length === total, 19_000, 'every event')
    const seconds = (performance.now() - start) / 1000
    stream.close()
    console.log(
      `flapping server (retry: 5, cut every 1-60 events): ${total} events over ${server.requests.length} connections in ${seconds.toFixed(1)} s`,
    )
    // In order, none lost or repeated: each connection resumed after the event before.
    expect(ids).toEqual(ids.map((_id, i) => String(i + 1)))
    expect(seconds).toBeLessThan(15)
    expect(server.requests.length).toBeGreaterThan(80)
  }, 20_000)

  it('still grows the delay from the 100 ms floor when every response ends at once after retry: 0', async () => {
    const server = track(
      await startSseServer({
        respond: () => ({
          kind: 'reply',
          status: 200,
          headers: { 'content-type': 'text/event-stream' },
          body: 'retry: 0\n\n',
        }),
      }),
    )
    const stream = track(createEventStream(server.url, { retry: { initialDelay: 1000, jitter: false } }))
    const delays: number[] = []
    stream.onState(({ status, retryDelay }) => {
      if (status === 'reconnecting' && retryDelay !== undefined) delays.push(retryDelay)
    })
    await until(() => delays.length === 3, 3000, 'three reconnects')
    expect(delays).toEqual([100, 200, 400])
  })

  it('resets the backoff after a connection without progress stayed open for resetAfter', async () => {
    // Two failures, a connection that ends too soon, then one that stays open long enough, then an end.
    // None of them delivers an event: only the time open can reset the backoff.
    const emptyEnd: Plan = {
      kind: 'reply',
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      body: ': nothing\n\n',
    }
    const plans: Plan[] = [
      { kind: 'reply', status: 500 },
      { kind: 'reply', status: 500 },
      emptyEnd,
      { kind: 'stream', limit: 0, stallAfter: Number.POSITIVE_INFINITY },
      { kind: 'stream', limit: 0, stallAfter: Number.POSITIVE_INFINITY },
    ]
    const server = track(
      await startSseServer({ respond: (request) => plans[request.index] ?? { kind: 'stream' } }),
    )
    const stream = track(
      createEventStream(server.url, { retry: { initialDelay: 20, jitter: false, resetAfter: 150 } }),
    )
    const delays: number[] = []
    const attempts: number[] = []
    stream.onState(({ status, retryDelay, attempt }) => {
      if (status === 'reconnecting' && retryDelay !== delays.at(-1)) delays.push(retryDelay as number)
      if (attempt !== attempts.at(-1)) attempts.push(attempt)
    })
    await until(() => server.requests.length === 4, 3000, 'the fourth request')
    expect(delays).toEqual([20, 40, 80]) // the short connection counted as a failed attempt
    expect(stream.state.attempt).toBe(3)
    await until(() => stream.state.attempt === 0, 3000, 'the reset after 150 ms open')
    server.dropAll()
    await until(() => server.requests.length === 5, 3000, 'the reconnect')
    expect(delays).toEqual([20, 40, 80, 20]) // back to initialDelay
    expect(attempts).toEqual([1, 2, 3, 0, 1])
  })

  it('resets the backoff as soon as a connection makes progress (a new last event ID), long before resetAfter', async () => {
    const plans: Plan[] = [
      { kind: 'reply', status: 500 },
      { kind: 'reply', status: 500 },
      { kind: 'stream', limit: 1, stallAfter: Number.POSITIVE_INFINITY },
    ]
    const server = track(
      await startSseServer({ respond: (request) => plans[request.index] ?? { kind: 'stream' } }),
    )
    const stream = track(
      createEventStream(server.url, { retry: { initialDelay: 20, jitter: false, resetAfter: 60_000 } }),
    )
    await until(() => stream.state.lastEventId === '1', 3000, 'the first event')
    expect(stream.state.attempt).toBe(0)
    expect(server.requests).toHaveLength(3)
  })

  it('rejects a resetAfter that is not a number ≥ 0', () => {
    expect(() => createEventStream('http://127.0.0.1:9/x', { retry: { resetAfter: -1 } })).toThrow(
      /resetAfter/,
    )
  })
})

describe('maxAttempts', () => {
  afterEach(() => {
    vi.useRealTimers()
    vi.restoreAllMocks()
  })
  // Hooks run last-registered first: streams and servers close before the timers are reset.
  const track = closeAfterEach()

  it.each([1, 3])(
    'with maxAttempts %i: exactly that many requests to an always-500 server, then closed',
    async (n) => {
      fakeClientTimers()
      const fetches = countFetches()
      const server = track(await startSseServer({ respond: () => ({ kind: 'reply', status: 500 }) }))
      const stream = track(createEventStream(server.url, { retry: { initialDelay: 1, maxAttempts: n } }))
      for (let failed = 1; failed <= n; failed++) {
        await until(() => stream.state.attempt === failed, 3000, `failed attempt ${failed}`) // real network
        await runClientTimers() // the backoff: the next attempt starts now, and none after the last
      }
      expect(fetches()).toBe(n)
      expect(server.requests).toHaveLength(n)
      expect(stream.state).toMatchObject({
        status: 'closed',
        attempt: n,
        error: { code: 'http', status: 500 },
      })
    },
  )

  it('rejects maxAttempts below 1', () => {
    expect(() => createEventStream('http://127.0.0.1:9/x', { retry: { maxAttempts: 0 } })).toThrow(
      /maxAttempts/,
    )
  })
})

describe('jitter spreads clients that reconnect at the same moment', () => {
  it('draws backoffDelay uniformly over [0, ceiling): full spread, flat deciles', () => {
    const policy = resolveConnection('http://127.0.0.1:9/x', {}).retry as RetryPolicy
    const random = createRandom(7)
    for (const attempt of [0, 3, 8]) {
      const ceiling = Math.min(30_000, 1000 * 2 ** attempt)
      const samples = Array.from({ length: 10_000 }, () => backoffDelay(policy, attempt, 1000, random.next))
      const min = Math.min(...samples)
      const max = Math.max(...samples)
      const deciles = new Array<number>(10).fill(0)
      for (const sample of samples) {
        const decile = Math.floor((sample / ceiling) * 10)
        deciles[decile] = (deciles[decile] ?? 0) + 1
      }
      const mean = samples.reduce((sum, sample) => sum + sample, 0) / samples.length
      if (attempt === 0) {
        console.log(
          `backoffDelay jitter, attempt 0 (ceiling ${ceiling} ms): min ${min}, max ${max}, mean ${mean.toFixed(0)}, deciles ${deciles.join('/')}`,
        )
      }
      expect(min).toBeGreaterThanOrEqual(0)
      expect(max).toBeLessThan(ceiling)
      expect(max - min).toBeGreaterThan(0.99 * ceiling)
      for (const count of deciles) {
        expect(count).toBeGreaterThan(800)
        expect(count).toBeLessThan(1200)
      }
    }
    // Without jitter every client waits exactly the ceiling: a thundering herd.
    const noJitter = resolveConnection('http://127.0.0.1:9/x', { retry: { jitter: false } })
      .retry as RetryPolicy
    expect(new Set(Array.from({ length: 100 }, () => backoffDelay(noJitter, 2)))).toEqual(new Set([4000]))
  })

  describe('with 40 real clients dropped at once', () => {
    const track = closeAfterEach()

    async function dropAndMeasure(jitter: boolean) {
      const started = track(await startSseServer({ count: 1 }))
      const delays: number[] = []
      const streams: EventStream[] = []
      for (let i = 0; i < 40; i++) {
        const stream = track(
          createEventStream(started.url, {
            retry: { initialDelay: 400, maxDelay: 400, jitter },
          }),
        )
        stream.onState(({ status, retryDelay }) => {
          if (status === 'reconnecting' && retryDelay !== undefined) delays.push(retryDelay)
        })
        streams.push(stream)
      }
      await until(() => streams.every((stream) => stream.state.lastEventId === '1'), 5000, 'all clients open')
      const dropped = performance.now()
      started.dropAll()
      await until(() => started.requests.length === 80, 5000, 'all clients back')
      const reconnects = started.requests.slice(40).map((request) => request.time - dropped)
      const spread = Math.max(...reconnects) - Math.min(...reconnects)
      return { delays, reconnects, spread, server: started }
    }

    it('spreads their reconnects over the whole backoff window', async () => {
      const { delays, reconnects, spread, server } = await dropAndMeasure(true)
      const delaySpread = Math.max(...delays) - Math.min(...delays)
      console.log(
        `40 clients, full jitter over 400 ms: scheduled delays spread ${delaySpread} ms (${new Set(delays).size} distinct), ` +
          `reconnect requests spread ${spread.toFixed(0)} ms (first ${Math.min(...reconnects).toFixed(0)} ms, last ${Math.max(...reconnects).toFixed(0)} ms after the drop)`,
      )
      expect(delays).toHaveLength(40)
      expect(new Set(delays).size).toBeGreaterThan(30)
      expect(delaySpread).toBeGreaterThan(200)
      expect(spread).toBeGreaterThan(200)
      for (const request of server?.requests.slice(40) ?? []) expect(request.lastEventId).toBe('1')
    })

    it('without jitter, all of them come back together after the same delay', async () => {
      const { delays, spread } = await dropAndMeasure(false)
      console.log(
        `40 clients, jitter off: every scheduled delay 400 ms, reconnect requests spread ${spread.toFixed(0)} ms`,
      )
      expect(new Set(delays)).toEqual(new Set([400]))
    })
  })
})
