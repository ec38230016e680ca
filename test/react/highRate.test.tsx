// @vitest-environment jsdom
import { act, cleanup, waitFor } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createMockStream, type MockStream } from '../../src/testing'
import { closeAfterEach } from '../helpers/closeAfterEach'
import { sleep } from '../helpers/until'
import { countFrames, renderStream, type Ticker } from './harness'

// Hooks run last-registered first: cleanup() unmounts (closing the hooks' streams), then the mocks end.
const track = closeAfterEach()
afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

/** Sends `count` tick events at 10,000 events/s (in bursts every few ms, as a fast server would). */
async function sendAtHighRate(mock: MockStream<Ticker>, count: number): Promise<number> {
  const started = performance.now()
  for (let n = 0; n < count; ) {
    const due = Math.min(count, Math.ceil((performance.now() - started) * 10) + 1)
    for (; n < due; n++) mock.send({ event: 'tick', data: { n }, id: String(n) })
    await sleep(4) // the pace of a fast server: real time is the point here
  }
  return performance.now() - started
}

/** Renders a hook with `history` and an `on` handler, streams `count` events, and checks nothing was lost. */
async function streamAndCount(count: number) {
  const mock = track(createMockStream<Ticker>())
  const handled: number[] = []
  const view = renderStream<Ticker>('http://sse.test/fast', {
    fetch: mock.fetch,
    history: count,
    on: { tick: (data) => void handled.push(data.n) },
  })
  await act(() => mock.waitForConnection())
  await waitFor(() => expect(view.current().status).toBe('open'))
  const rendersBefore = view.results.length
  const elapsed = await sendAtHighRate(mock, count)
  await waitFor(() => expect(view.current().lastEventId).toBe(String(count - 1)))
  const renders = view.results.length - rendersBefore
  const expected = Array.from({ length: count }, (_, n) => n)
  // Nothing lost: `on` saw every event in order, and so does the history.
  expect(handled).toEqual(expected)
  expect(view.current().events.map((event) => (event.type === 'tick' ? event.data.n : -1))).toEqual(expected)
  return { renders, elapsed }
}

describe('useEventStream under a high event rate', () => {
  it('renders about once per animation frame at 10,000 events/s, losing nothing', async () => {
    const frames = countFrames()
    const { renders, elapsed } = await streamAndCount(10_000)
    const frameCount = frames.stop()
    if (process.env.REPORT_RENDERS) console.log({ events: 10_000, elapsed, frames: frameCount, renders })
    // Renders are driven by frames (a 100 ms fallback timer only fires when frames stall).
    expect(renders).toBeLessThanOrEqual(frameCount + Math.ceil(elapsed / 100) + 2)
    expect(renders).toBeLessThan(10_000 / 20)
  })

  it('renders at most once per 16 ms timer where there is no requestAnimationFrame', async () => {
    vi.stubGlobal('requestAnimationFrame', undefined)
    vi.stubGlobal('cancelAnimationFrame', undefined)
    const { renders, elapsed } = await streamAndCount(2_000)
    if (process.env.REPORT_RENDERS) console.log({ events: 2_000, elapsed, renders })
    expect(renders).toBeLessThanOrEqual(Math.ceil(elapsed / 16) + 2)
  })
})
