import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createEventStream } from '../../src/index'
import { closeAfterEach } from '../helpers/closeAfterEach'
import { promiseSteps } from '../helpers/until'

/**
 * Cycles under vitest's fake timers; leak.mjs runs 10,000 per transport with instrumented real timers. The
 * cycles that close while the request waits for headers are in closeWhilePending.test.ts.
 */
const CYCLES = 2000
const encoder = new TextEncoder()

/**
 * A fetch answering with a live event stream. `honourSignal: false` is a transport that ignores the
 * abort signal (a hand-written mock): then only the client cancelling its reader ends the body.
 */
function streamingFetch(honourSignal: boolean) {
  const counts = { started: 0, cancelled: 0, errored: 0, pulls: 0 }
  const fetch = (async (_url: string, init?: RequestInit) => {
    counts.started++
    let controller!: ReadableStreamDefaultController<Uint8Array>
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c
        c.enqueue(encoder.encode(': hello\n\nid: 1\ndata: "one"\n\n'))
      },
      pull() {
        counts.pulls++ // then wait forever: a live stream with nothing to say
      },
      cancel() {
        counts.cancelled++
      },
    })
    if (honourSignal) {
      init?.signal?.addEventListener('abort', () => {
        counts.errored++
        controller.error(init.signal?.reason)
      })
    }
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } })
  }) as typeof globalThis.fetch
  return { fetch, counts }
}

describe('no leaks over many create/close cycles', () => {
  afterEach(() => {
    vi.useRealTimers()
  })
  // Hooks run last-registered first: the streams close (again: closing twice is harmless) before real timers.
  const track = closeAfterEach()

  it('leaves no timer and no open body behind when closing a streaming connection', async () => {
    vi.useFakeTimers()
    const { fetch, counts } = streamingFetch(true)
    let received = 0
    for (let i = 0; i < CYCLES; i++) {
      const stream = track(createEventStream('http://127.0.0.1:9/stream', { fetch, idleTimeout: 30_000 }))
      stream.onAny(() => received++)
      await promiseSteps()
      stream.close()
      await promiseSteps()
    }
    console.log(
      `streaming fetch: ${counts.started} fetches, ${received} events, ${counts.errored} bodies ended by abort, ${vi.getTimerCount()} timers left`,
    )
    expect(counts.started).toBe(CYCLES)
    expect(received).toBe(CYCLES)
    expect(counts.errored).toBe(CYCLES)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('cancels the response body on close() even when the transport ignores the abort signal', async () => {
    vi.useFakeTimers()
    const { fetch, counts } = streamingFetch(false)
    for (let i = 0; i < 1000; i++) {
      const stream = track(createEventStream('http://127.0.0.1:9/stream', { fetch, idleTimeout: 30_000 }))
      await promiseSteps()
      stream.close()
      await promiseSteps()
    }
    expect(counts.started).toBe(1000)
    expect(counts.cancelled).toBe(1000)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('cancels the body when a state listener closes the stream the moment it opens', async () => {
    const { fetch, counts } = streamingFetch(false)
    const stream = track(createEventStream('http://127.0.0.1:9/stream', { fetch }))
    stream.onState((state) => {
      if (state.status === 'open') stream.close()
    })
    const received: unknown[] = []
    stream.onAny((event) => received.push(event))
    for (let i = 0; i < 20 && counts.cancelled === 0; i++) await promiseSteps()
    expect(counts.started).toBe(1)
    expect(counts.cancelled).toBe(1)
    expect(received).toEqual([])
  })

  it('leaves no timers, no open fetches and no heap growth after 10,000 cycles per transport (node --expose-gc leak.mjs)', async () => {
    const script = fileURLToPath(new URL('./leak.mjs', import.meta.url))
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', script], {
      timeout: 25_000,
    })
    const report = JSON.parse(stdout.trim().split('\n').at(-1) as string) as {
      cycles: number
      runs: {
        name: string
        started: number
        aborted: number
        settled: number
        bodiesEnded: number
        events: number
        peakTimers: number
        liveTimers: number
        before: number
        after: number
        growth: number
        perCycle: number
      }[]
    }
    expect(report.cycles).toBe(10_000)
    expect(report.runs.map((run) => run.name)).toEqual(['hanging fetch', 'streaming fetch'])
    for (const run of report.runs) {
      const { name, before, after, perCycle, ...numbers } = run
      console.log(
        `${name}, ${report.cycles} cycles: heap ${(before / 1e6).toFixed(2)} MB before, ${(after / 1e6).toFixed(2)} MB after (${perCycle.toFixed(1)} bytes/cycle); ${JSON.stringify(numbers)}`,
      )
      expect(run.started).toBe(report.cycles)
      expect(run.aborted).toBe(report.cycles) // every request aborted on close()
      expect(run.settled).toBe(report.cycles) // no fetch left pending
      expect(run.peakTimers).toBe(1) // the idle watchdog of the open attempt, and only it
      expect(run.liveTimers).toBe(0)
      // A kept connection (closure, parser, AbortController, Response) costs several KB: 10,000 of
      // them would be tens of MB. Allow 2 MB of noise.
      expect(run.growth).toBeLessThan(2_000_000)
    }
    const [hanging, streaming] = report.runs
    expect(hanging?.events).toBe(0)
    expect(streaming?.events).toBe(report.cycles)
    expect(streaming?.bodiesEnded).toBe(report.cycles)
  }, 30_000)
})
