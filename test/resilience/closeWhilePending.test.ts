import { afterEach, describe, expect, it, vi } from 'vitest'
import { createEventStream, type EventStreamError } from '../../src/index'
import { closeAfterEach } from '../helpers/closeAfterEach'
import { startSseServer } from '../helpers/sseServer'
import { flushMicrotasks, promiseSteps, until } from '../helpers/until'

afterEach(() => {
  vi.useRealTimers()
})
// Hooks run last-registered first: streams and servers close before the timers are reset.
const track = closeAfterEach()

/** Cycles under vitest's fake timers; leaks.test.ts runs leak.mjs, 10,000 cycles with instrumented real timers. */
const CYCLES = 2000

/** A fetch that never answers until its signal aborts, counting what it sees. */
function hangingFetch() {
  const counts = { started: 0, aborted: 0, settled: 0 }
  const fetch = ((_url: string, init?: RequestInit) =>
    new Promise<Response>((_resolve, reject) => {
      counts.started++
      init?.signal?.addEventListener('abort', () => {
        counts.aborted++
        reject(init.signal?.reason)
      })
    }).finally(() => {
      counts.settled++
    })) as typeof globalThis.fetch
  return { fetch, counts }
}

describe('close() before the response headers arrive', () => {
  it('aborts a request still waiting for response headers; the server sees it go; no error is reported', async () => {
    const server = track(await startSseServer({ respond: () => ({ kind: 'hold' }) }))
    const signals: AbortSignal[] = []
    const settled: Promise<unknown>[] = []
    const fetch: typeof globalThis.fetch = (input, init) => {
      if (init?.signal) signals.push(init.signal)
      const response = globalThis.fetch(input, init)
      settled.push(response.catch(() => undefined))
      return response
    }
    const errors: EventStreamError[] = []
    const stream = track(createEventStream(server.url, { fetch }))
    stream.onError((error) => errors.push(error))
    await until(() => server.requests.length === 1, 3000, 'the request')
    expect(stream.state.status).toBe('connecting')
    expect(signals[0]?.aborted).toBe(false)

    stream.close()
    expect(signals[0]?.aborted).toBe(true)
    expect(stream.state.status).toBe('closed')
    await until(() => server.requests[0]?.closedEarly === true, 3000, 'the server to see the request closed')
    await server.requests[0]?.closed
    await Promise.all(settled) // the fetch rejected with the abort: by now the client has seen it
    await flushMicrotasks()
    expect(errors).toEqual([]) // the abort is not reported as a network error
    expect(stream.state.status).toBe('closed')
    expect(stream.state.error).toBeUndefined()
  })

  it('sends nothing when closed while the headers function is still running', async () => {
    const server = track(await startSseServer())
    let release: (() => void) | undefined
    const headers = new Promise<HeadersInit>((resolve) => {
      release = () => resolve({ authorization: 'x' })
    })
    const asked = vi.fn(() => headers)
    const fetch = vi.fn(globalThis.fetch)
    const stream = track(createEventStream(server.url, { fetch, headers: asked }))
    await until(() => asked.mock.calls.length === 1, 3000, 'the headers function to be called')
    stream.close()
    release?.()
    await headers
    await flushMicrotasks() // the client's continuation after the headers has run
    expect(fetch).not.toHaveBeenCalled()
    expect(server.requests).toHaveLength(0)
    expect(stream.state.status).toBe('closed')
  })

  it('leaves no timer and no open fetch behind over 2,000 cycles of opening and closing before the headers', async () => {
    vi.useFakeTimers()
    const { fetch, counts } = hangingFetch()
    let peakTimers = 0
    for (let i = 0; i < CYCLES; i++) {
      const stream = track(createEventStream('http://127.0.0.1:9/stream', { fetch, idleTimeout: 30_000 }))
      await promiseSteps()
      peakTimers = Math.max(peakTimers, vi.getTimerCount())
      stream.close()
      await promiseSteps()
    }
    console.log(
      `hanging fetch: ${counts.started} fetches, ${counts.aborted} aborted, ${counts.settled} settled, ${vi.getTimerCount()} timers left (peak ${peakTimers})`,
    )
    expect(counts.started).toBe(CYCLES)
    expect(counts.aborted).toBe(CYCLES)
    expect(counts.settled).toBe(CYCLES)
    expect(peakTimers).toBe(1) // the idle watchdog of the open attempt, and only it
    expect(vi.getTimerCount()).toBe(0)
  })
})
