import { act, cleanup, render } from '@testing-library/react'
import { type ReactNode, StrictMode } from 'react'
import { afterEach, vi } from 'vitest'
import type { EventMap } from '../../src/index'
import { type UseEventStreamOptions, type UseEventStreamResult, useEventStream } from '../../src/react'
import { closeAfterEach } from '../helpers/closeAfterEach'
import { setupMockServer as setupSharedMockServer } from '../helpers/mockServer'
import { flushMicrotasks } from '../helpers/until'

export { type Ticker, ticks } from '../helpers/mockServer'

/**
 * {@link setupMockServer} of test/helpers; after each test, testing-library's `cleanup()` (unmounts, which
 * closes the hooks' streams), then whatever the test passed to `track` (mock streams) closes, then real
 * timers and mocks come back.
 */
export function setupMockServer() {
  const mock = setupSharedMockServer()
  afterEach(() => {
    vi.useRealTimers()
    vi.restoreAllMocks()
  })
  // Hooks run last-registered first: cleanup() unmounts, then what `track` was given closes.
  const track = closeAfterEach()
  afterEach(() => cleanup())
  return { ...mock, track }
}

/**
 * Lets React run its pending effects and every promise step after them (up to the next macrotask): by then
 * a connection the hook opened has called `fetch` (see `countFetches` in test/helpers/clientTimers.ts).
 */
export async function settle(): Promise<void> {
  await act(() => flushMicrotasks())
}

interface ProbeProps<E extends EventMap> {
  url: string | URL | null
  options?: UseEventStreamOptions<E> | undefined
  results: UseEventStreamResult<E>[]
}

/** Renders `useEventStream` and records every render's result. */
function Probe<E extends EventMap>({ url, options, results }: ProbeProps<E>) {
  const result = useEventStream<E>(url, options)
  results.push(result)
  return <output>{result.status}</output>
}

/**
 * Renders `useEventStream` in a component that records every render's result, so that tests can check
 * what was rendered (`results`), the latest result (`current()`) and the distinct statuses (`statuses()`).
 */
export function renderStream<E extends EventMap = EventMap>(
  url: string | URL | null,
  options?: UseEventStreamOptions<E>,
  { strict = false }: { strict?: boolean } = {},
) {
  const results: UseEventStreamResult<E>[] = []
  const wrap = (node: ReactNode) => (strict ? <StrictMode>{node}</StrictMode> : node)
  const view = render(wrap(<Probe url={url} options={options} results={results} />))
  return {
    results,
    current: () => results.at(-1) as UseEventStreamResult<E>,
    statuses: () => results.map((r) => r.status).filter((status, i, all) => status !== all[i - 1]),
    rerender: (nextUrl: string | URL | null, nextOptions?: UseEventStreamOptions<E>) =>
      view.rerender(wrap(<Probe url={nextUrl} options={nextOptions} results={results} />)),
    unmount: () => view.unmount(),
  }
}

/** Retries quickly and without jitter, so that status sequences are deterministic. */
export const fastRetry = { initialDelay: 20, maxDelay: 50, jitter: false }

/** Counts the animation frames that pass until `stop()` is called. */
export function countFrames() {
  let frames = 0
  let handle = requestAnimationFrame(function frame() {
    frames++
    handle = requestAnimationFrame(frame)
  })
  return {
    stop() {
      cancelAnimationFrame(handle)
      return frames
    },
  }
}
